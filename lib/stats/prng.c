/* lib/stats/prng.c - xoshiro256** seeded by splitmix64. */
#include "stats/prng.h"

uint64_t msb__splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void msb__rng_seed(msb__rng *r, uint64_t seed)
{
	uint64_t st = seed;
	int i;

	/* splitmix64 never yields four zero words, the one state xoshiro must avoid */
	for (i = 0; i < 4; i++)
		r->s[i] = msb__splitmix64(&st);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t msb__rng_next(msb__rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double msb__rng_uniform(msb__rng *r)
{
	return (double)(msb__rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t msb__rng_below(msb__rng *r, uint64_t n)
{
	/* multiply-shift with rejection of the biased low range */
	unsigned __int128 m = (unsigned __int128)msb__rng_next(r) * n;
	uint64_t lo = (uint64_t)m;

	if (lo < n) {
		uint64_t t = -n % n;
		while (lo < t) {
			m = (unsigned __int128)msb__rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}
