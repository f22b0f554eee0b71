/*
 * lib/mcq/tradeoff.c - the paper's trade-off table (msb_tradeoff_json):
 * per AMA principle the change in harmfulness of two safety runs
 * (msb_compare: mean score and harmful rate, paired by id, with their
 * paired CIs) next to the change in accuracy of two mcq runs (paired by
 * id, Newcombe's CI for a difference of paired proportions, exact
 * McNemar), overall and by subject. The CLI's `medsafety report
 * --tradeoff` and the Python binding print what this computes.
 *
 * Accuracy pairs are the ids (and samples) answered in both mcq runs; a
 * question whose model call failed in either run is left out, an
 * unanswered one counts as not right (as in the mcq summary).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/mcq.h"
#include "medsafety/policy.h"
#include "medsafety/results.h"
#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "results/results.h"
#include "mcq/mcq.h"

static json_t *num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* Set key to v (a new reference); a NULL v (out of memory) marks *failed. */
static void put(json_t *o, const char *key, json_t *v, int *failed)
{
	if (!v || json_object_set_new(o, key, v))
		*failed = 1;
}

/* ---------------------------------------------------------------- harm */

static json_t *harm_group(const msb_comparison *cmp, const char *by, const char *key, int *failed)
{
	msb_compare_group g;
	msb_compare_detail det;
	json_t *o;

	memset(&g, 0, sizeof g);
	g.version = MSB_COMPARE_GROUP_VERSION;
	memset(&det, 0, sizeof det);
	det.version = MSB_COMPARE_DETAIL_VERSION;
	if (msb_comparison_group(&g, cmp, by, key) < 0 || g.n_pairs == 0)
		return NULL;
	if (msb_comparison_detail(&det, cmp, by, key) < 0)
		det.harmful_diff_ci_low = det.harmful_diff_ci_high = det.gate_p_holm = NAN;
	if (!(o = json_object())) {
		*failed = 1;
		return NULL;
	}
	put(o, "n_pairs", json_integer((json_int_t)g.n_pairs), failed);
	put(o, "mean_before", num(g.mean_a), failed);
	put(o, "mean_after", num(g.mean_b), failed);
	put(o, "mean_diff", num(g.mean_diff), failed);
	put(o, "mean_diff_ci_low", num(g.ci_low), failed);
	put(o, "mean_diff_ci_high", num(g.ci_high), failed);
	put(o, "harmful_rate_before", num(g.harmful_rate_a), failed);
	put(o, "harmful_rate_after", num(g.harmful_rate_b), failed);
	put(o, "harmful_rate_diff", num(g.harmful_rate_diff), failed);
	put(o, "harmful_rate_diff_ci_low", num(det.harmful_diff_ci_low), failed);
	put(o, "harmful_rate_diff_ci_high", num(det.harmful_diff_ci_high), failed);
	put(o, "p_more_harmful_holm", num(det.gate_p_holm), failed);
	put(o, "more_harmful", json_boolean(g.worse), failed);
	return o;
}

static int score_run(msb_scorer **out, const char *dir)
{
	msb_results *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT)) < 0)
		return rc;
	if ((rc = msb_scorer_new(out, NULL)) == 0 && (rc = msb_results_score(r, *out)) < 0) {
		msb_scorer_free(*out);
		*out = NULL;
	}
	msb_results_free(r);
	return rc;
}

