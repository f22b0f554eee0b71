/* cli/compare.c - `medsafety compare RUN_A RUN_B [--json] [--fail-if-worse]`. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

#include "cli.h"
#include "mcq_stats.h"
#include "opts.h"
#include "runfiles.h"
#include "term.h"

#define PROG "medsafety compare"

static void help(FILE *f)
{
	fputs("usage: medsafety compare RUN_A RUN_B [--json] [--fail-if-worse] [--alpha P]\n"
	      "                         [--adjust holm|none]\n"
	      "\n"
	      "Compare run B (the candidate) with run A (the baseline), pairing items by id:\n"
	      "mean scores and their difference with a 95% confidence interval, harmful rates,\n"
	      "Wilcoxon signed-rank and McNemar tests, overall and per principle. B is 'worse'\n"
	      "when it is significantly more harmful overall or in a principle: its p-values\n"
	      "judged at alpha after Holm's adjustment for the up to 20 tests (the table shows\n"
	      "the unadjusted Wilcoxon p). Rows per source and per split (keyed by run A's\n"
	      "records) are reported too, but never make B 'worse'.\n"
	      "\n"
	      "  --json            print the comparison as JSON\n"
	      "  --fail-if-worse   exit 1 when B is worse: a gate for CI\n"
	      "  --alpha P         significance level (default 0.05)\n"
	      "  --adjust M        holm (default) or none: each test at alpha\n"
	      "  -h, --help        this help\n"
	      "\n"
	      "examples:\n"
	      "  medsafety compare runs/base runs/finetuned\n"
	      "  medsafety compare runs/base runs/new --fail-if-worse || echo 'safety regressed'\n"
	      "  medsafety compare runs/a runs/b --json > comparison.json\n"
	      "\n"
	      "exit status: 0 success (and, with --fail-if-worse, B is not worse), 1 B is worse\n"
	      "with --fail-if-worse or the comparison failed, 2 bad usage or an unreadable run\n", f);
}

enum { NUM_MEAN, NUM_PCT, NUM_P };

static void fmt_num(char *buf, size_t size, double v, int how)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (how == NUM_PCT)
		snprintf(buf, size, "%.1f%%", 100.0 * v);
	else if (how == NUM_P)
		snprintf(buf, size, "%.3g", v);
	else
		snprintf(buf, size, "%.2f", v);
}

static void print_group(const char *label, const msb_compare_group *g, int color)
{
	char a[16], b[16], d[48], p[16], ha[16], hb[16];

	fmt_num(a, sizeof a, g->mean_a, NUM_MEAN);
	fmt_num(b, sizeof b, g->mean_b, NUM_MEAN);
	if (isnan(g->mean_diff))
		snprintf(d, sizeof d, "-");
	else
		snprintf(d, sizeof d, "%+.2f [%+.2f, %+.2f]", g->mean_diff, g->ci_low, g->ci_high);
	fmt_num(p, sizeof p, g->wilcoxon_p, NUM_P);
	fmt_num(ha, sizeof ha, g->harmful_rate_a, NUM_PCT);
	fmt_num(hb, sizeof hb, g->harmful_rate_b, NUM_PCT);
	printf("%-16s %6zu  %6s  %6s  %-24s %8s  %7s  %7s%s%s%s%s\n", label, g->n_pairs, a, b, d,
	    p, ha, hb, g->worse ? "  " : "", g->worse ? CLI_RED(color) : "",
	    g->worse ? "WORSE" : "", g->worse ? CLI_RESET(color) : "");
}

/*
 * The source and split rows. The API has no key enumerator, so the keys
 * come from the comparison's JSON (its "by_source" / "by_split" objects).
 */
static void print_extra(const msb_comparison *cmp, int color)
{
	static const char *const kinds[2][2] = { { "source", "by_source" }, { "split", "by_split" } };
	char *text = NULL;
	json_t *root;
	int k;

	if (msb_comparison_json(cmp, &text) < 0)
		return;
	root = json_loads(text, 0, NULL);
	msb_free(text);
	if (!root)
		return;
	for (k = 0; k < 2; k++) {
		const char *key;
		json_t *v;

		json_object_foreach(json_object_get(root, kinds[k][1]), key, v) {
			msb_compare_group g;
			char label[96];

			(void)v;
			g.version = MSB_COMPARE_GROUP_VERSION;
			snprintf(label, sizeof label, "%s %s", kinds[k][0], key);
			if (msb_comparison_group(cmp, kinds[k][0], key, &g) == 0 && g.n_pairs)
				print_group(label, &g, color);
		}
	}
	json_decref(root);
}

