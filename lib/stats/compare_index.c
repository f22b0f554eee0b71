/*
 * lib/stats/compare_index.c - a comparison's groups by count and index,
 * and its overall facts (the result model; docs/statistics.md, "Reading
 * the groups"): what msb_comparison_json says, without the JSON.
 */
#include <string.h>

#include "medsafety/stats.h"
#include "core/error.h"
#include "stats/compare.h"
#include "stats/scorer.h"

size_t msb_comparison_group_count(const msb_comparison *c)
{
	return c ? 10 + c->nextra : 0;
}

int msb_comparison_group_byindex(msb_comparison_entry *out, const msb_comparison *c, size_t i)
{
	static const char *const principle_key[10] = { "", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
	msb_comparison_entry e;
	int rc;

	if (!out || !c)
		return msb__error_set(MSB_EINVAL, "msb_comparison_group_byindex: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_COMPARISON_ENTRY_VERSION,
	    "msb_comparison_group_byindex", "msb_comparison_entry")) < 0)
		return rc;
	if (i >= 10 + c->nextra)
		return msb__error_set(MSB_EINVAL, "msb_comparison_group_byindex: index %zu out of range "
		    "(%zu groups)", i, 10 + c->nextra);
	memset(&e, 0, sizeof e);
	e.version = out->version;
	if (i < 10) {
		e.kind = i ? MSB_GROUP_PRINCIPLE : MSB_GROUP_OVERALL;
		e.key = principle_key[i];
		e.gated = 1;
		e.group = c->groups[i];
		e.detail = c->det[i];
	} else {
		const msb__cgroup *x = &c->extra[i - 10];

		e.kind = x->by;
		e.key = x->key;
		e.gated = 0;
		e.group = x->g;
		e.detail = x->det;
	}
	e.by = msb__by_name(e.kind);
	e.group.version = MSB_COMPARE_GROUP_VERSION;
	e.detail.version = MSB_COMPARE_DETAIL_VERSION;
	*out = e;
	return 0;
}

int msb_comparison_info_get(msb_comparison_info *out, const msb_comparison *c)
{
	msb_comparison_info info;
	int rc;

	if (!out || !c)
		return msb__error_set(MSB_EINVAL, "msb_comparison_info_get: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_COMPARISON_INFO_VERSION,
	    "msb_comparison_info_get", "msb_comparison_info")) < 0)
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.worse = c->worse;
	info.n_pairs = c->groups[0].n_pairs;
	info.too_few_pairs = c->groups[0].n_pairs < MSB_COMPARE_MIN_PAIRS;
	info.only_a = c->nunpaired[MSB_UNPAIRED_ONLY_A];
	info.only_b = c->nunpaired[MSB_UNPAIRED_ONLY_B];
	info.unscored = c->nunpaired[MSB_UNPAIRED_UNSCORED];
	info.principle_mismatches = c->principle_mismatch;
	info.source_mismatches = c->source_mismatch;
	info.split_mismatches = c->split_mismatch;
	info.alpha = c->opts.alpha;
	info.adjust = c->opts.adjust;
	info.bootstrap_resamples = c->opts.bootstrap_resamples;
	info.seed = c->opts.seed;
	info.confidence = c->opts.confidence;
	*out = info;
	return 0;
}
