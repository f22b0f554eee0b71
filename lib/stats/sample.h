/*
 * lib/stats/sample.h - exact random variates for the bootstrap: binomial
 * (inversion for small means, Hoermann's BTRD otherwise) and multinomial
 * draws over "cluster types", plus the percentile bootstrap of a ratio
 * mean built on them (docs/statistics.md explains why it is exact).
 */
#ifndef MSB_STATS_SAMPLE_H
#define MSB_STATS_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "stats/prng.h"

/* A binomial(n, p) variate, 0 <= p <= 1. */
uint64_t msb__binomial(msb__rng *r, uint64_t n, double p);

/*
 * One multinomial draw: distribute `n` among k cells with probabilities
 * weight[i] / sum(weight) into counts[k] (sequential conditional binomials).
 */
void msb__multinomial(msb__rng *r, uint64_t n, const uint64_t *weight, size_t k,
    uint64_t *counts);

/*
 * A cluster type: `freq` clusters each holding `m` scored records whose
 * scores add up to `y`. Resampling clusters with replacement is a
 * multinomial draw over the types; a replicate's mean is
 * sum(c_t y_t) / sum(c_t m_t).
 */
typedef struct msb__ctype {
	double y;
	uint64_t m;
	uint64_t freq;
} msb__ctype;

/*
 * Percentile bootstrap CI of the ratio mean over the types: `resamples`
 * replicates seeded with `seed`, interval at `level` (e.g. 0.95) by
 * linear interpolation between order statistics (Hyndman-Fan type 7).
 * Returns 0, MSB_EINVAL (nothing to resample) or MSB_ENOMEM.
 */
int msb__bootstrap_ratio_ci(const msb__ctype *types, size_t k, int resamples,
    uint64_t seed, double level, double *lo, double *hi);

/*
 * A paired cluster type for the change of a ratio between two runs:
 * `freq` ids each with ya of ma records in run A and yb of mb in run B.
 */
typedef struct msb__ptype {
	double ya, yb;
	uint64_t ma, mb;
	uint64_t freq;
} msb__ptype;

/*
 * Paired percentile bootstrap CI of sum(yb)/sum(mb) - sum(ya)/sum(ma):
 * ids resampled with replacement (a multinomial over the types), so the
 * dependence between the runs is kept. As msb__bootstrap_ratio_ci.
 */
int msb__bootstrap_ratio_diff_ci(const msb__ptype *types, size_t k, int resamples,
    uint64_t seed, double level, double *lo, double *hi);

/* Quantile q of sorted x[n] (type 7). */
double msb__quantile_sorted(const double *x, size_t n, double q);

/* The standard normal quantile function (Acklam's rational approximation, refined). */
double msb__normal_quantile(double p);

#endif
