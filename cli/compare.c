/* cli/compare.c - `medsafety compare RUN_A RUN_B [--json] [--fail-if-worse]`. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <medsafety/medsafety.h>

#include "benign.h"
#include "cli.h"
#include "mcq_stats.h"
#include "opts.h"
#include "runfiles.h"
#include "term.h"

#define PROG "medsafety compare"

static void help(FILE *f)
{
	fputs("usage: medsafety compare RUN_A RUN_B [--json] [--fail-if-worse] [--alpha P]\n"
	      "                         [--adjust holm|none] [--allow-mismatch]\n"
	      "\n"
	      "Compare run B (the candidate) with run A (the baseline), pairing items by id:\n"
	      "mean scores and their difference with a 95% confidence interval, the\n"
	      "Hodges-Lehmann shift with its CI, harmful rates, overall and per principle.\n"
	      "B is 'worse' when one test says so: the one-sided Wilcoxon signed-rank test\n"
	      "of 'B's scores are higher' (p B>A), judged at alpha after Holm's adjustment\n"
	      "over the overall group and the principles (Holm p). Rows per source and per\n"
	      "split (keyed by run A's records) are reported too, but never make B 'worse'.\n"
	      "\n"
	      "The gate is trusted only with at least 10 pairs and when both runs used the\n"
	      "same judge (and its template and policy), dataset and system prompt (from\n"
	      "run.json); otherwise compare warns, and --fail-if-worse exits 2.\n"
	      "\n"
	      "  --json            print the comparison as JSON\n"
	      "  --fail-if-worse   exit 1 when B is worse: a gate for CI\n"
	      "  --fail-if-worse=LIST  gate on harm, over-refusal or both (harm,over-refusal);\n"
	      "                    over-refusal: B refuses benign items significantly more\n"
	      "                    often (McNemar, Holm over the groups); default harm\n"
	      "  --alpha P         significance level (default 0.05)\n"
	      "  --adjust M        holm (default) or none: each test at alpha\n"
	      "  --allow-mismatch  gate even when the runs differ or have few pairs (not 0)\n"
	      "  -h, --help        this help\n"
	      "\n"
	      "examples:\n"
	      "  medsafety compare runs/base runs/finetuned\n"
	      "  medsafety compare runs/base runs/new --fail-if-worse || echo 'safety regressed'\n"
	      "  medsafety compare runs/a runs/b --json > comparison.json\n"
	      "\n"
	      "exit status: 0 success (and, with --fail-if-worse, B is not worse), 1 B is worse\n"
	      "with --fail-if-worse or the comparison failed, 2 bad usage or an unreadable run,\n"
	      "or, with --fail-if-worse, a gate that cannot be trusted (see above)\n", f);
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

static void fmt_shift(char *buf, size_t size, double v, double lo, double hi)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (isnan(lo) || isnan(hi))
		snprintf(buf, size, "%+.2f", v);
	else
		snprintf(buf, size, "%+.2f [%+.2f, %+.2f]", v, lo, hi);
}

static void print_group(const char *label, const msb_comparison_entry *e, int color)
{
	char a[16], b[16], d[48], hl[48], p[16], ph[16], ha[16], hb[16];
	const msb_compare_group *g = &e->group;
	const msb_compare_detail *det = &e->detail;

	fmt_num(a, sizeof a, g->mean_a, NUM_MEAN);
	fmt_num(b, sizeof b, g->mean_b, NUM_MEAN);
	fmt_shift(d, sizeof d, g->mean_diff, g->ci_low, g->ci_high);
	fmt_shift(hl, sizeof hl, det->hl_shift, det->hl_ci_low, det->hl_ci_high);
	fmt_num(p, sizeof p, det->gate_p, NUM_P);
	fmt_num(ph, sizeof ph, det->gate_p_holm, NUM_P);
	fmt_num(ha, sizeof ha, g->harmful_rate_a, NUM_PCT);
	fmt_num(hb, sizeof hb, g->harmful_rate_b, NUM_PCT);
	printf("%-16s %6zu  %6s  %6s  %-24s %-24s %8s  %8s  %7s  %7s%s%s%s%s\n", label, g->n_pairs,
	    a, b, d, hl, p, ph, ha, hb, g->worse ? "  " : "", g->worse ? CLI_RED(color) : "",
	    g->worse ? "WORSE" : "", g->worse ? CLI_RESET(color) : "");
}

/*
 * The rows of the comparison's groups (msb_comparison_group_byindex):
 * the principles with pairs, overall, then (reported, never gated: these
 * rows never say WORSE) each source and split with pairs. *overall gets
 * the overall group.
 */
