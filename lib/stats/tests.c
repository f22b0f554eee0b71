/* lib/stats/tests.c - Wilcoxon signed-rank and McNemar tests. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
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

/* Exact two-sided p of W+ = w for n untied ranks: subset-sum counts 0..n(n+1)/2. */
static int wilcoxon_exact_p(size_t n, double w, double *p)
{
	size_t max = n * (n + 1) / 2, i, s;
	double *cnt = msb__calloc(max + 1, sizeof *cnt), total, lo = 0, hi = 0;

	if (!cnt)
		return MSB_ENOMEM;
	cnt[0] = 1;
	for (i = 1; i <= n; i++)
		for (s = max; s >= i; s--)
			cnt[s] += cnt[s - i];
	total = ldexp(1.0, (int)n);
	for (s = 0; s <= max; s++) {
		if ((double)s <= w)
			lo += cnt[s];
		if ((double)s >= w)
			hi += cnt[s];
	}
	*p = fmin(1.0, 2 * fmin(lo, hi) / total);
	msb__free(cnt);
	return 0;
}

int msb__wilcoxon_test(const double *d, size_t n, msb__wilcoxon *out)
{
	double *x, tie_sum = 0, nn, mean, var;
	size_t m = 0, i, j;
	int ties = 0;

	memset(out, 0, sizeof *out);
	out->z = out->p = NAN;
	if (!(x = msb__reallocarray(NULL, n ? n : 1, sizeof *x)))
		return MSB_ENOMEM;
	for (i = 0; i < n; i++)
		if (d[i] != 0)
			x[m++] = d[i];
	out->n_nonzero = m;
	if (m == 0) {
		msb__free(x);
		return 0;
	}
	qsort(x, m, sizeof *x, cmp_abs);
	for (i = 0; i < m; i = j) {
		double rank, t;

		for (j = i; j < m && fabs(x[j]) == fabs(x[i]); j++)
			;
		rank = ((double)i + 1 + (double)j) / 2; /* average of ranks i+1..j */
		t = (double)(j - i);
		if (j - i > 1) {
			ties = 1;
			tie_sum += t * t * t - t;
		}
		for (size_t k = i; k < j; k++)
			if (x[k] > 0)
				out->w_plus += rank;
	}
	msb__free(x);
	if (m <= 50 && !ties) {
		out->exact = 1;
		return wilcoxon_exact_p(m, out->w_plus, &out->p);
	}
	nn = (double)m;
	mean = nn * (nn + 1) / 4;
	var = nn * (nn + 1) * (2 * nn + 1) / 24 - tie_sum / 48;
	if (var <= 0) {
		/* cannot happen with m >= 1 (all-tied |d| still leaves var > 0) */
		out->p = 1.0;
		return 0;
	}
	out->z = (out->w_plus - mean) / sqrt(var);
	out->p = msb__normal_two_sided_p(out->z);
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
