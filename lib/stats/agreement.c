/*
 * lib/stats/agreement.c - agreement between two raters on the 1..5 scale:
 * exact agreement and quadratic-weighted Cohen's kappa (Cohen 1968), its
 * bootstrap CI, Krippendorff's alpha (ordinal) and the confusion matrix.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/stats.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "stats/prng.h"
#include "stats/sample.h"

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

/* Quadratic-weighted kappa of a 5x5 table of counts; NaN when undefined. */
static double kappa_of(const double obs[K][K])
{
	double ma[K] = { 0 }, mb[K] = { 0 }, tot = 0, num = 0, den = 0;
	int r, c;

	for (r = 0; r < K; r++)
		for (c = 0; c < K; c++) {
			ma[r] += obs[r][c];
			mb[c] += obs[r][c];
			tot += obs[r][c];
		}
	if (tot <= 0)
		return NAN;
	for (r = 0; r < K; r++)
		for (c = 0; c < K; c++) {
			double w = (double)((r - c) * (r - c));

			num += w * obs[r][c];
			den += w * ma[r] * mb[c] / tot;
		}
	return den > 0 ? 1.0 - num / den : NAN;
}

/*
 * Krippendorff's alpha, ordinal metric, two coders and no missing values
 * (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): the
 * coincidence matrix o = C + C^T, n_c its margins, delta^2_ck =
 * (sum_{g=c..k} n_g - (n_c + n_k)/2)^2, alpha = 1 - (n - 1) sum o delta^2 /
 * sum n_c n_k delta^2 with n = 2 * pairs.
 */
static double alpha_ordinal(const double obs[K][K])
{
	double o[K][K], nc[K] = { 0 }, n = 0, dobs = 0, dexp = 0;
	int r, c, g;

	for (r = 0; r < K; r++)
		for (c = 0; c < K; c++)
			o[r][c] = obs[r][c] + obs[c][r];
	for (r = 0; r < K; r++)
		for (c = 0; c < K; c++)
			nc[r] += o[r][c];
	for (r = 0; r < K; r++)
		n += nc[r];
	for (r = 0; r < K; r++)
		for (c = 0; c < K; c++) {
			double s = 0, d2;
			int lo = r < c ? r : c, hi = r < c ? c : r;

			for (g = lo; g <= hi; g++)
				s += nc[g];
			s -= (nc[r] + nc[c]) / 2;
			d2 = s * s;
			dobs += o[r][c] * d2;
			dexp += nc[r] * nc[c] * d2;
		}
	if (n < 2 || dexp <= 0)
		return NAN;
	return 1.0 - (n - 1) * dobs / dexp;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

int msb_agreement_stats_compute(msb_agreement_stats *out, const int *a, const int *b,
    size_t n, int resamples, uint64_t seed, double level)
{
	double obs[K][K] = { { 0 } };
	unsigned int version;
	size_t i;
	int rc, r, c;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_agreement_stats_compute: NULL out");
	if ((rc = msb__out_version(out->version, MSB_AGREEMENT_STATS_VERSION, "msb_agreement_stats_compute",
	    "msb_agreement_stats")))
		return rc;
	if (resamples < 0 || resamples > 1000000 || !(level > 0 && level < 1))
		return msb__error_set(MSB_EINVAL, "msb_agreement_stats_compute: resamples in "
		    "0..1000000 and level in (0, 1)");
	version = out->version;
	memset(out, 0, sizeof *out);
	out->version = version;
	out->kappa_ci_low = out->kappa_ci_high = out->alpha_ordinal = NAN;
	if ((rc = msb_agreement(&out->exact, &out->kappa, &out->n_pairs, a, b, n)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if (a[i] && b[i])
			out->confusion[a[i] - 1][b[i] - 1]++;
	for (r = 0; r < K; r++)
		for (c = 0; c < K; c++)
			obs[r][c] = (double)out->confusion[r][c];
	out->alpha_ordinal = alpha_ordinal(obs);
	if (resamples > 0 && out->n_pairs >= 2) {
		/* resampling pairs = a multinomial draw over the 25 cells */
		uint64_t w[K * K], cnt[K * K];
		double *rep = msb__reallocarray(NULL, (size_t)resamples, sizeof *rep);
		size_t m = 0;
		msb__rng rng;
		int k;

		if (!rep)
			return msb__error_set(MSB_ENOMEM, "agreement: out of memory");
		for (r = 0; r < K * K; r++)
			w[r] = out->confusion[r / K][r % K];
		msb__rng_seed(&rng, seed);
		for (k = 0; k < resamples; k++) {
			double t[K][K], kv;

			msb__multinomial(&rng, out->n_pairs, w, K * K, cnt);
			for (r = 0; r < K * K; r++)
				t[r / K][r % K] = (double)cnt[r];
			if (!isnan(kv = kappa_of(t)))
				rep[m++] = kv; /* a replicate where kappa is undefined is left out */
		}
		if (m) {
			qsort(rep, m, sizeof *rep, cmp_double);
			out->kappa_ci_low = msb__quantile_sorted(rep, m, (1 - level) / 2);
			out->kappa_ci_high = msb__quantile_sorted(rep, m, 1 - (1 - level) / 2);
		}
		msb__free(rep);
	}
	return 0;
}
