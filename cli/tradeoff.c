/*
 * cli/tradeoff.c - the numbers of `medsafety report --tradeoff`: the
 * safety comparison (msb_compare, as `medsafety compare` gets it) and the
 * paired accuracy change of two mcq runs, gathered into one JSON object
 * that cli/tradeoff_render.c prints as Markdown or HTML (docs/cli.md).
 *
 * Accuracy pairs are the ids (and samples) answered in both mcq runs;
 * a question whose model call failed in either run is left out, an
 * unanswered one counts as not right (as in cli/mcq_stats.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

#include "cli.h"
#include "runfiles.h"
#include "mcq_stats.h"
#include "opts.h"
#include "runfiles.h"
#include "tradeoff.h"

#define PROG "medsafety report"

static void help(FILE *f)
{
	fputs("usage: medsafety report --tradeoff BEFORE_SAFETY AFTER_SAFETY BEFORE_MCQ AFTER_MCQ\n"
	      "                        [--format md|html|json] [-o FILE]\n"
	      "\n"
	      "The paper's trade-off view for a model pair (e.g. before and after fine-tuning on\n"
	      "safety demonstrations): per AMA principle the change in harmfulness (mean judge\n"
	      "score and harmful rate, AFTER - BEFORE, paired by id, with the paired bootstrap\n"
	      "95% CIs of `medsafety compare`) next to the change in multiple-choice accuracy\n"
	      "(paired by id, Newcombe's 95% CI for paired proportions), overall and by subject.\n"
	      "One table and one SVG chart; HTML is self-contained.\n"
	      "\n"
	      "  -f, --format FMT   md (default), html or json\n"
	      "  -o, --output FILE  write to FILE instead of standard output\n"
	      "  -h, --help         this help\n"
	      "\n"
	      "example:\n"
	      "  medsafety report --tradeoff runs/base runs/ft runs/base-mcq runs/ft-mcq \\\n"
	      "      --format html -o tradeoff.html\n"
	      "\n"
	      "exit status: 0 success, 1 failure, 2 bad usage or an unreadable run\n", f);
}

int cli_tradeoff_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--tradeoff"))
			return 1;
	}
	return 0;
}

#define Z95 1.959963984540054

void cli_tradeoff_newcombe(double *lo, double *hi, long a, long b, long c, long d)
{
	double n = (double)(a + b + c + d), p1 = (double)(a + b) / n, p2 = (double)(a + c) / n;
	double l1, u1, l2, u2, phi = 0, den, dl, du;

	cli_mcq_wilson(&l1, &u1, a + b, a + b + c + d);
	cli_mcq_wilson(&l2, &u2, a + c, a + b + c + d);
	/*
	 * Newcombe's correlation estimate: ad - bc, less n/2 when it is above
	 * n/2, 0 between 0 and n/2, as is below 0 (as in Fagerland, Lydersen
	 * and Laake, "Statistical Analysis of Contingency Tables", ch. 8).
	 */
	den = (double)(a + b) * (double)(c + d) * (double)(a + c) * (double)(b + d);
	if (den > 0) {
		double x = (double)a * (double)d - (double)b * (double)c;
		phi = x > n / 2 ? (x - n / 2) / sqrt(den) : x >= 0 ? 0 : x / sqrt(den);
	}
	dl = (p1 - l1) * (p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) * (u2 - p2);
	du = (u1 - p1) * (u1 - p1) - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) * (p2 - l2);
	*lo = p1 - p2 - sqrt(dl > 0 ? dl : 0);
	*hi = p1 - p2 + sqrt(du > 0 ? du : 0);
	if (*lo < -1)
		*lo = -1;
	if (*hi > 1)
		*hi = 1;
}

static json_t *num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* ---------------------------------------------------------------- harm */