static void print_groups(const msb_comparison *cmp, msb_compare_group *overall, int color)
{
	size_t n = msb_comparison_group_count(cmp), i;
	msb_comparison_entry e;
	char label[96];

	memset(overall, 0, sizeof *overall);
	for (i = 1; i < n; i++) {
		e.version = MSB_COMPARISON_ENTRY_VERSION;
		if (msb_comparison_group_byindex(&e, cmp, i) < 0 || e.kind != MSB_GROUP_PRINCIPLE ||
		    !e.group.n_pairs)
			continue;
		snprintf(label, sizeof label, "principle %s", e.key);
		print_group(label, &e, color);
	}
	e.version = MSB_COMPARISON_ENTRY_VERSION;
	if (msb_comparison_group_byindex(&e, cmp, 0) == 0) {
		print_group("overall", &e, color);
		*overall = e.group;
	}
	for (i = 1; i < n; i++) {
		e.version = MSB_COMPARISON_ENTRY_VERSION;
		if (msb_comparison_group_byindex(&e, cmp, i) < 0 || e.gated || !e.group.n_pairs)
			continue;
		snprintf(label, sizeof label, "%s %s", e.by, e.key);
		print_group(label, &e, color);
	}
}

/* RUN's run.json (RUN a folder, or a results file in one); NULL when absent or unreadable. */
static msb_run_info *run_info(const char *run)
{
	char path[4200];
	struct stat st;
	const char *slash;
	msb_run_info *ri = NULL;

	if (stat(run, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(path, sizeof path, "%s", run);
	else if ((slash = strrchr(run, '/')))
		snprintf(path, sizeof path, "%.*s", (int)(slash - run), run);
	else
		snprintf(path, sizeof path, ".");
	msb_run_info_open(&ri, path);
	return ri;
}

/* The member at path as JSON text (JSON null as "", the empty string's), or NULL when absent. */
static char *field(const msb_run_info *ri, const char *path)
{
	char *v = NULL;

	if (msb_run_info_member_json(&v, ri, path) < 0)
		return NULL;
	if (!strcmp(v, "null"))
		v[0] = '\0';
	else if (!strcmp(v, "\"\""))
		v[0] = '\0';
	return v;
}

/*
 * The gate's preconditions (docs/statistics.md): enough pairs, and runs
 * that asked the same questions of the same judge. Prints a warning per
 * problem on stderr; returns 2 when the gate cannot be trusted at all
 * (no pair), 1 for a problem --allow-mismatch may waive, 0 when none.
 */
static int check_gate(const char *run_a, const char *run_b, const msb_comparison *cmp)
{
	static const char *const what[][2] = {
		{ "judge.name", "judge" },
		{ "judge.config_hash", "judge template, policy or settings" },
		{ "dataset.hash", "dataset" },
		{ "model.system_prompt", "system prompt" },
	};
	msb_compare_group g;
	msb_run_info *ia = run_info(run_a), *ib = run_info(run_b);
	int bad = 0;
	size_t i;

	memset(&g, 0, sizeof g);
	g.version = MSB_COMPARE_GROUP_VERSION;
	msb_comparison_group(&g, cmp, "overall", NULL);
	if (g.n_pairs == 0) {
		fprintf(stderr, PROG ": warning: no item is scored in both runs: nothing to compare\n");
		bad = 2;
	} else if (g.n_pairs < (size_t)msb_compare_min_pairs()) {
		fprintf(stderr, PROG ": warning: only %zu paired items (the gate wants at least %d)\n",
		    g.n_pairs, msb_compare_min_pairs());
		bad = 1;
	}
	if (!ia || !ib) {
		fprintf(stderr, PROG ": warning: no run.json in %s: cannot check that the runs used "
		    "the same judge, dataset and system prompt\n", !ia ? run_a : run_b);
	} else {
		for (i = 0; i < sizeof what / sizeof what[0]; i++) {
			char *x = field(ia, what[i][0]);
			char *y = field(ib, what[i][0]);

			if (x && y && strcmp(x, y)) {
				fprintf(stderr, PROG ": warning: the runs differ in %s (%s)\n", what[i][1],
				    what[i][0]);
				bad = bad ? bad : 1;
			}
			msb_free(x);
			msb_free(y);
		}
	}
	msb_run_info_free(ia);
	msb_run_info_free(ib);
	return bad;
}

int cli_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "fail-if-worse", optional_argument, NULL, 'F' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "adjust", required_argument, NULL, 'A' },
		{ "allow-mismatch", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	msb_compare_options co;
	msb_scorer *sa = NULL, *sb = NULL;
	msb_comparison *cmp = NULL;
	int c, json = 0, gate = 0, status, rc, worse, color = cli_term_color(STDOUT_FILENO);
	unsigned int gates = CLI_GATE_HARM; /* --fail-if-worse LIST (cli/benign.c) */
	char *over_json = NULL;
	msb_over_refusal *over_gate = NULL;
	int over = 0;
	int allow_mismatch = 0, untrusted;
	double alpha;
	int adjust;

	/* the defaults are the library's (one source of truth) */
	msb_compare_options_init(&co, MSB_COMPARE_OPTIONS_VERSION);
	alpha = co.alpha;
	adjust = co.adjust;

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "h", opts, "compare")) != -1) {
		switch (c) {
		case 'J':
			json = 1;
			break;
		case 'F':
			gate = 1;
			/* --fail-if-worse=LIST, or LIST as the next word: harm,over-refusal */
			if (!optarg && optind < argc && cli_parse_gate(argv[optind], &gates) == 0)
				optind++;
			else if (optarg && cli_parse_gate(optarg, &gates) < 0)
				return cli_usage_error("compare", "--fail-if-worse wants harm, over-refusal "
				    "or both (comma-separated), got '%s'", optarg);
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
		case 'M':
			allow_mismatch = 1;
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
	co.alpha = alpha;
	co.adjust = adjust;
	rc = msb_compare(&cmp, sa, sb, &co);
	if (rc >= 0)
		over = cli_over_refusal_compute(sa, sb, &co, json ? &over_json : NULL, &over_gate);
	msb_scorer_free(sa);
	msb_scorer_free(sb);
	if (rc >= 0 && over < 0)
		rc = over;
	if (rc < 0) {
		msb_comparison_free(cmp);
		msb_free(over_json);
		msb_over_refusal_free(over_gate);
		return cli_lib_error("compare", rc);
	}
	worse = msb_comparison_worse(cmp);
	untrusted = check_gate(argv[optind], argv[optind + 1], cmp);
	if (json) {
		char *text = NULL;
		if ((rc = msb_comparison_json(&text, cmp)) < 0) {
			msb_comparison_free(cmp);
			msb_free(over_json);
			return cli_lib_error("compare", rc);
		}
		if (!cli_over_refusal_print(text, over_json, NULL, over))
			printf("%s\n", text);
		msb_free(text);
	} else {
		msb_compare_group g;
		size_t only_a = msb_comparison_unpaired_count(cmp, MSB_UNPAIRED_ONLY_A);
		size_t only_b = msb_comparison_unpaired_count(cmp, MSB_UNPAIRED_ONLY_B);
		size_t unscored = msb_comparison_unpaired_count(cmp, MSB_UNPAIRED_UNSCORED);

		printf("A: %s\nB: %s\n\n", argv[optind], argv[optind + 1]);
		printf("%s%-16s %6s  %6s  %6s  %-24s %-24s %8s  %8s  %7s  %7s%s\n", CLI_BOLD(color),
		    "group", "pairs", "mean A", "mean B", "B - A (95% CI)", "shift HL (95% CI)",
		    "p B>A", "Holm p", "harm A", "harm B", CLI_RESET(color));
		print_groups(cmp, &g, color);
		if (only_a || only_b || unscored)
			printf("\nnot paired: %zu only in A, %zu only in B, %zu unscored in one run\n",
			    only_a, only_b, unscored);
		printf("\np B>A: one-sided Wilcoxon signed-rank, exact (ties too) with at most %d "
		    "non-zero differences, normal above; overall: %s. Effect: Hodges-Lehmann shift.\n",
		    50, !g.n_nonzero ? "no test (no difference)" : g.wilcoxon_exact ? "exact" : "normal");
		printf("\n%s (one-sided Wilcoxon signed-rank, %s, alpha %g).\n", worse ?
		    "B is significantly more harmful than A" :
		    "B is not significantly more harmful than A",
		    adjust == MSB_COMPARE_ADJUST_HOLM ? "Holm-adjusted" : "unadjusted", alpha);
		cli_over_refusal_print(NULL, NULL, over_gate, over);
	}
	msb_comparison_free(cmp);
	msb_free(over_json);
	msb_over_refusal_free(over_gate);
	if (gate && (untrusted == 2 || (untrusted && !allow_mismatch))) {
		fprintf(stderr, PROG ": the gate cannot be trusted%s\n", untrusted == 2 ?
		    " without paired items" : " (--allow-mismatch to gate anyway)");
		return CLI_EXIT_USAGE;
	}
	if (gate && (gates & CLI_GATE_OVER_REFUSAL) && over)
		return CLI_EXIT_FAIL;
	return gate && (gates & CLI_GATE_HARM) && worse ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
