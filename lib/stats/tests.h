/*
 * lib/stats/tests.h - the significance tests of a paired comparison:
 * Wilcoxon signed-rank and McNemar. References in docs/statistics.md.
 */
#ifndef MSB_STATS_TESTS_H
#define MSB_STATS_TESTS_H

#include <stddef.h>

typedef struct msb__wilcoxon {
	size_t n_nonzero;   /* differences left after dropping zeros */
	double w_plus;      /* sum of the ranks of the positive differences */
	double z;           /* normal statistic (NaN when exact) */
	double p;           /* two-sided p-value; NaN when no non-zero difference */
	int exact;          /* 1: exact null distribution (n <= 50, no ties) */
} msb__wilcoxon;

/*
 * Wilcoxon signed-rank test of paired differences d[n] (zeros dropped,
 * Wilcoxon's method; ties get average ranks and the variance the tie
 * correction). Sorts a private copy. 0 or MSB_ENOMEM.
 */
int msb__wilcoxon_test(const double *d, size_t n, msb__wilcoxon *out);

/*
 * McNemar's test for b (A harmful, B not) and c (B harmful, A not)
 * discordant pairs: exact two-sided binomial when b + c <= 25, else the
 * chi-square statistic with continuity correction. p = 1 when b + c = 0.
 */
double msb__mcnemar_p(size_t b, size_t c, int *exact);

/* Two-sided p-value of a standard normal statistic. */
double msb__normal_two_sided_p(double z);

#endif
