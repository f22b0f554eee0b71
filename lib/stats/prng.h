/*
 * lib/stats/prng.h - a small, fast, seedable PRNG for the bootstrap:
 * xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64, so
 * the same seed gives the same numbers on every platform.
 */
#ifndef MSB_STATS_PRNG_H
#define MSB_STATS_PRNG_H

#include <stdint.h>

typedef struct msb__rng {
	uint64_t s[4];
} msb__rng;

/* One splitmix64 step: also a good 64-bit mixer for deriving seeds. */
uint64_t msb__splitmix64(uint64_t *state);
void msb__rng_seed(msb__rng *r, uint64_t seed);
uint64_t msb__rng_next(msb__rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double msb__rng_uniform(msb__rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire 2019). */
uint64_t msb__rng_below(msb__rng *r, uint64_t n);

#endif
