/*
 * lib/stats/tests.h - the significance tests of a paired comparison:
 * Wilcoxon signed-rank (with its Hodges-Lehmann estimate), McNemar,
 * Kruskal-Wallis. References in docs/statistics.md.
 */
#ifndef MSB_STATS_TESTS_H
#define MSB_STATS_TESTS_H

#include <stddef.h>

/* Up to this many non-zero differences the signed-rank p is exact (ties too). */
#define MSB__WILCOXON_EXACT_MAX 50
/* The Hodges-Lehmann estimate is left undefined above this many distinct differences. */
#define MSB__HL_MAX_DISTINCT 1000

typedef struct msb__wilcoxon {
	size_t n_nonzero;   /* differences left after dropping zeros */
	double w_plus;      /* sum of the (average) ranks of the positive differences */
	double z;           /* normal statistic (NaN when exact) */
	double p;           /* two-sided p-value; NaN when no non-zero difference */
	double p_greater;   /* one-sided: the differences tend to be positive */
	double p_less;      /* one-sided: the differences tend to be negative */
	int exact;          /* 1: exact null distribution of the (tied) ranks (n' <= 50) */
} msb__wilcoxon;

/*
 * Wilcoxon signed-rank test of paired differences d[n] (zeros dropped,
 * Wilcoxon's method; ties get average ranks). n' <= 50: the exact
 * permutation distribution of W+ over the 2^n' sign patterns of the
 * (doubled, so integer) midranks, by dynamic programming; above, the
 * normal approximation with the tie-corrected variance. Sorts a private
 * copy. 0 or MSB_ENOMEM.
 */
int msb__wilcoxon_test(const double *d, size_t n, msb__wilcoxon *out);

/*
 * Hodges-Lehmann estimate of the shift (the median of the n(n+1)/2 Walsh
 * averages (d_i + d_j)/2, i <= j, zeros included) and its distribution-
 * free CI at `level`: the Walsh averages of order k and M + 1 - k, k from
 * the signed-rank null distribution without ties (exact for n <= 50,
 * normal above). Counts Walsh averages over the distinct values, so it is
 * fast for discrete scores. NaN when n = 0 or when there are more than
 * MSB__HL_MAX_DISTINCT distinct differences (CI NaN when k < 1).
 * 0 or MSB_ENOMEM.
 */
int msb__hodges_lehmann(const double *d, size_t n, double level, double *shift,
    double *lo, double *hi);

/*
 * McNemar's test for b (A harmful, B not) and c (B harmful, A not)
 * discordant pairs: exact two-sided binomial when b + c <= 25, else the
 * chi-square statistic with continuity correction. p = 1 when b + c = 0.
 */
double msb__mcnemar_p(size_t b, size_t c, int *exact);

/*
 * Kruskal-Wallis H test of k groups given as histograms of the scores
 * 1..5 (hist[g][0..4]), with the tie correction; the p-value from the
 * chi-square distribution with (groups with data - 1) degrees of freedom.
 * *h and *p NaN (and *df 0) when fewer than two groups have data or every
 * score is equal.
 */
void msb__kruskal_wallis(const size_t (*hist)[5], size_t k, double *h, double *p, int *df);

/* Upper tail P(X > x) of the chi-square distribution with df degrees of freedom. */
double msb__chisq_sf(double x, int df);

/* Two-sided p-value of a standard normal statistic. */
double msb__normal_two_sided_p(double z);

#endif
