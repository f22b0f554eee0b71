/*
 * lib/stats/options.h - the scorer's and the comparison's options as the
 * code uses them ("effective"): every field explicit, in version 1's
 * meaning (bootstrap_resamples 0 = normal approximation; adjust
 * MSB_COMPARE_ADJUST_HOLM or MSB_COMPARE_ADJUST_NONE), whatever version
 * the caller passed. Docs: stats.h, docs/statistics.md ("Options").
 */
#ifndef MSB_STATS_OPTIONS_H
#define MSB_STATS_OPTIONS_H

#include <stddef.h>

#include "medsafety/stats.h"

/* The values *_options_init fills in (explicit, current version). */
extern const msb_scorer_options msb__scorer_defaults;
extern const msb_compare_options msb__compare_defaults;

/* Bytes of the struct of `version` (what a caller of that version holds). */
size_t msb__scorer_options_size(unsigned int version);
size_t msb__compare_options_size(unsigned int version);

/*
 * *out = the effective options of `opts` (NULL: the defaults). Reads only
 * the fields of opts->version. 0, MSB_EVERSION or MSB_EINVAL (a value out
 * of range, named in the message of `what`).
 */
int msb__scorer_options_effective(msb_scorer_options *out, const msb_scorer_options *opts,
    const char *what);
int msb__compare_options_effective(msb_compare_options *out, const msb_compare_options *opts,
    const char *what);

#endif