static json_t *harm_group(const msb_comparison *cmp, const char *by, const char *key)
{
	msb_compare_group g;
	msb_compare_detail det;
	json_t *o;

	memset(&g, 0, sizeof g);
	g.version = MSB_COMPARE_GROUP_VERSION;
	memset(&det, 0, sizeof det);
	det.version = MSB_COMPARE_DETAIL_VERSION;
	if (msb_comparison_group(cmp, by, key, &g) < 0 || g.n_pairs == 0)
		return NULL;
	if (msb_comparison_detail(cmp, by, key, &det) < 0)
		det.harmful_diff_ci_low = det.harmful_diff_ci_high = det.gate_p_holm = NAN;
	o = json_object();
	json_object_set_new(o, "n_pairs", json_integer((json_int_t)g.n_pairs));
	json_object_set_new(o, "mean_before", num(g.mean_a));
	json_object_set_new(o, "mean_after", num(g.mean_b));
	json_object_set_new(o, "mean_diff", num(g.mean_diff));
	json_object_set_new(o, "mean_diff_ci_low", num(g.ci_low));
	json_object_set_new(o, "mean_diff_ci_high", num(g.ci_high));
	json_object_set_new(o, "harmful_rate_before", num(g.harmful_rate_a));
	json_object_set_new(o, "harmful_rate_after", num(g.harmful_rate_b));
	json_object_set_new(o, "harmful_rate_diff", num(g.harmful_rate_diff));
	json_object_set_new(o, "harmful_rate_diff_ci_low", num(det.harmful_diff_ci_low));
	json_object_set_new(o, "harmful_rate_diff_ci_high", num(det.harmful_diff_ci_high));
	json_object_set_new(o, "p_more_harmful_holm", num(det.gate_p_holm));
	json_object_set_new(o, "more_harmful", json_boolean(g.worse));
	return o;
}

static int harm_json(json_t **out, const char *before, const char *after)
{
	msb_scorer *sa = NULL, *sb = NULL;
	msb_comparison *cmp = NULL;
	msb_compare_options co;
	json_t *o, *by, *g;
	int status, rc, p;

	if ((status = cli_score_run(&sa, before, PROG)) != 0)
		return status;
	if ((status = cli_score_run(&sb, after, PROG)) != 0) {
		msb_scorer_free(sa);
		return status;
	}
	msb_compare_options_init(&co, MSB_COMPARE_OPTIONS_VERSION);
	rc = msb_compare(&cmp, sa, sb, &co);
	msb_scorer_free(sa);
	msb_scorer_free(sb);
	if (rc < 0)
		return cli_lib_error("report", rc);
	o = json_object();
	by = json_object();
	for (p = 1; p <= 9; p++) {
		char key[4];
		snprintf(key, sizeof key, "%d", p);
		if ((g = harm_group(cmp, "principle", key))) {
			json_object_set_new(g, "title", json_string(msb_principle_title(p)));
			json_object_set_new(by, key, g);
		}
	}
	json_object_set_new(o, "by_principle", by);
	g = harm_group(cmp, "overall", NULL);
	json_object_set_new(o, "overall", g ? g : json_null());
	json_object_set_new(o, "confidence", json_real(co.confidence));
	msb_comparison_free(cmp);
	*out = o;
	return 0;
}

/* ------------------------------------------------------------- accuracy */

typedef struct pairs {
	long both, before_only, after_only, neither;
} pairs;

typedef struct subj {
	char *key;
	pairs t;
} subj;

static void add(pairs *t, int a, int b)
{
	if (a && b)
		t->both++;
	else if (a)
		t->before_only++;
	else if (b)
		t->after_only++;
	else
		t->neither++;
}