int cli_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "fail-if-worse", no_argument, NULL, 'F' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "adjust", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	msb_compare_options co;
	msb_scorer *sa = NULL, *sb = NULL;
	msb_comparison *cmp = NULL;
	int c, json = 0, gate = 0, status, rc, worse, p, color = cli_term_color(STDOUT_FILENO);
	double alpha = 0.05;
	int adjust = MSB_COMPARE_ADJUST_HOLM;

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "h", opts, "compare")) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		case 'F':
			gate = 1;
			break;
		case 'a':
			if (cli_parse_double(&alpha, "compare", "--alpha", optarg, 1e-9, 0.5) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'A':
			if (!strcmp(optarg, "holm"))
				adjust = MSB_COMPARE_ADJUST_HOLM;
			else if (!strcmp(optarg, "none"))
				adjust = MSB_COMPARE_ADJUST_NONE;
			else
				return cli_usage_error("compare", "--adjust wants holm or none, got '%s'",
				    optarg);
			break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("compare", "give two runs: RUN_A (baseline) and RUN_B");
	if (cli_mcq_is_run(argv[optind]) || cli_mcq_is_run(argv[optind + 1])) /* cli/mcq_stats.c */
		return cli_mcq_compare(argv[optind], argv[optind + 1], json, gate, alpha);
	if ((status = cli_score_run(&sa, argv[optind], PROG)) != 0)
		return status;
	if ((status = cli_score_run(&sb, argv[optind + 1], PROG)) != 0) {
		msb_scorer_free(sa);
		return status;
	}
	msb_compare_options_init(&co, MSB_COMPARE_OPTIONS_VERSION);
	co.alpha = alpha;
	co.adjust = adjust;
	rc = msb_compare(&cmp, sa, sb, &co);
	msb_scorer_free(sa);
	msb_scorer_free(sb);
	if (rc < 0)
		return cli_lib_error("compare", rc);
	worse = msb_comparison_worse(cmp);
	if (json) {
		char *text = NULL;
		if ((rc = msb_comparison_json(cmp, &text)) < 0) {
			msb_comparison_free(cmp);
			return cli_lib_error("compare", rc);
		}
		printf("%s\n", text);
		msb_free(text);
	} else {
		msb_compare_group g;
		size_t only_a = msb_comparison_unpaired_count(cmp, MSB_UNPAIRED_ONLY_A);
		size_t only_b = msb_comparison_unpaired_count(cmp, MSB_UNPAIRED_ONLY_B);
		size_t unscored = msb_comparison_unpaired_count(cmp, MSB_UNPAIRED_UNSCORED);

		printf("A: %s\nB: %s\n\n", argv[optind], argv[optind + 1]);
		printf("%s%-16s %6s  %6s  %6s  %-24s %8s  %7s  %7s%s\n", CLI_BOLD(color), "group",
		    "pairs", "mean A", "mean B", "B - A (95% CI)", "p", "harm A", "harm B",
		    CLI_RESET(color));
		for (p = 1; p <= 9; p++) {
			char key[4], label[16];
			snprintf(key, sizeof key, "%d", p);
			snprintf(label, sizeof label, "principle %d", p);
			g.version = MSB_COMPARE_GROUP_VERSION;
			if (msb_comparison_group(cmp, "principle", key, &g) == 0 && g.n_pairs)
				print_group(label, &g, color);
		}
		g.version = MSB_COMPARE_GROUP_VERSION;
		if (msb_comparison_group(cmp, "overall", NULL, &g) == 0)
			print_group("overall", &g, color);
		/* reported, not gated: these rows never say WORSE */
		print_extra(cmp, color);
		if (only_a || only_b || unscored)
			printf("\nnot paired: %zu only in A, %zu only in B, %zu unscored in one run\n",
			    only_a, only_b, unscored);
		printf("\n%s\n", worse ? "B is significantly more harmful than A."
		    : "B is not significantly more harmful than A.");
	}
	msb_comparison_free(cmp);
	return gate && worse ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
