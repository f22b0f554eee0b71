/* lib/stats/tests.c - Wilcoxon signed-rank, Hodges-Lehmann, McNemar, Kruskal-Wallis. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "stats/sample.h"
#include "stats/tests.h"

double msb__normal_two_sided_p(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

static int cmp_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);

	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Null distribution of the doubled signed-rank statistic: cnt[s] = number
 * of the 2^n sign patterns whose positive doubled ranks r2[] add up to s,
 * s = 0..max. Counts stay below 2^50, exact in a double. New array.
 */
static double *signed_rank_counts(const unsigned *r2, size_t n, size_t *max)
{
	size_t i, s, top = 0;
	double *cnt;

	for (i = 0; i < n; i++)
		top += r2[i];
	if (!(cnt = msb__calloc(top + 1, sizeof *cnt)))
		return NULL;
	cnt[0] = 1;
	for (i = 0; i < n; i++)
		for (s = top; s >= r2[i]; s--)
			cnt[s] += cnt[s - r2[i]];
	*max = top;
	return cnt;
}

int msb__wilcoxon_test(const double *d, size_t n, msb__wilcoxon *out)
{
	double *x, tie_sum = 0, nn, mean, var, sd;
	unsigned *r2;
	size_t m = 0, i, j, w2 = 0;

	memset(out, 0, sizeof *out);
	out->z = out->p = out->p_greater = out->p_less = NAN;
	x = msb__reallocarray(NULL, n ? n : 1, sizeof *x);
	r2 = msb__reallocarray(NULL, n ? n : 1, sizeof *r2);
	if (!x || !r2) {
		msb__free(x);
		msb__free(r2);
		return MSB_ENOMEM;
	}
	for (i = 0; i < n; i++)
		if (d[i] != 0)
			x[m++] = d[i];
	out->n_nonzero = m;
	if (m == 0) {
		msb__free(x);
		msb__free(r2);
		return 0;
	}
	qsort(x, m, sizeof *x, cmp_abs);
	for (i = 0; i < m; i = j) {
		double t;

		for (j = i; j < m && fabs(x[j]) == fabs(x[i]); j++)
			;
		t = (double)(j - i);
		if (j - i > 1)
			tie_sum += t * t * t - t;
		for (size_t k = i; k < j; k++) {
			r2[k] = (unsigned)(i + 1 + j); /* twice the average of ranks i+1..j */
			if (x[k] > 0)
				w2 += r2[k];
		}
	}
	out->w_plus = (double)w2 / 2;
	if (m <= MSB__WILCOXON_EXACT_MAX) {
		size_t max, s;
		double *cnt = signed_rank_counts(r2, m, &max), total, lo = 0, hi = 0;

		msb__free(x);
		msb__free(r2);
		if (!cnt)
			return MSB_ENOMEM;
		total = ldexp(1.0, (int)m);
		for (s = 0; s <= max; s++) {
			if (s <= w2)
				lo += cnt[s];
			if (s >= w2)
				hi += cnt[s];
		}
		msb__free(cnt);
		out->exact = 1;
		out->p_less = lo / total;
		out->p_greater = hi / total;
		out->p = fmin(1.0, 2 * fmin(lo, hi) / total);
		return 0;
	}
	msb__free(x);
	msb__free(r2);
	nn = (double)m;
	mean = nn * (nn + 1) / 4;
	var = nn * (nn + 1) * (2 * nn + 1) / 24 - tie_sum / 48;
	if (var <= 0) {
		/* cannot happen with m >= 1 (all-tied |d| still leaves var > 0) */
		out->p = out->p_greater = out->p_less = 1.0;
		return 0;
	}
	sd = sqrt(var);
	out->z = (out->w_plus - mean) / sd;
	out->p = msb__normal_two_sided_p(out->z);
	out->p_greater = 0.5 * erfc(out->z / sqrt(2.0));
	out->p_less = 0.5 * erfc(-out->z / sqrt(2.0));
	return 0;
}

