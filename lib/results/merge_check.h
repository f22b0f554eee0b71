/*
 * lib/results/merge_check.h - what merge checks before it writes: the
 * shards are 0..N-1 of one N, of one dataset selection and configuration,
 * each finished with every unit journaled (internal).
 */
#ifndef MSB_RESULTS_MERGE_CHECK_H
#define MSB_RESULTS_MERGE_CHECK_H

#include <stddef.h>

#include <jansson.h>

#include "results/results.h"

/* What the check learnt: the merged run.json and summary.json record it. */
typedef struct msb__merge_plan {
	unsigned int shard_count;  /* N */
	size_t shards;             /* distinct shards given (of N) */
	size_t records;            /* records of the shards */
	long long records_expected; /* of the whole selection (items x epochs); -1 unknown */
	long long selection_items; /* -1 unknown */
	int epochs;
	char selection_hash[65];   /* "" unknown */
	int partial;               /* something is missing (merged only with allow_partial) */
	char text[160];            /* "partial: 3 of 4 shards, 1,350 of 1,800 items" when partial */
} msb__merge_plan;

/* DIR/run.json as an object, NULL when absent or not an object. New reference. */
json_t *msb__merge_runinfo(const char *dir);
/* The same with the reason: MSB_ENOTFOUND, MSB_EIO, MSB_EPARSE, MSB_ENOMEM. */
int msb__merge_runinfo_read(json_t **out, const char *dir);

/*
 * Check the shards (rs[i] read from dirs[i]). Differences of count,
 * selection or configuration, and a shard given twice, are MSB_EMISMATCH
 * always; a missing shard, one not finished or not fully journaled are
 * MSB_EMISMATCH unless allow_partial (then plan->partial is set). The
 * message lists every problem on one line.
 */
int msb__merge_check(msb__merge_plan *plan, const char *const *dirs, msb_results *const *rs,
    size_t n, int allow_partial);

#endif
