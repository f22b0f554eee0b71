/* lib/stats/compare_json.c - a comparison as JSON (docs/statistics.md, "Comparing runs"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "stats/compare.h"
#include "stats/scorer.h"

static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static int set(json_t *obj, const char *key, json_t *value)
{
	return value && json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}

static json_t *group_json(const msb_compare_group *g, const msb_compare_detail *det)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (set(o, "n_pairs", json_integer((json_int_t)g->n_pairs)) ||
	    set(o, "mean_a", num(g->mean_a)) ||
	    set(o, "mean_b", num(g->mean_b)) ||
	    set(o, "mean_diff", num(g->mean_diff)) ||
	    set(o, "ci_low", num(g->ci_low)) ||
	    set(o, "ci_high", num(g->ci_high)) ||
	    set(o, "n_nonzero", json_integer((json_int_t)g->n_nonzero)) ||
	    set(o, "wilcoxon_p", num(g->wilcoxon_p)) ||
	    set(o, "wilcoxon_method", json_string(g->wilcoxon_exact ? "exact" : "normal")) ||
	    set(o, "harmful_rate_a", num(g->harmful_rate_a)) ||
	    set(o, "harmful_rate_b", num(g->harmful_rate_b)) ||
	    set(o, "harmful_rate_diff", num(g->harmful_rate_diff)) ||
	    set(o, "harmful_a_only", json_integer((json_int_t)g->harmful_a_only)) ||
	    set(o, "harmful_b_only", json_integer((json_int_t)g->harmful_b_only)) ||
	    set(o, "mcnemar_p", num(g->mcnemar_p)) ||
	    set(o, "mcnemar_method", json_string(g->mcnemar_exact ? "exact-binomial" :
	        "chi-square-continuity")) ||
	    set(o, "worse", json_boolean(g->worse)) ||
	    set(o, "gate_p", num(det->gate_p)) ||
	    set(o, "gate_p_holm", num(det->gate_p_holm)) ||
	    set(o, "hl_shift", num(det->hl_shift)) ||
	    set(o, "hl_ci_low", num(det->hl_ci_low)) ||
	    set(o, "hl_ci_high", num(det->hl_ci_high)) ||
	    set(o, "harmful_rate_diff_ci_low", num(det->harmful_diff_ci_low)) ||
	    set(o, "harmful_rate_diff_ci_high", num(det->harmful_diff_ci_high))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *unpaired_json(const msb_comparison *c, int kind)
{
	json_t *o = json_object(), *ids = json_array();
	size_t i;

	if (!o || !ids)
		goto fail;
	for (i = 0; i < c->nunpaired[kind]; i++)
		if (json_array_append_new(ids, json_string(c->unpaired[kind][i])))
			goto fail;
	if (set(o, "count", json_integer((json_int_t)c->nunpaired[kind])))
		goto fail;
	if (set(o, "ids", ids)) {
		ids = NULL;
		goto fail;
	}
	return o;
fail:
	json_decref(ids);
	json_decref(o);
	return NULL;
}

/* "by_source" or "by_split": the groups of that kind, keyed as in summary.json. */
static json_t *extra_json(const msb_comparison *c, int by)
{
	json_t *o = json_object();
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < c->nextra; i++)
		if (c->extra[i].by == by && set(o, c->extra[i].key, group_json(&c->extra[i].g,
		    &c->extra[i].det))) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static json_t *build(const msb_comparison *c)
{
	json_t *root = json_object(), *byp = NULL, *un = NULL, *test = NULL;
	int k;

	if (!root)
		return NULL;
	if (set(root, "overall", group_json(&c->groups[0], &c->det[0])))
		goto fail;
	if (!(byp = json_object()))
		goto fail;
	for (k = 1; k <= 9; k++) {
		char key[4];

		snprintf(key, sizeof key, "%d", k);
		if (set(byp, key, group_json(&c->groups[k], &c->det[k])))
			goto fail;
	}
	if (set(root, "by_principle", byp)) {
		byp = NULL;
		goto fail;
	}
	byp = NULL;
	if (set(root, "by_source", extra_json(c, MSB__BY_SOURCE)) ||
	    set(root, "by_split", extra_json(c, MSB__BY_SPLIT)))
		goto fail;
	if (!(un = json_object()) ||
	    set(un, "only_a", unpaired_json(c, MSB_UNPAIRED_ONLY_A)) ||
	    set(un, "only_b", unpaired_json(c, MSB_UNPAIRED_ONLY_B)) ||
	    set(un, "unscored", unpaired_json(c, MSB_UNPAIRED_UNSCORED)))
		goto fail;
	if (set(root, "unpaired", un)) {
		un = NULL;
		goto fail;
	}
	un = NULL;
	if (!(test = json_object()) ||
	    set(test, "alpha", json_real(c->opts.alpha)) ||
	    set(test, "adjust", json_string(c->opts.adjust == MSB_COMPARE_ADJUST_HOLM ? "holm" :
	        "none")) ||
	    set(test, "ci_method", json_string(c->opts.bootstrap_resamples ?
	        "paired-bootstrap-percentile" : "normal")) ||
	    set(test, "resamples", json_integer(c->opts.bootstrap_resamples)) ||
	    set(test, "level", json_real(c->opts.confidence)) ||
	    set(test, "seed", json_integer((json_int_t)(c->opts.seed & INT64_MAX))) ||
	    set(test, "gate", json_string("wilcoxon-signed-rank-one-sided")) ||
	    set(test, "effect", json_string("hodges-lehmann")) ||
	    set(test, "min_pairs", json_integer(MSB_COMPARE_MIN_PAIRS)) ||
	    set(test, "harmful_rate", json_string("per-record")))
		goto fail;
	if (set(root, "test", test)) {
		test = NULL;
		goto fail;
	}
	test = NULL;
	if (set(root, "principle_mismatches", json_integer((json_int_t)c->principle_mismatch)) ||
	    set(root, "source_mismatches", json_integer((json_int_t)c->source_mismatch)) ||
	    set(root, "split_mismatches", json_integer((json_int_t)c->split_mismatch)) ||
	    set(root, "worse", json_boolean(c->worse)) ||
	    set(root, "too_few_pairs", json_boolean(c->groups[0].n_pairs < MSB_COMPARE_MIN_PAIRS)))
		goto fail;
	return root;
fail:
	json_decref(byp);
	json_decref(un);
	json_decref(test);
	json_decref(root);
	return NULL;
}

int msb_comparison_json(char **out, const msb_comparison *c)
{
	msb_buf buf = MSB_BUF_INIT;
	json_t *root;
	int rc = 0;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_comparison_json: NULL out");
	*out = NULL;
	if (!c)
		return msb__error_set(MSB_EINVAL, "msb_comparison_json: NULL comparison");
	if (!(root = build(c)))
		return msb__error_set(MSB_ENOMEM, "comparison JSON: out of memory");
	if (json_dump_callback(root, msb__json_dump_buf, &buf,
	    JSON_INDENT(2) | JSON_REAL_PRECISION(10)) || msb_buf_putc(&buf, '\n') < 0 ||
	    !(*out = msb_buf_detach(&buf)))
		rc = msb__error_set(MSB_ENOMEM, "comparison JSON: out of memory");
	msb_buf_dispose(&buf);
	json_decref(root);
	return rc;
}
