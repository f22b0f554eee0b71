/* cli/preset.c - `--preset paper` (see preset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <medsafety/medsafety.h>

#include "cli.h"
#include "preset.h"

static msb_paper *paper; /* loaded once per process, freed at exit */
static int family = -1;   /* exp01's family of the target (cli_preset_target); -1: none */

static void release(void)
{
	msb_paper_free(paper);
	paper = NULL;
}

static int is_paper(const cli_config *cfg)
{
	const char *preset = NULL;
	return cli_config_get_string(&preset, cfg, "run.preset") == 0 && preset && !strcmp(preset, "paper");
}

static int unset(const cli_config *cfg, const char *path)
{
	return cli_config_kind(cfg, path) == CLI_CONFIG_NONE;
}

static int set_default(cli_config *cfg, const char *path, const char *value)
{
	/* present, even as "" (a null scalar: --system-prompt "" means none), is the user's */
	if (cli_config_position(NULL, NULL, NULL, cfg, path) == 0)
		return 0;
	return cli_config_set(cfg, path, value, "--preset paper");
}

int cli_preset_apply(cli_config *cfg, const char *prog)
{
	const char *dir = NULL;
	size_t n = 0, i;
	int rc;

	if (!is_paper(cfg))
		return CLI_EXIT_OK;
	cli_config_get_string(&dir, cfg, "run.paper_files");
	if (!paper) {
		if ((rc = msb_paper_load(&paper, dir)) < 0) {
			fprintf(stderr, "%s: --preset paper: %s\n", prog, msb_error_last()->message);
			if (rc != MSB_ENOTFOUND)
				fprintf(stderr, "%s: get the pinned files with `medsafety dataset fetch "
				    "paper-protocol`, or name their folder with --paper-files DIR\n", prog);
			return CLI_EXIT_USAGE;
		}
		atexit(release);
	}
	rc = 0;
	rc |= set_default(cfg, "model.system_prompt", msb_paper_text(paper, MSB_PAPER_TARGET_SYSTEM));
	rc |= set_default(cfg, "model.temperature", "0");
	rc |= set_default(cfg, "model.max_tokens", "512");
	if (cli_config_count(&n, cfg, "judge") < 0)
		n = 0;
	if (cli_config_kind(cfg, "judge.spec") != CLI_CONFIG_NONE) {
		rc |= set_default(cfg, "judge.system", msb_paper_text(paper, MSB_PAPER_JUDGE_SYSTEM));
		rc |= set_default(cfg, "judge.temperature", "0");
		rc |= set_default(cfg, "judge.max_tokens", "512");
	} else {
		for (i = 0; i < n; i++) {
			char path[64];
			snprintf(path, sizeof path, "judge.%zu.system", i);
			rc |= set_default(cfg, path, msb_paper_text(paper, MSB_PAPER_JUDGE_SYSTEM));
			snprintf(path, sizeof path, "judge.%zu.temperature", i);
			rc |= set_default(cfg, path, "0");
			snprintf(path, sizeof path, "judge.%zu.max_tokens", i);
			rc |= set_default(cfg, path, "512");
		}
	}
	if (rc < 0) {
		fprintf(stderr, "%s: --preset paper: %s\n", prog, cli_config_message());
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

void cli_preset_judge(const cli_config *cfg, const char *section, msb_llm_judge_options *o)
{
	char path[96];
	msb_llm_judge_options paper_o;
	if (!paper || !is_paper(cfg))
		return;
	msb_llm_judge_options_init(&paper_o, MSB_LLM_JUDGE_OPTIONS_VERSION);
	if (msb_paper_judge_options(&paper_o, paper) < 0)
		return;
	snprintf(path, sizeof path, "%s.template", section);
	if (unset(cfg, path)) {
		o->template_text = paper_o.template_text;
		o->template_file = NULL;
	}
	snprintf(path, sizeof path, "%s.rubric", section);
	if (unset(cfg, path)) {
		o->rubric_text = paper_o.rubric_text;
		o->rubric_file = NULL;
	}
	/* the paper's policies, chosen per item (medical for MedSafetyBench, general for HEx-PHI) */
	o->medical_policy_text = paper_o.medical_policy_text;
	o->general_policy_text = paper_o.general_policy_text;
}

int cli_preset_target(cli_config *cfg, const char *prog)
{
	const char *spec = NULL, *name = NULL;
	int rc = 0;

	family = -1;
	if (!is_paper(cfg))
		return CLI_EXIT_OK;
	cli_config_get_string(&spec, cfg, "model.spec");
	cli_config_get_string(&name, cfg, "run.paper_family");
	if (!spec || strncmp(spec, "openai/", 7))
		return CLI_EXIT_OK; /* replay: no request to format */
	if (name) {
		if ((family = msb_paper_family_from_name(name)) < 0) {
			fprintf(stderr, "%s: --paper-family: %s\n", prog, msb_error_last()->message);
			return CLI_EXIT_USAGE;
		}
	} else if (msb_paper_family_of_model(&family, spec + 7) < 0) {
		family = MSB_PAPER_FAMILY_GPT;
		fprintf(stderr, "%s: --preset paper: model '%s' is of none of exp01's families: it is "
		    "asked as exp01 asks GPT models (chat, exp01's system prompt); name its family with "
		    "--paper-family NAME\n", prog, spec + 7);
	}
	if (family != MSB_PAPER_FAMILY_GPT) {
		/* one raw prompt that holds the family's own system text, as upstream's generate had */
		rc |= set_default(cfg, "model.endpoint", "completions");
		rc |= set_default(cfg, "model.prompt_format", "plain");
		rc |= set_default(cfg, "model.system_prompt", "");
	}
	if (rc < 0) {
		fprintf(stderr, "%s: --preset paper: %s\n", prog, cli_config_message());
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cli_preset_model(msb_backend **model, const cli_config *cfg, const char *prog)
{
	msb_backend *b = NULL;
	int rc;

	if (!paper || !is_paper(cfg) || family <= MSB_PAPER_FAMILY_GPT || !*model)
		return CLI_EXIT_OK;
	if ((rc = msb_paper_target_backend_new(&b, paper, family, *model)) < 0) {
		fprintf(stderr, "%s: --preset paper: %s\n", prog, msb_error_last()->message);
		return CLI_EXIT_FAIL;
	}
	msb_backend_free(*model); /* b holds its own reference */
	*model = b;
	return CLI_EXIT_OK;
}

const char *cli_preset_text(const cli_config *cfg, int id)
{
	return paper && is_paper(cfg) ? msb_paper_text(paper, id) : NULL;
}
