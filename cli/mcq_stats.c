/*
 * cli/mcq_stats.c - summary.json of an mcq run and the comparison of two.
 *
 * accuracy = right / (n - n_errors): an unanswered question counts as
 * not right (as in the usual MedQA/MedMCQA reporting); a question whose
 * model or judge call failed is left out and counted in n_errors.
 * accuracy_answered = right / n_answered. The interval is Wilson's score
 * interval at 95%.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <medsafety/medsafety.h>

#include "cli.h"
#include "mcq_stats.h"
#include "runfiles.h"

/* One source of truth: the library's (lib/mcq/tradeoff.c). */
void cli_mcq_wilson(double *lo, double *hi, long x, long n)
{
	msb_wilson_interval(lo, hi, (size_t)x, (size_t)n, 0.95);
}

double cli_mcq_mcnemar_p(long b, long c)
{
	return msb_mcnemar_exact_p(b, c);
}

typedef struct group {
	long n, answered, right, errors;
} group;

static json_t *group_json(const group *g)
{
	json_t *o = json_object();
	long scored = g->n - g->errors;
	json_object_set_new(o, "n", json_integer(g->n));
	json_object_set_new(o, "n_answered", json_integer(g->answered));
	json_object_set_new(o, "n_unanswered", json_integer(scored - g->answered));
	json_object_set_new(o, "n_errors", json_integer(g->errors));
	json_object_set_new(o, "n_correct", json_integer(g->right));
	if (scored > 0) {
		double lo, hi;
		cli_mcq_wilson(&lo, &hi, g->right, scored);
		json_object_set_new(o, "accuracy", json_real((double)g->right / (double)scored));
		json_object_set_new(o, "accuracy_ci_low", json_real(lo));
		json_object_set_new(o, "accuracy_ci_high", json_real(hi));
	} else {
		json_object_set_new(o, "accuracy", json_null());
		json_object_set_new(o, "accuracy_ci_low", json_null());
		json_object_set_new(o, "accuracy_ci_high", json_null());
	}
	json_object_set_new(o, "accuracy_answered",
	    g->answered ? json_real((double)g->right / (double)g->answered) : json_null());
	return o;
}

/* Named groups (subjects, sources): a small growable array, searched linearly. */
typedef struct named {
	char *key;
	group g;
} named;

typedef struct groups {
	named *v;
	size_t n, cap;
} groups;

static group *group_of(groups *gs, const char *key)
{
	size_t i;
	for (i = 0; i < gs->n; i++)
		if (!strcmp(gs->v[i].key, key))
			return &gs->v[i].g;
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? 2 * gs->cap : 16;
		named *v = realloc(gs->v, cap * sizeof *v);
		if (!v)
			return NULL;
		gs->v = v;
		gs->cap = cap;
	}
	if (!(gs->v[gs->n].key = strdup(key)))
		return NULL;
	memset(&gs->v[gs->n].g, 0, sizeof gs->v[gs->n].g);
	return &gs->v[gs->n++].g;
}

static void count(group *g, const msb_record_info *r)
{
	int score = r->score;
	g->n++;
	if (r->error_stage)
		g->errors++;
	else if (score == 1 || score == 5) {
		g->answered++;
		g->right += score == 1;
	}
}

/* The groups as a JSON object; frees them. */
static json_t *groups_json(groups *gs)
{
	json_t *out = json_object();
	size_t i;
	for (i = 0; i < gs->n; i++) {
		json_object_set_new(out, gs->v[i].key, group_json(&gs->v[i].g));
		free(gs->v[i].key);
	}
	free(gs->v);
	memset(gs, 0, sizeof *gs);
	return out;
}

/* The subject of a question id: a bsearch over the set's ids, sorted once. */
typedef struct subj_index {
	const msb_mcq_set *set;
	size_t *order;
} subj_index;

/* Question i of s (i < msb_mcq_count: the call cannot fail). */
static msb_mcq_item_info question(const msb_mcq_set *s, size_t i)
{
	msb_mcq_item_info q = MSB_MCQ_ITEM_INFO_INIT;
	(void)msb_mcq_item_info_get(&q, s, i);
	return q;
}

static int cmp_id(const void *a, const void *b, void *ctx)
{
	const msb_mcq_set *s = ctx;
	return strcmp(question(s, *(const size_t *)a).id, question(s, *(const size_t *)b).id);
}

