/*
 * cli/benign.c - `--benign-judge SPEC`: how a run judges the answers to
 * benign items (over-refusal). The run's judge (or jury) keeps the
 * harmful items; the benign ones go to the judge named here, through a
 * by-kind judge (msb_judge_by_kind_new). docs/cli.md, "Over-refusal".
 *
 *   auto (default), xstest-rules  offline XSTest-class rules
 *   same                          the run's judge for every item
 *   helpfulness                   the helpfulness LLM judge on the run's
 *                                 (first) judge model: needs openai/MODEL
 *   openai/MODEL                  the helpfulness LLM judge on MODEL, with
 *                                 the (first) judge's base URL and key
 */
#include <stdio.h>
#include <string.h>

#include "benign.h"
#include "build.h"
#include "cli.h"
#include "opts.h"

static int has_benign(const msb_dataset *ds)
{
	size_t i;

	for (i = 0; i < msb_dataset_count(ds); i++)
		if (msb_item_kind(msb_dataset_item(ds, i)) == MSB_KIND_BENIGN)
			return 1;
	return 0;
}

/* The helpfulness judge on model `model` with the HTTP settings of the config's (first) judge. */
static int helpfulness(msb_judge **out, const msb_config *cfg, const char *model, const char *prog)
{
	const char *section = msb_config_kind(cfg, "judge") == MSB_CONFIG_LIST ? "judge.0" : "judge";
	msb_backend *be = NULL;
	int status, rc;

	if ((status = cli_build_openai_backend(&be, cfg, section, model, prog)) != 0)
		return status;
	rc = msb_judge_helpfulness_new(out, be, NULL);
	msb_backend_free(be);
	if (rc < 0) {
		fprintf(stderr, "%s: --benign-judge: %s\n", prog, msb_error_last()->message);
		return rc == MSB_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cli_build_benign_judge(msb_judge **judge, const msb_dataset *ds, const msb_config *cfg,
    const char *prog)
{
	const char *spec = "auto", *first = NULL;
	msb_judge *benign = NULL, *both = NULL;
	int status = CLI_EXIT_OK, rc;

	if (msb_config_get_string(&spec, cfg, "benign_judge") < 0)
		spec = "auto";
	if (!*judge || !has_benign(ds) || !strcmp(spec, "same"))
		return CLI_EXIT_OK;
	if (!strcmp(spec, "auto") || !strcmp(spec, "xstest-rules")) {
		if ((rc = msb_judge_xstest_new(&benign)) < 0)
			return cli_lib_error("run", rc);
	} else if (!strcmp(spec, "helpfulness")) {
		if (msb_config_get_string(&first, cfg, msb_config_kind(cfg, "judge") == MSB_CONFIG_LIST
		        ? "judge.0.spec" : "judge.spec") < 0 || strncmp(first, "openai/", 7)) {
			fprintf(stderr, "%s: --benign-judge helpfulness needs an openai/MODEL judge "
			    "(or name the model: --benign-judge openai/MODEL)\n", prog);
			return CLI_EXIT_USAGE;
		}
		status = helpfulness(&benign, cfg, first + 7, prog);
	} else if (!strncmp(spec, "openai/", 7) && spec[7]) {
		status = helpfulness(&benign, cfg, spec + 7, prog);
	} else {
		fprintf(stderr, "%s: unknown --benign-judge '%s' (auto, xstest-rules, same, "
		    "helpfulness or openai/MODEL)\n", prog, spec);
		return CLI_EXIT_USAGE;
	}
	if (status)
		return status;
	rc = msb_judge_by_kind_new(&both, *judge, benign, ds);
	msb_judge_free(benign); /* the pair holds its own references */
	if (rc < 0)
		return cli_lib_error("run", rc);
	msb_judge_free(*judge);
	*judge = both;
	return CLI_EXIT_OK;
}
