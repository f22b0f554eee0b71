/* lib/stats/compare.h - the comparison handle (shared with its JSON writer). */
#ifndef MSB_STATS_COMPARE_H
#define MSB_STATS_COMPARE_H

#include <stddef.h>

#include "medsafety/stats.h"
#include "core/arena.h"

struct msb_comparison {
	msb_compare_options opts;
	msb_compare_group groups[10];   /* 0 overall, 1..9 principles */
	char **unpaired[3];             /* by msb_unpaired_kind, sorted; strings in arena */
	size_t nunpaired[3], capunpaired[3];
	size_t principle_mismatch;      /* pairs whose runs disagree on the principle (A's is used) */
	int worse;
	msb_arena arena;
};

#endif
