/* cli/preset.c - `--preset paper` (see preset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <medsafety/medsafety.h>

#include "cli.h"
#include "preset.h"

static msb_paper *paper; /* loaded once per process, freed at exit */

static void release(void)
{
	msb_paper_free(paper);
	paper = NULL;
}

static int is_paper(const msb_config *cfg)
{
	const char *preset = NULL;
	return msb_config_get_string(&preset, cfg, "run.preset") == 0 && preset && !strcmp(preset, "paper");
}

static int unset(const msb_config *cfg, const char *path)
{
	return msb_config_kind(cfg, path) == MSB_CONFIG_NONE;
}

static int set_default(msb_config *cfg, const char *path, const char *value)
{
	if (!unset(cfg, path))
		return 0;
	return msb_config_set(cfg, path, value, "--preset paper");
}

int cli_preset_apply(msb_config *cfg, const char *prog)
{
	const char *dir = NULL;
	size_t n = 0, i;
	int rc;

	if (!is_paper(cfg))
		return CLI_EXIT_OK;
	msb_config_get_string(&dir, cfg, "run.paper_files");
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
	if (msb_config_count(&n, cfg, "judge") < 0)
		n = 0;
	if (msb_config_kind(cfg, "judge.spec") != MSB_CONFIG_NONE) {
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
		fprintf(stderr, "%s: --preset paper: %s\n", prog, msb_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

void cli_preset_judge(const msb_config *cfg, const char *section, msb_llm_judge_options *o)
{
	char path[96];
	msb_llm_judge_options paper_o;
	if (!paper || !is_paper(cfg))
		return;
	msb_llm_judge_options_init(&paper_o, MSB_LLM_JUDGE_OPTIONS_VERSION);
	if (msb_paper_judge_options(paper, &paper_o) < 0)
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

const char *cli_preset_text(const msb_config *cfg, int id)
{
	return paper && is_paper(cfg) ? msb_paper_text(paper, id) : NULL;
}
