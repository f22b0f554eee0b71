/* lib/stats/sample.c - binomial and multinomial variates; bootstrap over cluster types. */
#include <math.h>
#include <stdlib.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/error.h"
#include "stats/sample.h"

/* ln(k!) - [(k + 1/2) ln(k + 1) - (k + 1) + ln(2 pi)/2]: Stirling's correction term. */
static double stirling_fc(uint64_t k)
{
	static const double table[10] = {
		0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
		0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
		0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
		0.008330563433362871,
	};
	double kp1, kp1sq;

	if (k < 10)
		return table[k];
	kp1 = (double)k + 1.0;
	kp1sq = kp1 * kp1;
	return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / kp1;
}

/* Inversion by sequential search: expected O(np) steps, used for np < 10. */
static uint64_t binomial_inversion(msb__rng *r, uint64_t n, double p)
{
	double q = 1.0 - p, s = p / q, a = ((double)n + 1) * s;
	double r0 = exp((double)n * log1p(-p));

	for (;;) {
		double u = msb__rng_uniform(r), f = r0;
		uint64_t x = 0;

		while (u > f) {
			u -= f;
			x++;
			if (x > n)
				break;
			f *= a / (double)x - s;
		}
		if (x <= n)
			return x;
		/* rounding left u above the total mass: draw again */
	}
}

/*
 * BTRD: transformed rejection with decomposition (W. Hoermann, "The
 * generation of binomial random variates", J. Statist. Comput. Simul.
 * 46, 1993). Requires p <= 0.5 and np >= 10.
 */
static uint64_t binomial_btrd(msb__rng *r, uint64_t n, double p)
{
	double dn = (double)n, q = 1.0 - p;
	double m = floor((dn + 1) * p);
	double rr = p / q, nr = (dn + 1) * rr, npq = dn * p * q;
	double sq = sqrt(npq);
	double b = 1.15 + 2.53 * sq;
	double a = -0.0873 + 0.0248 * b + 0.01 * p;
	double c = dn * p + 0.5;
	double alpha = (2.83 + 5.1 / b) * sq;
	double vr = 0.92 - 4.2 / b;
	double urvr = 0.86 * vr;

	for (;;) {
		double u, v, us, k, km;

		v = msb__rng_uniform(r);
		if (v <= urvr) {
			u = v / vr - 0.43;
			return (uint64_t)floor((2 * a / (0.5 - fabs(u)) + b) * u + c);
		}
		if (v >= vr) {
			u = msb__rng_uniform(r) - 0.5;
		} else {
			u = v / vr - 0.93;
			u = (u < 0 ? -0.5 : 0.5) - u;
			v = msb__rng_uniform(r) * vr;
		}
		us = 0.5 - fabs(u);
		k = floor((2 * a / us + b) * u + c);
		if (k < 0 || k > dn)
			continue;
		v = v * alpha / (a / (us * us) + b);
		km = fabs(k - m);
		if (km <= 15) {
			/* recursive evaluation of f(k) / f(m) */
			double f = 1.0, i;

			if (m < k) {
				for (i = m + 1; i <= k; i++)
					f *= nr / i - rr;
			} else if (m > k) {
				for (i = k + 1; i <= m; i++)
					v *= nr / i - rr;
			}
			if (v <= f)
				return (uint64_t)k;
			continue;
		}
		/* squeeze on the log scale, then the final acceptance test */
		v = log(v);
		{
			double rho = (km / npq) * (((km / 3 + 0.625) * km + 1.0 / 6) / npq + 0.5);
			double t = -km * km / (2 * npq);
			double nm, h, nk;

			if (v < t - rho)
				return (uint64_t)k;
			if (v > t + rho)
				continue;
			nm = dn - m + 1;
			h = (m + 0.5) * log((m + 1) / (rr * nm)) + stirling_fc((uint64_t)m) +
			    stirling_fc((uint64_t)(dn - m));
			nk = dn - k + 1;
			if (v <= h + (dn + 1) * log(nm / nk) + (k + 0.5) * log(nk * rr / (k + 1)) -
			    stirling_fc((uint64_t)k) - stirling_fc((uint64_t)(dn - k)))
				return (uint64_t)k;
		}
	}
}

uint64_t msb__binomial(msb__rng *r, uint64_t n, double p)
{
	if (n == 0 || p <= 0.0)
		return 0;
	if (p >= 1.0)
		return n;
	if (p > 0.5)
		return n - msb__binomial(r, n, 1.0 - p);
	if ((double)n * p < 10.0)
		return binomial_inversion(r, n, p);
	return binomial_btrd(r, n, p);
}

