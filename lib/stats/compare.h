/* lib/stats/compare.h - the comparison handle (shared with its JSON writer). */
#ifndef MSB_STATS_COMPARE_H
#define MSB_STATS_COMPARE_H

#include <stddef.h>

#include "medsafety/stats.h"
#include "core/arena.h"
#include "stats/scorer.h"

/* A source or split group: reported, never part of the "worse" verdict. */
typedef struct msb__cgroup {
	int by;                         /* MSB__BY_SOURCE or MSB__BY_SPLIT */
	const char *key;                /* in arena */
	msb_compare_group g;
	msb_compare_detail det;
} msb__cgroup;

struct msb_comparison {
	msb_compare_options opts;
	msb_compare_group groups[10];   /* 0 overall, 1..9 principles */
	msb_compare_detail det[10];     /* their gate p-values and effect sizes */
	char **unpaired[3];             /* by msb_unpaired_kind, sorted; strings in arena */
	size_t nunpaired[3], capunpaired[3];
	size_t principle_mismatch;      /* pairs whose runs disagree on the principle (A's is used) */
	size_t source_mismatch, split_mismatch; /* likewise; A's source or split is used */
	msb__cgroup *extra;             /* sources sorted, then splits sorted */
	size_t nextra;
	int worse;
	msb_arena arena;
};

#endif