static json_t *pairs_json(const pairs *t)
{
	long n = t->both + t->before_only + t->after_only + t->neither;
	json_t *o = json_object();
	double lo, hi;

	json_object_set_new(o, "n_paired", json_integer(n));
	json_object_set_new(o, "both_right", json_integer(t->both));
	json_object_set_new(o, "only_before_right", json_integer(t->before_only));
	json_object_set_new(o, "only_after_right", json_integer(t->after_only));
	json_object_set_new(o, "both_wrong", json_integer(t->neither));
	if (n == 0) {
		json_object_set_new(o, "accuracy_before", json_null());
		json_object_set_new(o, "accuracy_after", json_null());
		json_object_set_new(o, "accuracy_diff", json_null());
		json_object_set_new(o, "accuracy_diff_ci_low", json_null());
		json_object_set_new(o, "accuracy_diff_ci_high", json_null());
		json_object_set_new(o, "mcnemar_p", json_null());
		return o;
	}
	/* after - before: p1 = after's accuracy (a + after_only), p2 = before's */
	cli_tradeoff_newcombe(&lo, &hi, t->both, t->after_only, t->before_only, t->neither);
	json_object_set_new(o, "accuracy_before",
	    json_real((double)(t->both + t->before_only) / (double)n));
	json_object_set_new(o, "accuracy_after",
	    json_real((double)(t->both + t->after_only) / (double)n));
	json_object_set_new(o, "accuracy_diff",
	    json_real((double)(t->after_only - t->before_only) / (double)n));
	json_object_set_new(o, "accuracy_diff_ci_low", json_real(lo));
	json_object_set_new(o, "accuracy_diff_ci_high", json_real(hi));
	json_object_set_new(o, "mcnemar_p", json_real(cli_mcq_mcnemar_p(t->before_only, t->after_only)));
	return o;
}

/* right (1), not right (0), or -1 (absent or failed: left out). */
static int outcome(const msb_record *r)
{
	if (!r || msb_record_error_stage(r))
		return -1;
	return msb_record_score(r) == 1;
}

/*
 * The question set an mcq run used, reloaded from run.json's "mcq"
 * object (source, format, cop_base) for the subjects; NULL when it
 * cannot be loaded (moved or deleted): then there are no subject rows.
 */
static msb_mcq_set *load_set(const char *dir)
{
	static const char *const formats[] = { "auto", "medqa", "medmcqa", "pubmedqa", "mmlu",
		"generic" };
	msb_mcq_load_options lo;
	msb_mcq_set *set = NULL;
	char path[4200];
	const char *src, *fmt, *cop;
	json_t *root, *m;
	size_t i;

	snprintf(path, sizeof path, "%s/run.json", dir);
	if (!(root = json_load_file(path, 0, NULL)))
		return NULL;
	m = json_object_get(json_object_get(root, "config"), "mcq");
	src = json_string_value(json_object_get(m, "source"));
	fmt = json_string_value(json_object_get(m, "format"));
	cop = json_string_value(json_object_get(m, "cop_base"));
	msb_mcq_load_options_init(&lo, MSB_MCQ_LOAD_OPTIONS_VERSION);
	for (i = 0; fmt && i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(fmt, formats[i]))
			lo.format = (int)i;
	if (cop && !strcmp(cop, "1"))
		lo.cop_base = MSB_MCQ_COP_ONE;
	else if (cop && !strcmp(cop, "0"))
		lo.cop_base = MSB_MCQ_COP_ZERO;
	if (src && msb_mcq_load(&set, src, &lo) < 0)
		set = NULL;
	json_decref(root);
	return set;
}

static int cmp_id(const void *a, const void *b, void *ctx)
{
	return strcmp(msb_mcq_id(ctx, *(const size_t *)a), msb_mcq_id(ctx, *(const size_t *)b));
}

static const char *subject_of(const msb_mcq_set *set, const size_t *order, const char *id)
{
	size_t lo = 0, hi = msb_mcq_count(set);

	while (id && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, msb_mcq_id(set, order[mid]));
		if (c == 0)
			return msb_mcq_subject(set, order[mid]);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static pairs *subject_pairs(subj **v, size_t *n, const char *key)
{
	subj *w;
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key))
			return &(*v)[i].t;
	if (!(w = realloc(*v, (*n + 1) * sizeof *w)))
		return NULL;
	*v = w;
	if (!(w[*n].key = strdup(key)))
		return NULL;
	memset(&w[*n].t, 0, sizeof w[*n].t);
	return &w[(*n)++].t;
}

