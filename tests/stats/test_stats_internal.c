/*
 * tests/stats/test_stats_internal.c - the statistical machinery: PRNG,
 * binomial and multinomial variates, the bootstrap over cluster types,
 * quantiles, the normal quantile, Wilcoxon and McNemar. Reference values
 * were computed independently with Python 3.11 (statistics, math,
 * itertools; the scripts are quoted in the comments).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "stats/prng.h"
#include "stats/sample.h"
#include "stats/tests.h"

#define assert_near(x, y, tol) assert_true(fabs((double)(x) - (double)(y)) <= (tol))

static void test_prng_deterministic(void **state)
{
	msb__rng a, b, c;
	uint64_t st = 0;
	int i, same = 0;
	(void)state;
	/* splitmix64 reference output for state 0 (Vigna's splitmix64.c): 0xe220a8397b1dcdaf */
	assert_true(msb__splitmix64(&st) == 0xe220a8397b1dcdafULL);
	msb__rng_seed(&a, 1);
	msb__rng_seed(&b, 1);
	msb__rng_seed(&c, 2);
	for (i = 0; i < 1000; i++) {
		uint64_t x = msb__rng_next(&a);
		assert_true(x == msb__rng_next(&b));
		same += x == msb__rng_next(&c);
	}
	assert_int_equal(same, 0);
	for (i = 0; i < 10000; i++) {
		double u = msb__rng_uniform(&a);
		assert_true(u >= 0 && u < 1);
		assert_true(msb__rng_below(&a, 7) < 7);
	}
}

/* ln P(X = k) for X ~ binomial(n, p), by lgamma (independent of the sampler). */
static double binom_logpmf(uint64_t n, double p, uint64_t k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1) +
	    (double)k * log(p) + (double)(n - k) * log1p(-p);
}

/*
 * Mean and variance of 40,000 draws within 5 standard errors of np and
 * np(1-p), and a chi-square goodness of fit against the exact pmf (cells
 * with expected count >= 5 pooled): covers inversion (np < 10), BTRD
 * (np >= 10) and the p > 1/2 reflection. Fixed seeds: deterministic.
 */
static void check_binomial(uint64_t n, double p, uint64_t seed)
{
	enum { DRAWS = 40000 };
	msb__rng r;
	double sum = 0, sumsq = 0, mean, var, chi = 0, pooled_obs = 0, pooled_exp = 0;
	uint64_t *count = calloc(n + 1, sizeof *count), k;
	int i, df = -1;

	assert_non_null(count);
	msb__rng_seed(&r, seed);
	for (i = 0; i < DRAWS; i++) {
		uint64_t x = msb__binomial(&r, n, p);
		assert_true(x <= n);
		count[x]++;
		sum += (double)x;
		sumsq += (double)x * (double)x;
	}
	mean = sum / DRAWS;
	var = sumsq / DRAWS - mean * mean;
	{
		double np = (double)n * p, v = np * (1 - p);
		assert_near(mean, np, 5 * sqrt(v / DRAWS));
		/* SE of a sample variance ~ v * sqrt(2 / DRAWS) for near-normal data */
		assert_near(var, v, 5 * v * sqrt(2.0 / DRAWS) + 1e-9);
	}
	for (k = 0; k <= n; k++) {
		double e = DRAWS * exp(binom_logpmf(n, p, k));
		if (e < 5) {
			pooled_obs += (double)count[k];
			pooled_exp += e;
			continue;
		}
		chi += ((double)count[k] - e) * ((double)count[k] - e) / e;
		df++;
	}
	if (pooled_exp >= 5) {
		chi += (pooled_obs - pooled_exp) * (pooled_obs - pooled_exp) / pooled_exp;
		df++;
	}
	/* a 99.99% bound for chi-square(df): df + 6 sqrt(2 df) + 10 (loose, never flaky) */
	assert_true(chi < df + 6 * sqrt(2.0 * df) + 10);
	free(count);
}