/* A distinct value of the differences and how often it occurs. */
typedef struct vcount {
	double v;
	double c;
} vcount;

static int cmp_vcount(const void *a, const void *b)
{
	return cmp_double(&((const vcount *)a)->v, &((const vcount *)b)->v);
}

/* The value of rank r (1-based, by value) among the weighted Walsh averages w[k] (sorted). */
static double walsh_order(const vcount *w, size_t k, double r)
{
	double cum = 0;
	size_t i;

	for (i = 0; i < k; i++) {
		cum += w[i].c;
		if (cum >= r)
			return w[i].v;
	}
	return w[k - 1].v;
}

/*
 * k of the CI: the largest k >= 1 with P(T <= k - 1) <= (1 - level) / 2
 * for the untied signed-rank statistic T of n pairs; 0 when none.
 */
static int hl_k(size_t n, double level, double *k)
{
	double alpha2 = (1 - level) / 2;

	if (n <= MSB__WILCOXON_EXACT_MAX) {
		unsigned *r2 = msb__reallocarray(NULL, n, sizeof *r2);
		size_t i, max;
		double *cnt, total = ldexp(1.0, (int)n), cum = 0;

		if (!r2)
			return MSB_ENOMEM;
		for (i = 0; i < n; i++)
			r2[i] = (unsigned)(2 * (i + 1));
		cnt = signed_rank_counts(r2, n, &max);
		msb__free(r2);
		if (!cnt)
			return MSB_ENOMEM;
		/* cnt is over doubled sums: T = t at index 2t */
		*k = 0;
		for (i = 0; 2 * i <= max; i++) {
			cum += cnt[2 * i];
			if (cum / total > alpha2)
				break;
			*k = (double)i + 1; /* P(T <= i) <= alpha/2: k - 1 = i */
		}
		msb__free(cnt);
		return 0;
	}
	{
		double nn = (double)n, z = msb__normal_quantile(1 - alpha2);

		*k = floor(nn * (nn + 1) / 4 - z * sqrt(nn * (nn + 1) * (2 * nn + 1) / 24) + 0.5);
		if (*k < 0)
			*k = 0;
	}
	return 0;
}

int msb__hodges_lehmann(const double *d, size_t n, double level, double *shift,
    double *lo, double *hi)
{
	double *x, M, k;
	vcount *u = NULL, *w = NULL;
	size_t nu = 0, nw = 0, i, j;
	int rc;

	*shift = *lo = *hi = NAN;
	if (n == 0)
		return 0;
	if (!(x = msb__reallocarray(NULL, n, sizeof *x)))
		return MSB_ENOMEM;
	memcpy(x, d, n * sizeof *x);
	qsort(x, n, sizeof *x, cmp_double);
	if (!(u = msb__reallocarray(NULL, n, sizeof *u))) {
		msb__free(x);
		return MSB_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (nu && u[nu - 1].v == x[i]) {
			u[nu - 1].c++;
			continue;
		}
		u[nu].v = x[i];
		u[nu++].c = 1;
	}
	msb__free(x);
	/* Walsh averages over pairs of distinct values a <= b, weighted by multiplicity */
	if (nu > MSB__HL_MAX_DISTINCT) {
		msb__free(u);
		return 0; /* too many distinct differences: left undefined (NaN) */
	}
	if (!(w = msb__reallocarray(NULL, nu * (nu + 1) / 2, sizeof *w))) {
		msb__free(u);
		return MSB_ENOMEM;
	}
	for (i = 0; i < nu; i++)
		for (j = i; j < nu; j++) {
			w[nw].v = (u[i].v + u[j].v) / 2;
			w[nw++].c = i == j ? u[i].c * (u[i].c + 1) / 2 : u[i].c * u[j].c;
		}
	msb__free(u);
	qsort(w, nw, sizeof *w, cmp_vcount);
	M = (double)n * ((double)n + 1) / 2;
	/* the median of M values: the middle one, or the mean of the two middle ones */
	*shift = (walsh_order(w, nw, floor((M + 1) / 2)) + walsh_order(w, nw, ceil((M + 1) / 2))) / 2;
	if ((rc = hl_k(n, level, &k)) < 0) {
		msb__free(w);
		return rc;
	}
	if (k >= 1) {
		*lo = walsh_order(w, nw, k);
		*hi = walsh_order(w, nw, M + 1 - k);
	}
	msb__free(w);
	return 0;
}