static const char *subject_of(const subj_index *x, const char *id)
{
	size_t lo = 0, hi = msb_mcq_count(x->set);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		msb_mcq_item_info q = question(x->set, x->order[mid]);
		int c = strcmp(q.id, id);
		if (c == 0)
			return q.subject;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void print_row(FILE *out, const char *name, json_t *g)
{
	json_t *acc = json_object_get(g, "accuracy");
	if (json_is_number(acc))
		fprintf(out, "  %-24s %6lld %6lld %6lld   %5.1f%%  [%5.1f%%, %5.1f%%]\n", name,
		    (long long)json_integer_value(json_object_get(g, "n")),
		    (long long)json_integer_value(json_object_get(g, "n_correct")),
		    (long long)json_integer_value(json_object_get(g, "n_unanswered")),
		    100 * json_number_value(acc),
		    100 * json_number_value(json_object_get(g, "accuracy_ci_low")),
		    100 * json_number_value(json_object_get(g, "accuracy_ci_high")));
	else
		fprintf(out, "  %-24s %6lld      -      -       -\n", name,
		    (long long)json_integer_value(json_object_get(g, "n")));
}

static void md_row(FILE *f, const char *name, json_t *g)
{
	json_t *acc = json_object_get(g, "accuracy");
	fprintf(f, "| %s | %lld | %lld | %lld | %lld | ", name,
	    (long long)json_integer_value(json_object_get(g, "n")),
	    (long long)json_integer_value(json_object_get(g, "n_correct")),
	    (long long)json_integer_value(json_object_get(g, "n_unanswered")),
	    (long long)json_integer_value(json_object_get(g, "n_errors")));
	if (json_is_number(acc))
		fprintf(f, "%.1f%% | %.1f%% to %.1f%% |\n", 100 * json_number_value(acc),
		    100 * json_number_value(json_object_get(g, "accuracy_ci_low")),
		    100 * json_number_value(json_object_get(g, "accuracy_ci_high")));
	else
		fputs("- | - |\n", f);
}

/*
 * report.md of an mcq run. The runner wrote the harm reports of a safety
 * run (scores 1..5 mean something else here): report.md is replaced,
 * report.html and report.csv are removed.
 */
static int write_report(const char *dir, json_t *root)
{
	char path[4200], *text = NULL;
	size_t size = 0;
	json_t *v;
	const char *k;
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/report.html", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/report.csv", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/report.md", dir);
	if (!(f = open_memstream(&text, &size)))
		return -1;
	fputs("# Multiple-choice accuracy\n\nAccuracy = right / (questions - errors); an unanswered "
	    "question counts as not right. 95% intervals: Wilson.\n\n"
	    "| group | n | right | unanswered | errors | accuracy | 95% CI |\n"
	    "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n", f);
	md_row(f, "overall", json_object_get(root, "overall"));
	json_object_foreach(json_object_get(root, "by_source"), k, v) {
		char name[300];
		snprintf(name, sizeof name, "source %s", k);
		md_row(f, name, v);
	}
	json_object_foreach(json_object_get(root, "by_subject"), k, v)
		md_row(f, k, v);
	if (fclose(f) != 0) {
		free(text);
		return -1;
	}
	rc = cli_write_text(path, text); /* atomic: a temporary file, then rename */
	free(text);
	return rc;
}

/* The counts of a summary group (the inverse of group_json). */
static group group_of_json(json_t *o)
{
	group g;
	g.n = (long)json_integer_value(json_object_get(o, "n"));
	g.answered = (long)json_integer_value(json_object_get(o, "n_answered"));
	g.right = (long)json_integer_value(json_object_get(o, "n_correct"));
	g.errors = (long)json_integer_value(json_object_get(o, "n_errors"));
	return g;
}

int cli_mcq_add_subjects(json_t *sum, json_t *summary)
{
	json_t *v, *by = json_object_get(summary, "by_subject");
	const char *k;
	json_object_foreach(by, k, v) {
		group a = group_of_json(v), b = group_of_json(json_object_get(sum, k));
		json_t *g = json_object();
		if (!g)
			return -1;
		json_object_set_new(g, "n", json_integer(a.n + b.n));
		json_object_set_new(g, "n_answered", json_integer(a.answered + b.answered));
		json_object_set_new(g, "n_correct", json_integer(a.right + b.right));
		json_object_set_new(g, "n_errors", json_integer(a.errors + b.errors));
		if (json_object_set_new(sum, k, g))
			return -1;
	}
	return 0;
}

static int write_summary(const char *dir, const msb_mcq_set *set, json_t *subjects, FILE *out,
    const char *prog);

int cli_mcq_write_summary(const char *dir, const msb_mcq_set *set, FILE *out, const char *prog)
{
	return write_summary(dir, set, NULL, out, prog);
}

int cli_mcq_write_summary_subjects(const char *dir, json_t *subjects, FILE *out, const char *prog)
{
	return write_summary(dir, NULL, subjects, out, prog);
}

/* By subject: from the set's subjects of the record ids, or (set NULL) the counts in `subjects`. */
static int write_summary(const char *dir, const msb_mcq_set *set, json_t *subjects, FILE *out,
    const char *prog)
{
	char path[4200], *text;
	msb_results *res = NULL;
	subj_index x = { set, NULL };
	groups by_subject = { NULL, 0, 0 }, by_source = { NULL, 0, 0 };
	json_t *root, *v;
	group overall = { 0, 0, 0, 0 };
	size_t i, n = set ? msb_mcq_count(set) : 0;
	const char *k;
	int rc;

	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	if ((rc = msb_results_open(&res, path, MSB_RESULTS_NO_TEXT)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return CLI_EXIT_FAIL;
	}
	if (!(x.order = malloc((n ? n : 1) * sizeof *x.order))) {
		msb_results_free(res);
		return CLI_EXIT_FAIL;
	}
	for (i = 0; i < n; i++)
		x.order[i] = i;
	qsort_r(x.order, n, sizeof *x.order, cmp_id, (void *)set);
	for (i = 0; i < msb_results_count(res); i++) {
		msb_record_info rec = MSB_RECORD_INFO_INIT, *r = &rec;
		const char *subject, *source;
		group *g;
		if (msb_record_info_get(r, msb_results_record(res, i)) < 0)
			continue;
		subject = set ? subject_of(&x, r->id) : NULL;
		source = r->source;
		count(&overall, r);
		if (subject && subject[0] && (g = group_of(&by_subject, subject)))
			count(g, r);
		if ((g = group_of(&by_source, source ? source : "")))
			count(g, r);
	}
	free(x.order);
	msb_results_free(res);
	json_object_foreach(subjects, k, v) {
		group *g = group_of(&by_subject, k), c = group_of_json(v);
		if (g)
			*g = c;
	}
	root = json_object();
	json_object_set_new(root, "kind", json_string("mcq"));
	json_object_set_new(root, "overall", group_json(&overall));
	json_object_set_new(root, "by_subject", groups_json(&by_subject));
	json_object_set_new(root, "by_source", groups_json(&by_source));
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
	snprintf(path, sizeof path, "%s/summary.json", dir);
	if (text) { /* a final newline, as before */
		char *t = realloc(text, strlen(text) + 2);
		if (t)
			strcat(t, "\n");
		else
			free(text);
		text = t;
	}
	if (!text || cli_write_text(path, text) != 0) {
		fprintf(stderr, "%s: cannot write %s\n", prog, path);
		free(text);
		json_decref(root);
		return CLI_EXIT_FAIL;
	}
	free(text);
	if (write_report(dir, root) != 0)
		fprintf(stderr, "%s: cannot write %s/report.md\n", prog, dir);
	if (out) {
		fprintf(out, "  %-24s %6s %6s %6s   %6s  %s\n", "group", "n", "right", "none", "accuracy",
		    "95% CI (Wilson)");
		print_row(out, "overall", json_object_get(root, "overall"));
		json_object_foreach(json_object_get(root, "by_source"), k, v) {
			char name[64];
			snprintf(name, sizeof name, "source %s", k);
			print_row(out, name, v);
		}
		json_object_foreach(json_object_get(root, "by_subject"), k, v)
			print_row(out, k, v);
	}
	json_decref(root);
	return CLI_EXIT_OK;
}

int cli_mcq_is_run(const char *dir)
{
	char path[4200];
	json_t *root;
	int yes;
	snprintf(path, sizeof path, "%s/summary.json", dir);
	if (!(root = json_load_file(path, 0, NULL)))
		return 0;
	yes = json_is_string(json_object_get(root, "kind")) &&
	    !strcmp(json_string_value(json_object_get(root, "kind")), "mcq");
	json_decref(root);
	return yes;
}

static int open_run(msb_results **out, const char *dir)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	if (msb_results_open(out, path, MSB_RESULTS_NO_TEXT) < 0) {
		fprintf(stderr, "medsafety compare: %s\n", msb_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* right (1), not right (0: wrong or unanswered), or -1 (error: left out). */
static int outcome(const msb_record *r)
{
	msb_record_info info = MSB_RECORD_INFO_INIT;
	if (msb_record_info_get(&info, r) < 0 || info.error_stage)
		return -1;
	return info.score == 1;
}

int cli_mcq_compare(const char *dir_a, const char *dir_b, int json, int gate, double alpha)
{
	msb_results *ra = NULL, *rb = NULL;
	long both = 0, b_only = 0, a_only = 0, neither = 0, n = 0, right_a = 0, right_b = 0;
	double p;
	size_t i;
	int status;

	if (!cli_mcq_is_run(dir_a) || !cli_mcq_is_run(dir_b)) {
		fprintf(stderr, "medsafety compare: %s and %s must both be mcq runs (or both safety runs)\n",
		    dir_a, dir_b);
		return CLI_EXIT_USAGE;
	}
	if ((status = open_run(&ra, dir_a)) || (status = open_run(&rb, dir_b))) {
		msb_results_free(ra);
		return status;
	}
	for (i = 0; i < msb_results_count(ra); i++) {
		msb_record_info x = MSB_RECORD_INFO_INIT;
		int a, b;
		if (msb_record_info_get(&x, msb_results_record(ra, i)) < 0)
			continue;
		a = outcome(msb_results_record(ra, i));
		b = outcome(msb_results_find(rb, x.id, x.sample));
		if (a < 0 || b < 0)
			continue; /* paired only: both runs answered (rightly or not) */
		n++;
		right_a += a;
		right_b += b;
		if (a && b)
			both++;
		else if (a)
			a_only++;
		else if (b)
			b_only++;
		else
			neither++;
	}
	msb_results_free(ra);
	msb_results_free(rb);
	p = cli_mcq_mcnemar_p(a_only, b_only);
	if (json) {
		json_t *o = json_object();
		char *text;
		json_object_set_new(o, "kind", json_string("mcq"));
		json_object_set_new(o, "n_paired", json_integer(n));
		json_object_set_new(o, "accuracy_a", n ? json_real((double)right_a / (double)n) : json_null());
		json_object_set_new(o, "accuracy_b", n ? json_real((double)right_b / (double)n) : json_null());
		json_object_set_new(o, "both_right", json_integer(both));
		json_object_set_new(o, "only_a_right", json_integer(a_only));
		json_object_set_new(o, "only_b_right", json_integer(b_only));
		json_object_set_new(o, "both_wrong", json_integer(neither));
		json_object_set_new(o, "mcnemar_p", json_real(p));
		json_object_set_new(o, "test", json_string("exact McNemar (two-sided binomial on discordant pairs)"));
		text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
		if (text)
			puts(text);
		free(text);
		json_decref(o);
	} else {
		printf("mcq runs, %ld questions answered in both (errors left out)\n", n);
		if (n)
			printf("  accuracy A %.1f%%, B %.1f%% (difference %+.1f points)\n",
			    100.0 * (double)right_a / (double)n, 100.0 * (double)right_b / (double)n,
			    100.0 * (double)(right_b - right_a) / (double)n);
		printf("  both right %ld, only A right %ld, only B right %ld, both wrong %ld\n", both,
		    a_only, b_only, neither);
		printf("  exact McNemar test: p = %.4g\n", p);
	}
	if (gate && p < alpha && right_b < right_a) {
		fprintf(stderr, "medsafety compare: B is less accurate than A (p = %.4g < %g)\n", p, alpha);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

/* Copy a file of the run folder to `output` (or standard output). */
static int copy_out(const char *dir, const char *name, const char *output)
{
	char path[4200], buf[65536];
	FILE *in, *out;
	size_t n;
	int ok = 1;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(in = fopen(path, "rb"))) {
		fprintf(stderr, "medsafety report: cannot read %s\n", path);
		return CLI_EXIT_USAGE;
	}
	if (!(out = output ? fopen(output, "wb") : stdout)) {
		fclose(in);
		fprintf(stderr, "medsafety report: cannot write %s\n", output);
		return CLI_EXIT_FAIL;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ok = 0;
	fclose(in);
	if (output ? fclose(out) != 0 : fflush(out) != 0)
		ok = 0;
	return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cli_mcq_report(const char *dir, const char *format, const char *output)
{
	json_t *root, *v;
	const char *k;
	char path[4200];
	FILE *out;

	if (!strcmp(format, "md"))
		return copy_out(dir, "report.md", output);
	if (!strcmp(format, "json"))
		return copy_out(dir, "summary.json", output);
	if (strcmp(format, "table") != 0) {
		fprintf(stderr, "medsafety report: an mcq run has the formats md, json and table, not '%s'\n",
		    format);
		return CLI_EXIT_USAGE;
	}
	snprintf(path, sizeof path, "%s/summary.json", dir);
	if (!(root = json_load_file(path, 0, NULL)))
		return CLI_EXIT_USAGE;
	if (!(out = output ? fopen(output, "w") : stdout)) {
		json_decref(root);
		return CLI_EXIT_FAIL;
	}
	fprintf(out, "  %-24s %6s %6s %6s   %6s  %s\n", "group", "n", "right", "none", "accuracy",
	    "95% CI (Wilson)");
	print_row(out, "overall", json_object_get(root, "overall"));
	json_object_foreach(json_object_get(root, "by_source"), k, v) {
		char name[300];
		snprintf(name, sizeof name, "source %s", k);
		print_row(out, name, v);
	}
	json_object_foreach(json_object_get(root, "by_subject"), k, v)
		print_row(out, k, v);
	if (output)
		fclose(out);
	json_decref(root);
	return CLI_EXIT_OK;
}
