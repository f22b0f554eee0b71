/*
 * lib/stats/paired.c - paired proportions: the exact McNemar test and
 * Newcombe's interval for the difference of two paired proportions
 * (msb_newcombe_interval, msb_mcnemar_exact_p; docs/statistics.md).
 * The mcq trade-off table and the CLI's mcq statistics use them.
 */
#include <math.h>
#include <stddef.h>

#include "medsafety/stats.h"

MSB_API double msb_mcnemar_exact_p(long b, long c)
{
	long n = b + c, k = b < c ? b : c, i;
	double tail = 0;
	if (n <= 0)
		return 1.0;
	/* P(X <= k), X ~ Binomial(n, 1/2), in logs so large n does not overflow */
	for (i = 0; i <= k; i++)
		tail += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
		    (double)n * log(2.0));
	return 2 * tail > 1 ? 1.0 : 2 * tail;
}

MSB_API void msb_newcombe_interval(double *lo, double *hi, long a, long b, long c, long d)
{
	double n = (double)(a + b + c + d), p1, p2, l1, u1, l2, u2, phi = 0, den, dl, du;

	if (!lo || !hi)
		return;
	if (a + b + c + d <= 0) {
		*lo = *hi = NAN;
		return;
	}
	p1 = (double)(a + b) / n;
	p2 = (double)(a + c) / n;
	msb_wilson_interval(&l1, &u1, (size_t)(a + b), (size_t)(a + b + c + d), 0.95);
	msb_wilson_interval(&l2, &u2, (size_t)(a + c), (size_t)(a + b + c + d), 0.95);
	/*
	 * Newcombe's correlation estimate: ad - bc, less n/2 when it is above
	 * n/2, 0 between 0 and n/2, as is below 0 (as in Fagerland, Lydersen
	 * and Laake, "Statistical Analysis of Contingency Tables", ch. 8).
	 */
	den = (double)(a + b) * (double)(c + d) * (double)(a + c) * (double)(b + d);
	if (den > 0) {
		double x = (double)a * (double)d - (double)b * (double)c;
		phi = x > n / 2 ? (x - n / 2) / sqrt(den) : x >= 0 ? 0 : x / sqrt(den);
	}
	dl = (p1 - l1) * (p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) * (u2 - p2);
	du = (u1 - p1) * (u1 - p1) - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) * (p2 - l2);
	*lo = p1 - p2 - sqrt(dl > 0 ? dl : 0);
	*hi = p1 - p2 + sqrt(du > 0 ? du : 0);
	if (*lo < -1)
		*lo = -1;
	if (*hi > 1)
		*hi = 1;
}