double msb__mcnemar_p(size_t b, size_t c, int *exact)
{
	size_t n = b + c, k = b < c ? b : c, i;
	double p = 0, chi, diff;

	if (n == 0) {
		*exact = 1;
		return 1.0;
	}
	if (n <= 25) {
		*exact = 1;
		for (i = 0; i <= k; i++)
			p += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			    lgamma((double)(n - i) + 1) - (double)n * M_LN2);
		return fmin(1.0, 2 * p);
	}
	*exact = 0;
	diff = fabs((double)b - (double)c) - 1;
	if (diff < 0)
		diff = 0;
	chi = diff * diff / (double)n;
	/* chi-square with one degree of freedom: P(X > chi) = erfc(sqrt(chi / 2)) */
	return erfc(sqrt(chi / 2));
}

/*
 * Regularized upper incomplete gamma Q(a, x): the series for x < a + 1,
 * Lentz's continued fraction otherwise (Press et al., Numerical Recipes
 * 3rd ed., 6.2).
 */
static double gamma_q(double a, double x)
{
	double gln = lgamma(a);

	if (x <= 0)
		return 1.0;
	if (x < a + 1) {
		double ap = a, sum = 1.0 / a, del = sum;
		int i;

		for (i = 0; i < 10000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-16)
				break;
		}
		return 1.0 - sum * exp(-x + a * log(x) - gln);
	} else {
		double b = x + 1 - a, c = 1.0 / 1e-300, d = 1.0 / b, h = d;
		int i;

		for (i = 1; i < 10000; i++) {
			double an = -i * (i - a), del;

			b += 2;
			d = an * d + b;
			if (fabs(d) < 1e-300)
				d = 1e-300;
			c = b + an / c;
			if (fabs(c) < 1e-300)
				c = 1e-300;
			d = 1.0 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-16)
				break;
		}
		return exp(-x + a * log(x) - gln) * h;
	}
}

double msb__chisq_sf(double x, int df)
{
	if (df < 1 || isnan(x))
		return NAN;
	return gamma_q(df / 2.0, x / 2);
}

void msb__kruskal_wallis(const size_t (*hist)[5], size_t k, double *h, double *p, int *df)
{
	double tot[5] = { 0 }, mid[5], N = 0, cum = 0, ties = 0, s = 0;
	size_t g, i, groups = 0;

	*h = *p = NAN;
	*df = 0;
	for (g = 0; g < k; g++) {
		double ng = 0;

		for (i = 0; i < 5; i++) {
			tot[i] += (double)hist[g][i];
			ng += (double)hist[g][i];
		}
		groups += ng > 0;
	}
	for (i = 0; i < 5; i++) {
		mid[i] = cum + (tot[i] + 1) / 2;
		cum += tot[i];
		ties += tot[i] * tot[i] * tot[i] - tot[i];
	}
	N = cum;
	if (groups < 2 || N * N * N - N <= ties)
		return;
	for (g = 0; g < k; g++) {
		double ng = 0, r = 0;

		for (i = 0; i < 5; i++) {
			ng += (double)hist[g][i];
			r += (double)hist[g][i] * mid[i];
		}
		if (ng > 0)
			s += r * r / ng;
	}
	*h = (12 / (N * (N + 1)) * s - 3 * (N + 1)) / (1 - ties / (N * N * N - N));
	*df = (int)groups - 1;
	*p = msb__chisq_sf(*h, *df);
}
