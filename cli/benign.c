/*
 * cli/benign.c - `--benign-judge SPEC`: how a run judges the answers to
 * benign items (over-refusal). The run's judge (or jury) keeps the
 * harmful items; the benign ones go to the judge named here, through a
 * by-kind judge (msb_judge_by_kind_new). docs/cli.md, "Over-refusal".
 *
 *   auto (default)                helpfulness when the run has one judge and it is
 *                                 openai/MODEL, else xstest-rules
 *   xstest-rules                  offline XSTest-class rules
 *   same                          the run's judge for every item
 *   helpfulness                   the helpfulness LLM judge on the run's
 *                                 (first) judge model: needs openai/MODEL
 *   openai/MODEL                  the helpfulness LLM judge on MODEL, with
 *                                 the (first) judge's base URL and key
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "benign.h"
#include "build.h"
#include "cli.h"
#include "opts.h"

static int has_benign(const msb_dataset *ds)
{
	size_t i;
	msb_item_info info = MSB_ITEM_INFO_INIT;

	for (i = 0; i < msb_dataset_count(ds); i++)
		if (msb_item_info_get(&info, msb_dataset_item(ds, i)) == 0 && info.kind == MSB_KIND_BENIGN)
			return 1;
	return 0;
}

/* The helpfulness judge on model `model` with the HTTP settings of the config's (first) judge. */
static int helpfulness(msb_judge **out, const cli_config *cfg, const char *model, const char *prog)
{
	const char *section = cli_config_kind(cfg, "judge") == CLI_CONFIG_LIST ? "judge.0" : "judge";
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

int cli_build_benign_judge(msb_judge **judge, const msb_dataset *ds, const cli_config *cfg,
    const char *prog)
{
	const char *spec = "auto", *first = NULL;
	msb_judge *benign = NULL, *both = NULL;
	int status = CLI_EXIT_OK, rc;

	if (cli_config_get_string(&spec, cfg, "benign_judge") < 0)
		spec = "auto";
	if (!*judge || !has_benign(ds) || !strcmp(spec, "same"))
		return CLI_EXIT_OK;
	if (!strcmp(spec, "auto")) {
		/* an LLM-judged run gets LLM-judged benign answers; an offline one stays offline */
		const char *one = NULL;
		int single = cli_config_kind(cfg, "judge") != CLI_CONFIG_LIST;
		if (!single) {
			size_t n = 0;
			cli_config_count(&n, cfg, "judge");
			single = n == 1;
		}
		spec = single && cli_config_get_string(&one, cfg, cli_config_kind(cfg, "judge") ==
		        CLI_CONFIG_LIST ? "judge.0.spec" : "judge.spec") == 0 && cli_http_spec(one, NULL)
		    ? "helpfulness" : "xstest-rules";
	}
	if (!strcmp(spec, "xstest-rules")) {
		if ((rc = msb_judge_xstest_new(&benign)) < 0)
			return cli_lib_error("run", rc);
	} else if (!strcmp(spec, "helpfulness")) {
		if (cli_config_get_string(&first, cfg, cli_config_kind(cfg, "judge") == CLI_CONFIG_LIST
		        ? "judge.0.spec" : "judge.spec") < 0 || !cli_http_spec(first, NULL)) {
			fprintf(stderr, "%s: --benign-judge helpfulness needs an openai/MODEL judge "
			    "(or name the model: --benign-judge openai/MODEL)\n", prog);
			return CLI_EXIT_USAGE;
		}
		status = helpfulness(&benign, cfg, cli_http_spec(first, NULL), prog);
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

/* ---- medsafety compare: the over-refusal gate ---- */

int cli_parse_gate(const char *s, unsigned int *mask)
{
	const char *p = s;
	unsigned int m = 0;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		if (n == 4 && !strncmp(p, "harm", 4))
			m |= CLI_GATE_HARM;
		else if (n == 12 && !strncmp(p, "over-refusal", 12))
			m |= CLI_GATE_OVER_REFUSAL;
		else
			return -1; /* *mask untouched */
		p += n;
		if (*p == ',')
			p++;
	}
	if (!m)
		return -1;
	*mask = m;
	return 0;
}

int cli_over_refusal_compute(const msb_scorer *a, const msb_scorer *b,
    const msb_compare_options *co, char **json, msb_over_refusal **gate)
{
	int rc;

	if (json)
		*json = NULL;
	if (gate)
		*gate = NULL;
	if (!msb_scorer_benign_count(a) && !msb_scorer_benign_count(b))
		return 0;
	if (json)
		return msb_compare_over_refusal(json, a, b, co);
	if ((rc = msb_over_refusal_new(gate, a, b, co)) < 0)
		return rc;
	return msb_over_refusal_worse(*gate);
}

/* NaN (JSON null) printed as 0, as the line always has */
static double or0(double x)
{
	return isnan(x) ? 0 : x;
}

int cli_over_refusal_print(const char *cmp_json, const char *over_json,
    const msb_over_refusal *gate, int worse)
{
	if (cmp_json && over_json) {
		/* the comparison's JSON object with "over_refusal" appended */
		json_t *g = json_loads(over_json, 0, NULL), *root = json_loads(cmp_json, 0, NULL);
		char *text = NULL;
		if (!g || !root || json_object_set(root, "over_refusal", g) ||
		    !(text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		                              JSON_REAL_PRECISION(10)))) {
			json_decref(root);
			json_decref(g);
			return 0;
		}
		printf("%s\n", text);
		free(text);
		json_decref(root);
		json_decref(g);
		return 1;
	}
	if (!cmp_json && gate) {
		msb_over_refusal_group o;

		memset(&o, 0, sizeof o);
		o.version = MSB_OVER_REFUSAL_GROUP_VERSION;
		if (msb_over_refusal_group_byindex(&o, gate, 0) < 0) /* overall */
			return 0;
		printf("\nover-refusal of benign items (score 1-3), %lld paired: A %.1f%%, B %.1f%%, "
		    "McNemar p %.3g\n%s\n", (long long)o.n_pairs, 100 * or0(o.over_refusal_rate_a),
		    100 * or0(o.over_refusal_rate_b), or0(o.mcnemar_p),
		    worse ? "B over-refuses significantly more than A."
		          : "B does not over-refuse significantly more than A.");
		return 1;
	}
	return 0;
}

/* ---- the terminal summary ---- */

int cli_benign_summary_print(FILE *f, const msb_summary *sum, int color)
{
	msb_summary_benign b;
	const msb_benign_stats *o = &b.stats;

	(void)color;
	memset(&b, 0, sizeof b);
	b.version = MSB_SUMMARY_BENIGN_VERSION;
	if (msb_summary_benign_byindex(&b, sum, 0) < 0) /* no benign items */
		return 0;
	if (isnan(o->over_refusal_rate)) {
		fprintf(f, "over-refusal: %lld benign items, none scored\n", (long long)o->n);
		return 1;
	}
	fprintf(f, "over-refusal: %.1f%% [%.1f, %.1f] of %lld scored benign items refused in full "
	    "or in part (full refusal %.1f%%)\n", 100 * o->over_refusal_rate,
	    100 * o->over_refusal_ci_low, 100 * o->over_refusal_ci_high, (long long)o->n_scored,
	    100 * o->full_refusal_rate);
	return 1;
}
