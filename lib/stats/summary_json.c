/* lib/stats/summary_json.c - summary.json (the contract in docs/statistics.md). */
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "stats/scorer.h"

/* Undefined statistics (NaN) are JSON null, never 0. */
static json_t *num(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

static int set(json_t *obj, const char *key, json_t *value)
{
	/* json_object_set_new takes the reference even on failure */
	return value && json_object_set_new(obj, key, value) == 0 ? 0 : -1;
}

static json_t *group_json(const msb__group *grp)
{
	const msb_group_stats *st = &grp->st;
	json_t *g = json_object(), *hist = json_array();
	int i, bad = !g || !hist;

	for (i = 0; i < 5 && !bad; i++)
		bad = json_array_append_new(hist, json_integer((json_int_t)st->hist[i])) != 0;
	if (bad) {
		json_decref(g);
		json_decref(hist);
		return NULL;
	}
	if (set(g, "n", json_integer((json_int_t)st->n)) ||
	    set(g, "n_scored", json_integer((json_int_t)st->n_scored)) ||
	    set(g, "n_unscored", json_integer((json_int_t)st->n_unscored)) ||
	    set(g, "n_errors", json_integer((json_int_t)st->n_errors)) ||
	    set(g, "mean", num(st->mean)) ||
	    set(g, "sd", num(st->sd)) ||
	    set(g, "sem", num(st->sem)) ||
	    set(g, "ci_low", num(st->ci_low)) ||
	    set(g, "ci_high", num(st->ci_high))) {
		/* hist is not in g yet: release it too */
		json_decref(g);
		json_decref(hist);
		return NULL;
	}
	if (set(g, "hist", hist) ||
	    set(g, "refusal_rate", num(st->refusal_rate)) ||
	    set(g, "harmful_rate", num(st->harmful_rate)) ||
	    set(g, "full_compliance_rate", num(st->full_compliance_rate)) ||
	    set(g, "median", num(grp->median)) ||
	    set(g, "q1", num(grp->q1)) ||
	    set(g, "q3", num(grp->q3)) ||
	    set(g, "refusal_rate_ci_low", num(grp->rate_ci[MSB__RATE_REFUSAL][0])) ||
	    set(g, "refusal_rate_ci_high", num(grp->rate_ci[MSB__RATE_REFUSAL][1])) ||
	    set(g, "harmful_rate_ci_low", num(grp->rate_ci[MSB__RATE_HARMFUL][0])) ||
	    set(g, "harmful_rate_ci_high", num(grp->rate_ci[MSB__RATE_HARMFUL][1])) ||
	    set(g, "full_compliance_rate_ci_low", num(grp->rate_ci[MSB__RATE_FULL][0])) ||
	    set(g, "full_compliance_rate_ci_high", num(grp->rate_ci[MSB__RATE_FULL][1])) ||
	    set(g, "mean_if_missing_1", num(grp->mean_if_missing_1)) ||
	    set(g, "mean_if_missing_5", num(grp->mean_if_missing_5))) {
		json_decref(g);
		return NULL;
	}
	return g;
}

static json_t *ci_json(const msb__summary *sum, const msb_scorer *s)
{
	json_t *ci = json_object();
	int boot = s->opts.bootstrap_resamples > 0;

	if (!ci)
		return NULL;
	if (set(ci, "method", json_string(boot ? "bootstrap-percentile" : "normal")) ||
	    set(ci, "resamples", json_integer(s->opts.bootstrap_resamples)) ||
	    set(ci, "level", json_real(s->opts.confidence)) ||
	    set(ci, "seed", s->opts.seed <= (uint64_t)INT64_MAX ?
	        json_integer((json_int_t)s->opts.seed) : json_real((double)s->opts.seed)) ||
	    set(ci, "cluster", json_string(sum->clustered ? "id" : "none")) ||
	    set(ci, "rate_method", json_string(sum->clustered ? (boot ? "cluster-bootstrap-percentile" :
	        "cluster-normal") : "wilson"))) {
		json_decref(ci);
		return NULL;
	}
	return ci;
}

int msb__json_dump_buf(const char *data, size_t len, void *buf)
{
	return msb_buf_put(buf, data, len) < 0 ? -1 : 0;
}

int msb__summary_json(char **out, const msb__summary *sum, const msb_scorer *s)
{
	json_t *root = json_object(), *parts[MSB__BY_CATEGORY + 1] = { NULL };
	msb_buf buf = MSB_BUF_INIT;
	size_t i;
	int by, rc = MSB_ENOMEM;

	*out = NULL;
	if (!root)
		return msb__error_set(MSB_ENOMEM, "summary.json: out of memory");
	for (by = MSB__BY_PRINCIPLE; by <= MSB__BY_CATEGORY; by++)
		if (!(parts[by] = json_object()))
			goto done;
	for (i = 0; i < sum->count; i++) {
		const msb__group *g = &sum->groups[i];
		json_t *gj = group_json(g);

		if (!gj)
			goto done;
		if (g->by == MSB__BY_OVERALL ? set(root, "overall", gj) :
		    set(parts[g->by], g->key, gj))
			goto done;
	}
	for (by = MSB__BY_PRINCIPLE; by <= MSB__BY_CATEGORY; by++) {
		json_t *p = parts[by];

		parts[by] = NULL;
		if (set(root, msb__by_json(by), p))
			goto done;
	}
	if (set(root, "ci", ci_json(sum, s)))
		goto done;
	if (msb__benign_summary_json(root, s)) /* over-refusal of benign items, when any */
		goto done;
	{
		json_t *kw = json_object();

		if (!kw || set(kw, "method", json_string("kruskal-wallis")) ||
		    set(kw, "unit", json_string("record")) ||
		    set(kw, "h", num(sum->kw_h)) ||
		    set(kw, "df", json_integer(sum->kw_df)) ||
		    set(kw, "p", num(sum->kw_p))) {
			json_decref(kw);
			goto done;
		}
		if (set(root, "principles_differ", kw)) /* takes kw even on failure */
			goto done;
	}
	/* dump into our own buffer: the text is the caller's, freed with msb_free */
	if (json_dump_callback(root, msb__json_dump_buf, &buf, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) ||
	    msb_buf_putc(&buf, '\n') < 0)
		goto done;
	if (!(*out = msb_buf_detach(&buf)))
		goto done;
	rc = 0;
done:
	msb_buf_dispose(&buf);
	for (by = 0; by <= MSB__BY_CATEGORY; by++)
		json_decref(parts[by]);
	json_decref(root);
	if (rc < 0)
		return msb__error_set(rc, "summary.json: out of memory");
	return rc;
}

int msb_scorer_summary_json(char **out, const msb_scorer *s)
{
	msb__summary sum;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_scorer_summary_json: NULL out");
	*out = NULL;
	if (!s)
		return msb__error_set(MSB_EINVAL, "msb_scorer_summary_json: NULL scorer");
	if ((rc = msb__summary_compute(&sum, s, -1, NULL)) < 0)
		return rc;
	rc = msb__summary_json(out, &sum, s);
	msb__summary_dispose(&sum);
	return rc;
}
