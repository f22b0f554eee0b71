/*
 * cli/jury.h - the agreement of a jury's members, read back from a run's
 * records (the jury verdict's raw text is the members' verdicts as JSON).
 */
#ifndef MEDSAFETY_CLI_JURY_H
#define MEDSAFETY_CLI_JURY_H

/*
 * When the run in dir was judged by a jury: exact agreement and
 * quadratic-weighted kappa of every pair of members, written to
 * dir/jury_agreement.json and, unless quiet, printed one line a pair.
 * Nothing for a single judge. Returns 0, or -1 when it could not be
 * computed or written (message on stderr, prefixed by prog). judge is the
 * run's: the journal (with its texts) is read only when it holds a jury
 * (its name has "jury:"), not after every run.
 */
int cli_jury_agreement(const char *dir, const msb_judge *judge, const char *prog, int quiet);

#include <jansson.h>
#include <medsafety/medsafety.h>

/*
 * Add to o the agreement of scores a and b over n items beyond exact and
 * kappa: kappa_ci_low/_high (bootstrap, 2000 resamples, seed 1, 95%),
 * alpha_ordinal (Krippendorff) and confusion (5 rows of 5 counts; rows
 * the first rater's score). Fills *st (may be NULL).
 */
void cli_agreement_more(json_t *o, const int *a, const int *b, size_t n, msb_agreement_stats *st);

/* " [low, high], Krippendorff's alpha (ordinal) A" and a newline, leaving out what is NaN. */
void cli_agreement_print(const msb_agreement_stats *st);

#endif