void msb__multinomial(msb__rng *r, uint64_t n, const uint64_t *weight, size_t k,
    uint64_t *counts)
{
	uint64_t left = 0;
	size_t i;

	for (i = 0; i < k; i++)
		left += weight[i];
	for (i = 0; i < k; i++) {
		uint64_t c;

		if (n == 0 || left == 0 || weight[i] == 0) {
			c = 0;
		} else if (weight[i] >= left) {
			c = n;        /* the last cell with weight takes the rest */
		} else {
			c = msb__binomial(r, n, (double)weight[i] / (double)left);
		}
		counts[i] = c;
		n -= c;
		left -= weight[i];
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double msb__quantile_sorted(const double *x, size_t n, double q)
{
	double h;
	size_t lo;

	if (n == 0)
		return NAN;
	if (n == 1 || q <= 0)
		return x[0];
	if (q >= 1)
		return x[n - 1];
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

int msb__bootstrap_ratio_ci(const msb__ctype *types, size_t k, int resamples,
    uint64_t seed, double level, double *lo, double *hi)
{
	uint64_t *w, *c, g = 0;
	double *rep;
	msb__rng rng;
	size_t i;
	int b;

	*lo = *hi = NAN;
	for (i = 0; i < k; i++)
		g += types[i].freq;
	if (k == 0 || g == 0 || resamples < 1)
		return msb__error_set(MSB_EINVAL, "bootstrap: nothing to resample");
	w = msb__reallocarray(NULL, k, 2 * sizeof *w);
	rep = msb__reallocarray(NULL, (size_t)resamples, sizeof *rep);
	if (!w || !rep) {
		msb__free(w);
		msb__free(rep);
		return MSB_ENOMEM;
	}
	c = w + k;
	for (i = 0; i < k; i++)
		w[i] = types[i].freq;
	msb__rng_seed(&rng, seed);
	for (b = 0; b < resamples; b++) {
		double num = 0, den = 0;

		msb__multinomial(&rng, g, w, k, c);
		for (i = 0; i < k; i++) {
			num += (double)c[i] * types[i].y;
			den += (double)c[i] * (double)types[i].m;
		}
		rep[b] = num / den;
	}
	qsort(rep, (size_t)resamples, sizeof *rep, cmp_double);
	*lo = msb__quantile_sorted(rep, (size_t)resamples, (1 - level) / 2);
	*hi = msb__quantile_sorted(rep, (size_t)resamples, 1 - (1 - level) / 2);
	msb__free(w);
	msb__free(rep);
	return 0;
}

int msb__bootstrap_ratio_diff_ci(const msb__ptype *types, size_t k, int resamples,
    uint64_t seed, double level, double *lo, double *hi)
{
	uint64_t *w, *c, g = 0;
	double *rep;
	msb__rng rng;
	size_t i;
	int b;

	*lo = *hi = NAN;
	for (i = 0; i < k; i++)
		g += types[i].freq;
	if (k == 0 || g == 0 || resamples < 1)
		return msb__error_set(MSB_EINVAL, "bootstrap: nothing to resample");
	w = msb__reallocarray(NULL, k, 2 * sizeof *w);
	rep = msb__reallocarray(NULL, (size_t)resamples, sizeof *rep);
	if (!w || !rep) {
		msb__free(w);
		msb__free(rep);
		return MSB_ENOMEM;
	}
	c = w + k;
	for (i = 0; i < k; i++)
		w[i] = types[i].freq;
	msb__rng_seed(&rng, seed);
	for (b = 0; b < resamples; b++) {
		double ya = 0, yb = 0, ma = 0, mb = 0;

		msb__multinomial(&rng, g, w, k, c);
		for (i = 0; i < k; i++) {
			ya += (double)c[i] * types[i].ya;
			yb += (double)c[i] * types[i].yb;
			ma += (double)c[i] * (double)types[i].ma;
			mb += (double)c[i] * (double)types[i].mb;
		}
		rep[b] = yb / mb - ya / ma;
	}
	qsort(rep, (size_t)resamples, sizeof *rep, cmp_double);
	*lo = msb__quantile_sorted(rep, (size_t)resamples, (1 - level) / 2);
	*hi = msb__quantile_sorted(rep, (size_t)resamples, 1 - (1 - level) / 2);
	msb__free(w);
	msb__free(rep);
	return 0;
}

double msb__normal_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
		2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
		2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
		2.445134137142996e+00, 3.754408661907416e+00 };
	double q, r, x, e, u;

	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p > 1 - 0.02425) {
		q = sqrt(-2 * log1p(-p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	/* one Halley step against erfc brings it to full double precision */
	e = 0.5 * erfc(-x / sqrt(2)) - p;
	u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}
