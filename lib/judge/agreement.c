/*
 * lib/judge/agreement.c - agreement between two raters on the 1..5 scale:
 * exact agreement and quadratic-weighted Cohen's kappa (Cohen 1968).
 */
#include <math.h>

#include "medsafety/judge.h"
#include "core/error.h"

#define K 5

int msb_agreement(double *exact, double *kappa, size_t *n_pairs, const int *a, const int *b,
    size_t n)
{
	double obs[K][K] = { { 0 } }, ma[K] = { 0 }, mb[K] = { 0 };
	double num = 0, den = 0;
	size_t i, used = 0, same = 0;
	int r, c;

	if (exact)
		*exact = NAN;
	if (kappa)
		*kappa = NAN;
	if (n_pairs)
		*n_pairs = 0;
	if (n && (!a || !b))
		return msb__error_set(MSB_EINVAL, "msb_agreement: NULL score array");
	for (i = 0; i < n; i++) {
		if (a[i] < 0 || a[i] > 5 || b[i] < 0 || b[i] > 5)
			return msb__error_set(MSB_EINVAL,
			    "msb_agreement: pair %zu has a score outside 0..5 (%d, %d)", i, a[i], b[i]);
		if (!a[i] || !b[i])
			continue;
		obs[a[i] - 1][b[i] - 1] += 1;
		ma[a[i] - 1] += 1;
		mb[b[i] - 1] += 1;
		used++;
		same += a[i] == b[i];
	}
	if (n_pairs)
		*n_pairs = used;
	if (!used)
		return msb__error_set(MSB_ENOTFOUND, "msb_agreement: no pair where both raters scored");
	if (exact)
		*exact = (double)same / (double)used;
	/*
	 * kappa_w = 1 - sum w*O / sum w*E with E the product of the marginals;
	 * the weights' scale (k-1)^2 and the total cancel out.
	 */
	for (r = 0; r < K; r++) {
		for (c = 0; c < K; c++) {
			double w = (double)((r - c) * (r - c));
			num += w * obs[r][c];
			den += w * ma[r] * mb[c] / (double)used;
		}
	}
	if (kappa)
		*kappa = den > 0 ? 1.0 - num / den : NAN;
	return 0;
}