static void test_binomial(void **state)
{
	msb__rng r;
	(void)state;
	check_binomial(5, 0.3, 11);       /* inversion */
	check_binomial(200, 0.02, 12);    /* inversion, small p */
	check_binomial(40, 0.35, 13);     /* BTRD, np = 14 */
	check_binomial(1000, 0.3, 14);    /* BTRD */
	check_binomial(76174, 0.2, 15);   /* BTRD at the benchmark's size */
	check_binomial(60, 0.9, 16);      /* reflection */
	msb__rng_seed(&r, 3);
	assert_true(msb__binomial(&r, 0, 0.5) == 0);
	assert_true(msb__binomial(&r, 10, 0.0) == 0);
	assert_true(msb__binomial(&r, 10, 1.0) == 10);
}

static void test_multinomial(void **state)
{
	const uint64_t w[5] = { 3, 0, 1, 0, 6 };
	uint64_t c[5], tot[5] = { 0 };
	msb__rng r;
	int i, j;
	(void)state;
	msb__rng_seed(&r, 5);
	for (i = 0; i < 2000; i++) {
		uint64_t s = 0;
		msb__multinomial(&r, 100, w, 5, c);
		for (j = 0; j < 5; j++) {
			s += c[j];
			tot[j] += c[j];
		}
		assert_true(s == 100);
		assert_true(c[1] == 0 && c[3] == 0); /* zero weight, never drawn */
	}
	/* expected 2000 * 100 * w / 10: 60000, 20000, 120000 */
	assert_near((double)tot[0], 60000, 1500);
	assert_near((double)tot[2], 20000, 1000);
	assert_near((double)tot[4], 120000, 1500);
}

static void test_quantile(void **state)
{
	/* numpy.quantile default (type 7) / statistics.quantiles(method='inclusive'):
	 * statistics.quantiles([1,2,3,4,10], n=4, method='inclusive') == [2.0, 3.0, 4.0] */
	const double x[5] = { 1, 2, 3, 4, 10 };
	(void)state;
	assert_near(msb__quantile_sorted(x, 5, 0.25), 2.0, 1e-12);
	assert_near(msb__quantile_sorted(x, 5, 0.5), 3.0, 1e-12);
	assert_near(msb__quantile_sorted(x, 5, 0.75), 4.0, 1e-12);
	/* h = 4 * 0.9 = 3.6: 4 + 0.6 * 6 = 7.6 */
	assert_near(msb__quantile_sorted(x, 5, 0.9), 7.6, 1e-12);
	assert_near(msb__quantile_sorted(x, 1, 0.3), 1.0, 0);
	assert_true(isnan(msb__quantile_sorted(x, 0, 0.5)));
}

static void test_normal_quantile(void **state)
{
	(void)state;
	/* statistics.NormalDist().inv_cdf(p) */
	assert_near(msb__normal_quantile(0.975), 1.9599639845400536, 1e-12);
	assert_near(msb__normal_quantile(0.5), 0.0, 1e-15);
	assert_near(msb__normal_quantile(0.995), 2.5758293035489004, 1e-12);
	assert_near(msb__normal_quantile(0.001), -3.090232306167813, 1e-11);
	/* math.erfc(1.96 / math.sqrt(2)) == 0.04999579029644087 */
	assert_near(msb__normal_two_sided_p(1.96), 0.04999579029644087, 1e-15);
}

/*
 * The fast bootstrap (a multinomial over cluster types) against the
 * definition (draw G clusters with replacement, one by one): same data,
 * independent streams, the two 95% intervals agree within Monte-Carlo
 * error. Data: 60 clusters of 1..3 records.
 */