static int cmp_subj(const void *a, const void *b)
{
	return strcmp(((const subj *)a)->key, ((const subj *)b)->key);
}

static int open_mcq(msb_results **out, const char *dir)
{
	char path[4200];

	if (!cli_mcq_is_run(dir)) {
		fprintf(stderr, PROG ": %s is not an mcq run (made by `medsafety mcq`)\n", dir);
		return CLI_EXIT_USAGE;
	}
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	if (msb_results_open(out, path, MSB_RESULTS_NO_TEXT) < 0) {
		fprintf(stderr, PROG ": %s\n", msb_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int accuracy_json(json_t **out, const char *before, const char *after)
{
	msb_results *ra = NULL, *rb = NULL;
	msb_mcq_set *set;
	size_t *order = NULL, i, n_subj = 0;
	subj *subjects = NULL;
	pairs all = { 0, 0, 0, 0 };
	json_t *o, *by;
	int status;

	if ((status = open_mcq(&ra, before)) != 0)
		return status;
	if ((status = open_mcq(&rb, after)) != 0) {
		msb_results_free(ra);
		return status;
	}
	set = load_set(before);
	if (set && !(order = malloc((msb_mcq_count(set) + 1) * sizeof *order))) {
		msb_mcq_set_free(set);
		set = NULL;
	}
	if (set) {
		for (i = 0; i < msb_mcq_count(set); i++)
			order[i] = i;
		qsort_r(order, msb_mcq_count(set), sizeof *order, cmp_id, set);
	}
	status = 0;
	for (i = 0; i < msb_results_count(ra); i++) {
		const msb_record *x = msb_results_record(ra, i);
		int a = outcome(x), b = outcome(msb_results_find(rb, msb_record_id(x),
		    msb_record_sample(x)));
		const char *s;
		pairs *t;

		if (a < 0 || b < 0)
			continue;
		add(&all, a, b);
		s = set ? subject_of(set, order, msb_record_id(x)) : NULL;
		if (s && s[0]) {
			if (!(t = subject_pairs(&subjects, &n_subj, s))) {
				status = CLI_EXIT_FAIL;
				break;
			}
			add(t, a, b);
		}
	}
	msb_results_free(ra);
	msb_results_free(rb);
	free(order);
	msb_mcq_set_free(set);
	o = json_object();
	json_object_set_new(o, "overall", pairs_json(&all));
	by = json_object();
	if (n_subj) /* rows in name order, whatever the journal's order */
		qsort(subjects, n_subj, sizeof *subjects, cmp_subj);
	for (i = 0; i < n_subj; i++) {
		json_object_set_new(by, subjects[i].key, pairs_json(&subjects[i].t));
		free(subjects[i].key);
	}
	free(subjects);
	json_object_set_new(o, "by_subject", by);
	json_object_set_new(o, "ci_method", json_string("Newcombe (1998) method 10: hybrid Wilson "
	    "score interval for a difference of paired proportions"));
	if (status) {
		json_decref(o);
		return cli_lib_error("report", MSB_ENOMEM);
	}
	*out = o;
	return 0;
}

/* ------------------------------------------------------------ warnings */

static json_t *run_info(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/run.json", dir);
	return json_load_file(path, 0, NULL);
}

/*
 * A before/after pair says something only when the runs asked the same
 * questions in the same way (and, for safety, of the same judge): warn on
 * stderr per difference, as `medsafety compare` does (run.json).
 */
static void warn_mismatch(const char *before, const char *after, int mcq)
{
	static const char *const what[][3] = {
		{ "judge", "name", "judge" },
		{ "judge", "config_hash", "judge template, policy or settings" },
		{ "dataset", "hash", "dataset" },
		{ "model", "system_prompt", "system prompt" },
	};
	json_t *a = run_info(before), *b = run_info(after);
	size_t i;

	if (!a || !b) {
		fprintf(stderr, PROG ": warning: no run.json in %s: cannot check that the runs are "
		    "comparable\n", !a ? before : after);
	} else if (mcq) {
		json_t *x = json_object_get(json_object_get(a, "config"), "mcq");
		json_t *y = json_object_get(json_object_get(b, "config"), "mcq");
		if (!json_equal(x, y))
			fprintf(stderr, PROG ": warning: the mcq runs %s and %s differ in their question "
			    "set or prompt settings (run.json config.mcq)\n", before, after);
	} else {
		for (i = 0; i < sizeof what / sizeof what[0]; i++) {
			json_t *x = json_object_get(json_object_get(a, what[i][0]), what[i][1]);
			json_t *y = json_object_get(json_object_get(b, what[i][0]), what[i][1]);
			if (x && y && !json_equal(x, y))
				fprintf(stderr, PROG ": warning: the safety runs %s and %s differ in %s "
				    "(%s.%s)\n", before, after, what[i][2], what[i][0], what[i][1]);
		}
	}
	json_decref(a);
	json_decref(b);
}

/* ------------------------------------------------------------- command */

int cli_tradeoff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tradeoff", no_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *fmt = "md", *output = NULL, *names[4] = { "before_safety", "after_safety",
		"before_mcq", "after_mcq" };
	json_t *t, *harm = NULL, *acc = NULL, *runs;
	char *text;
	int c, status, i;

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "f:o:h", opts, "report")) != -1) {
		switch (c) {
		case 'T':
			break;
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (strcmp(fmt, "md") && strcmp(fmt, "html") && strcmp(fmt, "json"))
		return cli_usage_error("report", "--tradeoff: --format wants md, html or json, got '%s'",
		    fmt);
	if (argc - optind != 4)
		return cli_usage_error("report", "--tradeoff wants four runs: BEFORE_SAFETY AFTER_SAFETY "
		    "BEFORE_MCQ AFTER_MCQ (got %d)", argc - optind);
	for (i = 0; i < 2; i++)
		if (cli_mcq_is_run(argv[optind + i]))
			return cli_usage_error("report", "--tradeoff: %s is an mcq run; the first two runs "
			    "are safety runs (BEFORE_SAFETY AFTER_SAFETY BEFORE_MCQ AFTER_MCQ)",
			    argv[optind + i]);
	warn_mismatch(argv[optind], argv[optind + 1], 0);
	warn_mismatch(argv[optind + 2], argv[optind + 3], 1);
	if ((status = harm_json(&harm, argv[optind], argv[optind + 1])) != 0)
		return status;
	if ((status = accuracy_json(&acc, argv[optind + 2], argv[optind + 3])) != 0) {
		json_decref(harm);
		return status;
	}
	t = json_object();
	json_object_set_new(t, "kind", json_string("tradeoff"));
	runs = json_object();
	for (i = 0; i < 4; i++)
		json_object_set_new(runs, names[i], json_string(argv[optind + i]));
	json_object_set_new(t, "runs", runs);
	json_object_set_new(t, "harm", harm);
	json_object_set_new(t, "accuracy", acc);
	if (!strcmp(fmt, "json")) {
		char *s = json_dumps(t, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
		size_t n = s ? strlen(s) : 0;
		text = s ? realloc(s, n + 2) : NULL;
		if (text)
			memcpy(text + n, "\n", 2);
		else
			free(s);
	} else if (!strcmp(fmt, "html")) {
		text = cli_tradeoff_html(t);
	} else {
		text = cli_tradeoff_markdown(t);
	}
	json_decref(t);
	if (!text)
		return cli_lib_error("report", MSB_ENOMEM);
	status = cli_write_text(output, text);
	free(text);
	if (status != 0)
		return cli_fail("report", "cannot write %s", output ? output : "the report");
	return CLI_EXIT_OK;
}
