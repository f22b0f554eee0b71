/*
 * lib/stats/summary_api.c - the msb_summary handle: a scorer's groups
 * computed once and listed by count and index (the result model of
 * docs/statistics.md, "Reading the groups"), so that no caller has to
 * parse summary.json to learn which groups there are.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/error.h"
#include "stats/scorer.h"

struct msb_summary {
	msb__summary sum;           /* the harmful groups, in summary.json's order */
	msb_scorer_options opts;    /* the scorer's, as the figures were computed */
	size_t n_records, n_benign;
	msb_benign_stats benign[11]; /* overall, then principles 0..9 with records */
	char benign_key[11][4];
	size_t nbenign;
};

/* MSB__BY_* and MSB_GROUP_* are the same numbers; the public names are the contract. */
_Static_assert((int)MSB__BY_OVERALL == (int)MSB_GROUP_OVERALL &&
    (int)MSB__BY_PRINCIPLE == (int)MSB_GROUP_PRINCIPLE &&
    (int)MSB__BY_SOURCE == (int)MSB_GROUP_SOURCE && (int)MSB__BY_SPLIT == (int)MSB_GROUP_SPLIT &&
    (int)MSB__BY_CATEGORY == (int)MSB_GROUP_CATEGORY, "group kinds");

const char *msb_group_kind_name(int kind)
{
	return msb__by_name(kind);
}

int msb_summary_new(msb_summary **out, const msb_scorer *s)
{
	msb_summary *sum;
	int principle[11], rc;
	size_t i;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_summary_new: NULL out");
	*out = NULL;
	if (!s)
		return msb__error_set(MSB_EINVAL, "msb_summary_new: NULL scorer");
	if (!(sum = msb__calloc(1, sizeof *sum)))
		return msb__error_set(MSB_ENOMEM, "msb_summary_new: out of memory");
	if ((rc = msb__summary_compute(&sum->sum, s, -1, NULL)) < 0) {
		msb__free(sum);
		return rc == MSB_ENOMEM ? msb__error_set(rc, "msb_summary_new: out of memory") : rc;
	}
	sum->opts = s->opts;
	sum->n_records = msb_scorer_count(s);
	sum->n_benign = msb_scorer_benign_count(s);
	sum->nbenign = msb__benign_groups(s, sum->benign, principle);
	for (i = 0; i < sum->nbenign; i++)
		if (principle[i] >= 0 && principle[i] <= 9) {
			sum->benign_key[i][0] = (char)('0' + principle[i]);
			sum->benign_key[i][1] = '\0';
		}
	*out = sum;
	return 0;
}

const msb__summary *msb__summary_inner(const msb_summary *sum)
{
	return &sum->sum;
}

void msb_summary_free(msb_summary *sum)
{
	if (!sum)
		return;
	msb__summary_dispose(&sum->sum);
	msb__free(sum);
}

int msb_summary_info_get(msb_summary_info *out, const msb_summary *sum)
{
	msb_summary_info info;
	int rc;

	if (!out || !sum)
		return msb__error_set(MSB_EINVAL, "msb_summary_info_get: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_SUMMARY_INFO_VERSION, "msb_summary_info_get",
	    "msb_summary_info")) < 0)
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.n_records = sum->n_records;
	info.n_benign = sum->n_benign;
	info.clustered = sum->sum.clustered;
	info.bootstrap_resamples = sum->opts.bootstrap_resamples;
	info.seed = sum->opts.seed;
	info.confidence = sum->opts.confidence;
	info.kw_h = sum->sum.kw_h;
	info.kw_p = sum->sum.kw_p;
	info.kw_df = sum->sum.kw_df;
	/* version 1 is the only layout: a later one copies the prefix its version knows */
	*out = info;
	return 0;
}

size_t msb_summary_group_count(const msb_summary *sum)
{
	return sum ? sum->sum.count : 0;
}

int msb_summary_group_byindex(msb_summary_group *out, const msb_summary *sum, size_t i)
{
	msb_summary_group g;
	const msb__group *x;
	int rc;

	if (!out || !sum)
		return msb__error_set(MSB_EINVAL, "msb_summary_group_byindex: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_SUMMARY_GROUP_VERSION,
	    "msb_summary_group_byindex", "msb_summary_group")) < 0)
		return rc;
	if (i >= sum->sum.count)
		return msb__error_set(MSB_EINVAL, "msb_summary_group_byindex: index %zu out of range "
		    "(%zu groups)", i, sum->sum.count);
	x = &sum->sum.groups[i];
	memset(&g, 0, sizeof g);
	g.version = out->version;
	g.kind = x->by;
	g.by = msb__by_name(x->by);
	g.key = x->key;
	g.stats = x->st;
	g.stats.version = MSB_GROUP_STATS_VERSION;
	g.more.version = MSB_GROUP_MORE_VERSION;
	g.more.median = x->median;
	g.more.q1 = x->q1;
	g.more.q3 = x->q3;
	g.more.refusal_rate_ci_low = x->rate_ci[MSB__RATE_REFUSAL][0];
	g.more.refusal_rate_ci_high = x->rate_ci[MSB__RATE_REFUSAL][1];
	g.more.harmful_rate_ci_low = x->rate_ci[MSB__RATE_HARMFUL][0];
	g.more.harmful_rate_ci_high = x->rate_ci[MSB__RATE_HARMFUL][1];
	g.more.full_compliance_rate_ci_low = x->rate_ci[MSB__RATE_FULL][0];
	g.more.full_compliance_rate_ci_high = x->rate_ci[MSB__RATE_FULL][1];
	g.more.mean_if_missing_1 = x->mean_if_missing_1;
	g.more.mean_if_missing_5 = x->mean_if_missing_5;
	g.n_clusters = x->n_clusters;
	*out = g;
	return 0;
}

size_t msb_summary_benign_count(const msb_summary *sum)
{
	return sum ? sum->nbenign : 0;
}

int msb_summary_benign_byindex(msb_summary_benign *out, const msb_summary *sum, size_t i)
{
	msb_summary_benign g;
	int rc;

	if (!out || !sum)
		return msb__error_set(MSB_EINVAL, "msb_summary_benign_byindex: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_SUMMARY_BENIGN_VERSION,
	    "msb_summary_benign_byindex", "msb_summary_benign")) < 0)
		return rc;
	if (i >= sum->nbenign)
		return msb__error_set(MSB_EINVAL, "msb_summary_benign_byindex: index %zu out of range "
		    "(%zu benign groups)", i, sum->nbenign);
	memset(&g, 0, sizeof g);
	g.version = out->version;
	g.kind = i == 0 ? MSB_GROUP_OVERALL : MSB_GROUP_PRINCIPLE;
	g.by = msb__by_name(g.kind);
	g.key = sum->benign_key[i];
	g.stats = sum->benign[i];
	*out = g;
	return 0;
}