static void test_bootstrap_matches_brute_force(void **state)
{
	enum { G = 60, R = 4000 };
	double y[G], *rep = malloc(R * sizeof *rep), lo, hi, blo, bhi;
	uint64_t m[G];
	msb__ctype t[G];
	msb__rng r;
	int i, b;
	(void)state;
	assert_non_null(rep);
	msb__rng_seed(&r, 99);
	for (i = 0; i < G; i++) {
		int j;
		m[i] = 1 + msb__rng_below(&r, 3);
		y[i] = 0;
		for (j = 0; j < (int)m[i]; j++)
			y[i] += (double)(1 + msb__rng_below(&r, 5));
		t[i].y = y[i];
		t[i].m = m[i];
		t[i].freq = 1;
	}
	assert_int_equal(msb__bootstrap_ratio_ci(t, G, R, 7, 0.95, &lo, &hi), 0);
	msb__rng_seed(&r, 12345);
	for (b = 0; b < R; b++) {
		double num = 0, den = 0;
		for (i = 0; i < G; i++) {
			uint64_t k = msb__rng_below(&r, G);
			num += y[k];
			den += (double)m[k];
		}
		rep[b] = num / den;
	}
	for (b = 1; b < R; b++) { /* insertion sort: small and dependency-free */
		double v = rep[b];
		int k = b - 1;
		while (k >= 0 && rep[k] > v) {
			rep[k + 1] = rep[k];
			k--;
		}
		rep[k + 1] = v;
	}
	blo = msb__quantile_sorted(rep, R, 0.025);
	bhi = msb__quantile_sorted(rep, R, 0.975);
	/* the interval is ~0.7 wide; the endpoints' Monte-Carlo SD is ~0.01 */
	assert_near(lo, blo, 0.05);
	assert_near(hi, bhi, 0.05);
	assert_true(lo < hi);
	free(rep);
}

static void test_bootstrap_deterministic(void **state)
{
	const msb__ctype t[3] = { { 1, 1, 100 }, { 3, 1, 50 }, { 5, 1, 70 } };
	const msb__ctype one[1] = { { 4, 1, 9 } };
	double lo1, hi1, lo2, hi2, lo3, hi3;
	(void)state;
	assert_int_equal(msb__bootstrap_ratio_ci(t, 3, 2000, 1, 0.95, &lo1, &hi1), 0);
	assert_int_equal(msb__bootstrap_ratio_ci(t, 3, 2000, 1, 0.95, &lo2, &hi2), 0);
	assert_true(lo1 == lo2 && hi1 == hi2);
	assert_int_equal(msb__bootstrap_ratio_ci(t, 3, 2000, 2, 0.95, &lo3, &hi3), 0);
	assert_true(lo3 != lo1 || hi3 != hi1);
	/* mean 600 / 220; the interval brackets it */
	assert_true(lo1 < 600.0 / 220 && 600.0 / 220 < hi1);
	/* all equal: every replicate is 4 */
	assert_int_equal(msb__bootstrap_ratio_ci(one, 1, 500, 1, 0.95, &lo1, &hi1), 0);
	assert_true(lo1 == 4 && hi1 == 4);
	assert_int_equal(msb__bootstrap_ratio_ci(t, 0, 2000, 1, 0.95, &lo1, &hi1), MSB_EINVAL);
	assert_true(isnan(lo1) && isnan(hi1));
}

/*
 * Exact p-values (ties too): brute force over all 2^n' sign patterns of
 * the midranks, independent of the C dynamic programming. Run with
 * /usr/bin/python3 (scipy 1.10.1, numpy):
 *   from scipy.stats import rankdata; import itertools, numpy as np
 *   def brute(d):
 *       d = [x for x in d if x != 0]; r = rankdata(np.abs(d))
 *       w = sum(r[i] for i in range(len(d)) if d[i] > 0); ge = le = tot = 0
 *       for s in itertools.product([0, 1], repeat=len(d)):
 *           t = sum(r[i] for i in range(len(d)) if s[i]); tot += 1
 *           ge += t >= w - 1e-9; le += t <= w + 1e-9
 *       return w, min(1, 2 * min(ge, le) / tot), ge / tot, le / tot
 * (scipy 1.10's wilcoxon(method="exact") refuses ties, hence the brute force.)
 * Normal branch (n' > 50): scipy.stats.wilcoxon(d, mode="approx",
 * correction=False, alternative=ALT).pvalue, scipy 1.10.1.
 */