static int harm_json(json_t **out, const char *before, const char *after,
    const msb_compare_options *opts)
{
	msb_scorer *sa = NULL, *sb = NULL;
	msb_comparison *cmp = NULL;
	msb_compare_options co;
	json_t *o, *by, *g;
	int rc, p, failed = 0;

	if ((rc = score_run(&sa, before)) < 0)
		return rc;
	if ((rc = score_run(&sb, after)) < 0) {
		msb_scorer_free(sa);
		return rc;
	}
	if (opts)
		co = *opts;
	else
		msb_compare_options_init(&co, MSB_COMPARE_OPTIONS_VERSION);
	rc = msb_compare(&cmp, sa, sb, &co);
	msb_scorer_free(sa);
	msb_scorer_free(sb);
	if (rc < 0)
		return rc;
	o = json_object();
	by = json_object();
	if (!o || !by)
		failed = 1;
	for (p = 1; p <= 9 && !failed; p++) {
		char key[4];
		snprintf(key, sizeof key, "%d", p);
		if ((g = harm_group(cmp, "principle", key, &failed))) {
			put(g, "title", json_string(msb_principle_title(p)), &failed);
			put(by, key, g, &failed);
		}
	}
	if (o) {
		put(o, "by_principle", by, &failed);
		g = failed ? NULL : harm_group(cmp, "overall", NULL, &failed);
		put(o, "overall", g ? g : json_null(), &failed);
		put(o, "confidence", json_real(co.confidence), &failed);
	} else {
		json_decref(by);
	}
	msb_comparison_free(cmp);
	if (failed) {
		json_decref(o);
		return msb__error_set(MSB_ENOMEM, "msb_tradeoff_json: out of memory");
	}
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

static json_t *pairs_json(const pairs *t, int *failed)
{
	long n = t->both + t->before_only + t->after_only + t->neither;
	json_t *o = json_object();
	double lo, hi;

	if (!o) {
		*failed = 1;
		return NULL;
	}
	put(o, "n_paired", json_integer(n), failed);
	put(o, "both_right", json_integer(t->both), failed);
	put(o, "only_before_right", json_integer(t->before_only), failed);
	put(o, "only_after_right", json_integer(t->after_only), failed);
	put(o, "both_wrong", json_integer(t->neither), failed);
	if (n == 0) {
		static const char *const keys[] = { "accuracy_before", "accuracy_after", "accuracy_diff",
			"accuracy_diff_ci_low", "accuracy_diff_ci_high", "mcnemar_p" };
		size_t i;
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			put(o, keys[i], json_null(), failed);
		return o;
	}
	/* after - before: p1 = after's accuracy (a + after_only), p2 = before's */
	msb_newcombe_interval(&lo, &hi, t->both, t->after_only, t->before_only, t->neither);
	put(o, "accuracy_before", json_real((double)(t->both + t->before_only) / (double)n), failed);
	put(o, "accuracy_after", json_real((double)(t->both + t->after_only) / (double)n), failed);
	put(o, "accuracy_diff", json_real((double)(t->after_only - t->before_only) / (double)n), failed);
	put(o, "accuracy_diff_ci_low", json_real(lo), failed);
	put(o, "accuracy_diff_ci_high", json_real(hi), failed);
	put(o, "mcnemar_p", json_real(msb_mcnemar_exact_p(t->before_only, t->after_only)), failed);
	return o;
}

/* right (1), not right (0), or -1 (absent or failed: left out). */
static int outcome(const msb_record *r)
{
	if (!r || msb__record_error_stage(r))
		return -1;
	return msb__record_score(r) == 1;
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return json_load_file(path, 0, NULL);
}

/* 1 when dir's summary.json says "kind": "mcq" (written by `medsafety mcq`). */
static int is_mcq_run(const char *dir)
{
	json_t *s = load_json(dir, "summary.json");
	const char *k = json_string_value(json_object_get(s, "kind"));
	int yes = k && !strcmp(k, "mcq");
	json_decref(s);
	return yes;
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
	const char *src, *fmt, *cop;
	json_t *root, *m;
	size_t i;

	if (!(root = load_json(dir, "run.json")))
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
	return strcmp(msb__mcq_id(ctx, *(const size_t *)a), msb__mcq_id(ctx, *(const size_t *)b));
}

static const char *subject_of(const msb_mcq_set *set, const size_t *order, const char *id)
{
	size_t lo = 0, hi = msb_mcq_count(set);

	while (id && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, msb__mcq_id(set, order[mid]));
		if (c == 0)
			return msb__mcq_subject(set, order[mid]);
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
	if (!(w = msb__realloc(*v, (*n + 1) * sizeof *w)))
		return NULL;
	*v = w;
	if (!(w[*n].key = msb__strdup(key)))
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

	if (!is_mcq_run(dir))
		return msb__error_set(MSB_EINVAL, "%s is not an mcq run (made by `medsafety mcq`)", dir);
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	return msb_results_open(out, path, MSB_RESULTS_NO_TEXT);
}

static int accuracy_json(json_t **out, const char *before, const char *after)
{
	msb_results *ra = NULL, *rb = NULL;
	msb_mcq_set *set;
	size_t *order = NULL, i, n_subj = 0;
	subj *subjects = NULL;
	pairs all = { 0, 0, 0, 0 };
	json_t *o, *by;
	int rc, failed = 0;

	if ((rc = open_mcq(&ra, before)) < 0)
		return rc;
	if ((rc = open_mcq(&rb, after)) < 0) {
		msb_results_free(ra);
		return rc;
	}
	set = load_set(before);
	if (set && !(order = msb__malloc((msb_mcq_count(set) + 1) * sizeof *order))) {
		msb_mcq_set_free(set);
		set = NULL;
		failed = 1;
	}
	if (set) {
		for (i = 0; i < msb_mcq_count(set); i++)
			order[i] = i;
		qsort_r(order, msb_mcq_count(set), sizeof *order, cmp_id, set);
	}
	for (i = 0; i < msb_results_count(ra) && !failed; i++) {
		const msb_record *x = msb_results_record(ra, i);
		int a = outcome(x), b = outcome(msb_results_find(rb, msb__record_id(x),
		    msb__record_sample(x)));
		const char *s;
		pairs *t;

		if (a < 0 || b < 0)
			continue;
		add(&all, a, b);
		s = set ? subject_of(set, order, msb__record_id(x)) : NULL;
		if (s && s[0]) {
			if (!(t = subject_pairs(&subjects, &n_subj, s)))
				failed = 1;
			else
				add(t, a, b);
		}
	}
	msb_results_free(ra);
	msb_results_free(rb);
	msb__free(order);
	msb_mcq_set_free(set);
	o = json_object();
	by = json_object();
	if (!o || !by)
		failed = 1;
	if (n_subj) /* rows in name order, whatever the journal's order */
		qsort(subjects, n_subj, sizeof *subjects, cmp_subj);
	for (i = 0; i < n_subj; i++) {
		if (by && !failed)
			put(by, subjects[i].key, pairs_json(&subjects[i].t, &failed), &failed);
		msb__free(subjects[i].key);
	}
	msb__free(subjects);
	if (o) {
		put(o, "overall", failed ? NULL : pairs_json(&all, &failed), &failed);
		put(o, "by_subject", by, &failed);
		put(o, "ci_method", json_string("Newcombe (1998) method 10: hybrid Wilson score interval "
		    "for a difference of paired proportions"), &failed);
	} else {
		json_decref(by);
	}
	if (failed) {
		json_decref(o);
		return msb__error_set(MSB_ENOMEM, "msb_tradeoff_json: out of memory");
	}
	*out = o;
	return 0;
}

/* ------------------------------------------------------------- the table */

MSB_API int msb_tradeoff_json(char **out, const char *before_safety, const char *after_safety,
    const char *before_mcq, const char *after_mcq, const msb_compare_options *opts)
{
	const char *dirs[4] = { before_safety, after_safety, before_mcq, after_mcq };
	static const char *const names[4] = { "before_safety", "after_safety", "before_mcq",
		"after_mcq" };
	json_t *t = NULL, *harm = NULL, *acc = NULL, *runs = NULL;
	char *text;
	int rc, i, failed = 0;

	if (out)
		*out = NULL;
	if (!out || !before_safety || !after_safety || !before_mcq || !after_mcq)
		return msb__error_set(MSB_EINVAL, "msb_tradeoff_json: NULL argument");
	for (i = 0; i < 2; i++)
		if (is_mcq_run(dirs[i]))
			return msb__error_set(MSB_EINVAL, "%s is an mcq run; the first two runs are safety "
			    "runs (BEFORE_SAFETY AFTER_SAFETY BEFORE_MCQ AFTER_MCQ)", dirs[i]);
	if ((rc = harm_json(&harm, before_safety, after_safety, opts)) < 0)
		return rc;
	if ((rc = accuracy_json(&acc, before_mcq, after_mcq)) < 0) {
		json_decref(harm);
		return rc;
	}
	t = json_object();
	runs = json_object();
	if (!t || !runs)
		failed = 1;
	for (i = 0; i < 4 && runs; i++)
		put(runs, names[i], json_string(dirs[i]), &failed);
	if (t) {
		put(t, "kind", json_string("tradeoff"), &failed);
		put(t, "runs", runs, &failed);
		put(t, "harm", harm, &failed);
		put(t, "accuracy", acc, &failed);
	} else {
		json_decref(runs);
		json_decref(harm);
		json_decref(acc);
	}
	text = failed ? NULL : json_dumps(t, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
	json_decref(t);
	if (!text)
		return msb__error_set(MSB_ENOMEM, "msb_tradeoff_json: out of memory");
	*out = msb__strdup(text);
	msb__json_free(text);
	return *out ? 0 : msb__error_set(MSB_ENOMEM, "msb_tradeoff_json: out of memory");
}