static void test_wilcoxon(void **state)
{
	const double d1[12] = { 1, 0, 2, 0, 0, 1, 2, -1, 2, 1, -1, 2 };
	const double d2[10] = { 0.5, -1.25, 2, 3.5, -0.75, 4.25, 1.5, 2.75, -3.25, 5 };
	const double d3[4] = { 1, -2, 3, 4 };
	const double plus1[4] = { 1, 1, 1, 1 };
	const double tied[12] = { 1, 1, -1, 2, 2, 2, -3, 1, 0, 2, 1, -2 };
	/* numpy.random.default_rng(5).integers(-2, 4, size=70): 59 non-zero */
	const double d5[70] = { 2, 2, -2, 2, 0, 1, 1, -1, 3, -2, -1, 0, 1, 0, -2, -2, -2, -2, -2,
		3, -1, 1, 2, -1, -1, 0, -1, 3, -1, 3, 2, 3, -2, 0, 1, 0, 1, 2, 1, -2, 3, 1, 3, -1, 0,
		3, -1, -2, 0, 2, -2, 3, 0, -1, 1, 3, 3, 3, -1, -2, 2, 2, 2, -2, -2, 1, 0, 0, 3, -1 };
	const double zeros[3] = { 0, 0, 0 };
	double d4[30];
	msb__wilcoxon w;
	int i;
	(void)state;

	/* issue 14 item 2: four pairs all +1. brute([1,1,1,1]) = (10, 0.125, 0.0625, 1.0) */
	assert_int_equal(msb__wilcoxon_test(plus1, 4, &w), 0);
	assert_int_equal(w.exact, 1);
	assert_near(w.w_plus, 10.0, 0);
	assert_near(w.p, 0.125, 1e-15);
	assert_near(w.p_greater, 0.0625, 1e-15);
	assert_near(w.p_less, 1.0, 1e-15);

	/* ties and zeros, n' = 9: brute(d1) = (39, 0.0625, 0.03125, 0.98828125) */
	assert_int_equal(msb__wilcoxon_test(d1, 12, &w), 0);
	assert_int_equal(w.n_nonzero, 9);
	assert_near(w.w_plus, 39.0, 1e-12);
	assert_int_equal(w.exact, 1);
	assert_near(w.p, 0.0625, 1e-15);
	assert_near(w.p_greater, 0.03125, 1e-15);
	assert_near(w.p_less, 0.98828125, 1e-15);

	/* more ties, n' = 11: brute(tied) = (44, 0.3935546875, 0.19677734375, 0.8642578125) */
	assert_int_equal(msb__wilcoxon_test(tied, 12, &w), 0);
	assert_int_equal(w.exact, 1);
	assert_near(w.w_plus, 44.0, 1e-12);
	assert_near(w.p, 0.3935546875, 1e-15);
	assert_near(w.p_greater, 0.19677734375, 1e-15);
	assert_near(w.p_less, 0.8642578125, 1e-15);

	/* no ties, n = 10: exact, W+ = 43, p = 134/1024 = 0.130859375 */
	assert_int_equal(msb__wilcoxon_test(d2, 10, &w), 0);
	assert_int_equal(w.exact, 1);
	assert_near(w.w_plus, 43.0, 1e-12);
	assert_near(w.p, 0.130859375, 1e-15);

	/* n = 4: brute = (8, 0.375, 0.1875, 0.875) */
	assert_int_equal(msb__wilcoxon_test(d3, 4, &w), 0);
	assert_near(w.p, 0.375, 1e-15);
	assert_near(w.p_greater, 0.1875, 1e-15);

	/* n' = 59 > 50: normal; scipy: two-sided 0.042877711583445784, greater 0.021438855791722892, less 0.9785611442082771 */
	assert_int_equal(msb__wilcoxon_test(d5, 70, &w), 0);
	assert_int_equal(w.n_nonzero, 59);
	assert_int_equal(w.exact, 0);
	assert_near(w.p, 0.042877711583445784, 1e-12);
	assert_near(w.p_greater, 0.021438855791722892, 1e-12);
	assert_near(w.p_less, 0.9785611442082771, 1e-12);

	/* one difference: p = 1 */
	assert_int_equal(msb__wilcoxon_test(d3, 1, &w), 0);
	assert_near(w.p, 1.0, 0);

	/* all zero: undefined */
	assert_int_equal(msb__wilcoxon_test(zeros, 3, &w), 0);
	assert_int_equal(w.n_nonzero, 0);
	assert_true(isnan(w.p) && isnan(w.p_greater) && isnan(w.p_less));
	assert_int_equal(msb__wilcoxon_test(NULL, 0, &w), 0);
	assert_true(isnan(w.p));

	/* all tied: twenty +4 and ten 0, exact: brute = (210, 2^-19, 2^-20, 1) */
	for (i = 0; i < 30; i++)
		d4[i] = i < 20 ? 4 : 0;
	assert_int_equal(msb__wilcoxon_test(d4, 30, &w), 0);
	assert_int_equal(w.exact, 1);
	assert_near(w.p, 1.9073486328125e-06, 1e-20);
	assert_near(w.p_greater, 9.5367431640625e-07, 1e-20);
}

/*
 * Hodges-Lehmann: brute force in /usr/bin/python3 (numpy), independent
 * of the C counting over distinct values:
 *   w = sorted((d[i] + d[j]) / 2 for i in range(n) for j in range(i, n))
 *   shift = numpy.median(w); null of T by enumerating all 2^n sign
 *   patterns of the ranks 1..n; k = largest with P(T <= k-1) <= 0.025;
 *   CI = (w[k-1], w[M-k]), M = n(n+1)/2.
 */
static void test_hodges_lehmann(void **state)
{
	const double plus1[4] = { 1, 1, 1, 1 };
	const double tied[12] = { 1, 1, -1, 2, 2, 2, -3, 1, 0, 2, 1, -2 };
	const double cont[12] = { 0.5, -1, 2, 3.5, 1, -0.5, 2, 4, 1.5, 0, 2.5, 1 };
	double s, lo, hi;
	(void)state;

	/* n = 4: shift 1, no 95% interval (k = 0) */
	assert_int_equal(msb__hodges_lehmann(plus1, 4, 0.95, &s, &lo, &hi), 0);
	assert_near(s, 1.0, 0);
	assert_true(isnan(lo) && isnan(hi));
	/* shift 1.0, k = 14, CI (-0.5, 1.5) */
	assert_int_equal(msb__hodges_lehmann(tied, 12, 0.95, &s, &lo, &hi), 0);
	assert_near(s, 1.0, 1e-15);
	assert_near(lo, -0.5, 1e-15);
	assert_near(hi, 1.5, 1e-15);
	/* shift 1.375 (mean of the two middle averages), CI (0.25, 2.5) */
	assert_int_equal(msb__hodges_lehmann(cont, 12, 0.95, &s, &lo, &hi), 0);
	assert_near(s, 1.375, 1e-15);
	assert_near(lo, 0.25, 1e-15);
	assert_near(hi, 2.5, 1e-15);
	assert_int_equal(msb__hodges_lehmann(NULL, 0, 0.95, &s, &lo, &hi), 0);
	assert_true(isnan(s) && isnan(lo) && isnan(hi));
	/* more distinct differences than MSB__HL_MAX_DISTINCT: left undefined, not an error */
	{
		double many[MSB__HL_MAX_DISTINCT + 1];
		int i;

		for (i = 0; i <= MSB__HL_MAX_DISTINCT; i++)
			many[i] = i * 0.001;
		assert_int_equal(msb__hodges_lehmann(many, MSB__HL_MAX_DISTINCT + 1, 0.95, &s, &lo, &hi), 0);
		assert_true(isnan(s) && isnan(lo) && isnan(hi));
	}
}

/*
 * scipy 1.10.1: scipy.stats.kruskal([1,1,2,5,3], [2,4,4,5,5,3], [1,1,1,2])
 *   = KruskalResult(statistic=6.858679245283027, pvalue=0.03240833543880307);
 * scipy.stats.chi2.sf(7.5, 3) = 0.0575584519726364, chi2.sf(0.3, 8) =
 * 0.9999812858603375, chi2.sf(40, 1) = 2.5396285894708634e-10.
 */
static void test_kruskal_wallis(void **state)
{
	const size_t hist[4][5] = { { 2, 1, 1, 0, 1 }, { 0, 1, 1, 2, 2 }, { 3, 1, 0, 0, 0 },
		{ 0, 0, 0, 0, 0 } };
	const size_t same[2][5] = { { 0, 0, 3, 0, 0 }, { 0, 0, 2, 0, 0 } };
	double h, p;
	int df;
	(void)state;

	msb__kruskal_wallis(hist, 4, &h, &p, &df);
	assert_near(h, 6.858679245283027, 1e-12);
	assert_near(p, 0.03240833543880307, 1e-12);
	assert_int_equal(df, 2); /* the empty group does not count */
	msb__kruskal_wallis(same, 2, &h, &p, &df);
	assert_true(isnan(h) && isnan(p));
	msb__kruskal_wallis(hist, 1, &h, &p, &df);
	assert_true(isnan(h) && isnan(p) && df == 0);
	assert_near(msb__chisq_sf(7.5, 3), 0.0575584519726364, 1e-13);
	assert_near(msb__chisq_sf(0.3, 8), 0.9999812858603375, 1e-13);
	assert_near(msb__chisq_sf(40, 1), 2.5396285894708634e-10, 1e-20);
}

/*
 * Reference (Python): exact p = min(1, 2 * sum(math.comb(n, i) for i in
 * range(min(b, c) + 1)) / 2**n); chi-square: math.erfc(math.sqrt(
 * (abs(b - c) - 1)**2 / (b + c) / 2)).
 */
static void test_mcnemar(void **state)
{
	int exact;
	(void)state;
	assert_near(msb__mcnemar_p(2, 7, &exact), 0.1796875, 1e-15);
	assert_int_equal(exact, 1);
	assert_near(msb__mcnemar_p(7, 2, &exact), 0.1796875, 1e-15);
	assert_near(msb__mcnemar_p(0, 3, &exact), 0.25, 1e-15);
	assert_near(msb__mcnemar_p(0, 20, &exact), 1.9073486328125e-06, 1e-18);
	assert_near(msb__mcnemar_p(4, 4, &exact), 1.0, 0);
	assert_near(msb__mcnemar_p(0, 0, &exact), 1.0, 0);
	assert_near(msb__mcnemar_p(10, 25, &exact), 0.017960477526078766, 1e-14);
	assert_int_equal(exact, 0);
	/* b = c above the exact limit: the continuity correction is clipped at 0, p = 1 */
	assert_near(msb__mcnemar_p(20, 20, &exact), 1.0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prng_deterministic),
		cmocka_unit_test(test_binomial),
		cmocka_unit_test(test_multinomial),
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_normal_quantile),
		cmocka_unit_test(test_bootstrap_matches_brute_force),
		cmocka_unit_test(test_bootstrap_deterministic),
		cmocka_unit_test(test_wilcoxon),
		cmocka_unit_test(test_mcnemar),
		cmocka_unit_test(test_hodges_lehmann),
		cmocka_unit_test(test_kruskal_wallis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
