/*
 * lib/stats/options.c - defaults and versions of msb_scorer_options and
 * msb_compare_options. Version 1: every field is taken as given (0
 * resamples = normal approximation, adjust 0 = none). Version 2: zero
 * means the default in every field (resamples 2000, seed 1, confidence
 * 0.95, alpha 0.05, Holm); "none" is spelled MSB_BOOTSTRAP_NONE /
 * MSB_COMPARE_ADJUST_NONE (-1) and seed 0 is asked for with has_seed.
 */
#include <stddef.h>
#include <string.h>

#include "medsafety/stats.h"
#include "core/abi.h"
#include "core/error.h"
#include "stats/options.h"

const msb_scorer_options msb__scorer_defaults = {
	.version = MSB_SCORER_OPTIONS_VERSION,
	.bootstrap_resamples = 2000,
	.seed = 1,
	.confidence = 0.95,
};

const msb_compare_options msb__compare_defaults = {
	.version = MSB_COMPARE_OPTIONS_VERSION,
	.alpha = 0.05,
	.bootstrap_resamples = 2000,
	.seed = 1,
	.confidence = 0.95,
	.adjust = MSB_COMPARE_ADJUST_HOLM,
};

/* Bytes of each version of the structs (what an older caller's struct holds). */
#define SCORER_V1_SIZE offsetof(msb_scorer_options, has_seed)
#define COMPARE_V1_SIZE offsetof(msb_compare_options, has_seed)

size_t msb__scorer_options_size(unsigned int version)
{
	return version == 1 ? SCORER_V1_SIZE : sizeof(msb_scorer_options);
}

size_t msb__compare_options_size(unsigned int version)
{
	return version == 1 ? COMPARE_V1_SIZE : sizeof(msb_compare_options);
}

/* Version 2's resamples: 0 the default, MSB_BOOTSTRAP_NONE (-1) none. */
static int resamples_v2(int *r, const char *what)
{
	if (*r == 0)
		*r = 2000;
	else if (*r == MSB_BOOTSTRAP_NONE)
		*r = 0;
	else if (*r < 0 || *r > 1000000)
		return msb__error_set(MSB_EINVAL, "%s: bootstrap_resamples %d outside 1..1000000 "
		    "(0: the default, 2000; MSB_BOOTSTRAP_NONE: normal approximation)", what, *r);
	return 0;
}

static int level(double *x, double dflt, const char *name, int version, const char *what)
{
	if (version >= 2 && *x == 0)
		*x = dflt;
	if (!(*x > 0 && *x < 1))
		return msb__error_set(MSB_EINVAL, "%s: %s %g outside (0, 1)%s", what, name, *x,
		    version >= 2 ? " (0: the default)" : "");
	return 0;
}

int msb__scorer_options_effective(msb_scorer_options *out, const msb_scorer_options *opts,
    const char *what)
{
	int rc;

	*out = msb__scorer_defaults;
	if (!opts)
		return 0;
	if ((rc = msb__check_version(opts, MSB_SCORER_OPTIONS_VERSION, "msb_scorer_options")) < 0)
		return rc;
	memset(out, 0, sizeof *out);
	memcpy(out, opts, opts->version == 1 ? SCORER_V1_SIZE : sizeof *out);
	if (opts->version == 1) {
		if (out->bootstrap_resamples < 0 || out->bootstrap_resamples > 1000000)
			return msb__error_set(MSB_EINVAL,
			    "%s: bootstrap_resamples %d outside 0..1000000", what,
			    out->bootstrap_resamples);
	} else {
		if ((rc = resamples_v2(&out->bootstrap_resamples, what)) < 0)
			return rc;
		if (out->seed == 0 && !out->has_seed)
			out->seed = msb__scorer_defaults.seed;
	}
	if ((rc = level(&out->confidence, 0.95, "confidence", (int)opts->version, what)) < 0)
		return rc;
	out->version = MSB_SCORER_OPTIONS_VERSION;
	out->has_seed = 0; /* not read further: seed is the one used */
	return 0;
}

int msb__compare_options_effective(msb_compare_options *out, const msb_compare_options *opts,
    const char *what)
{
	int rc;

	*out = msb__compare_defaults;
	if (!opts)
		return 0;
	if ((rc = msb__check_version(opts, MSB_COMPARE_OPTIONS_VERSION, "msb_compare_options")) < 0)
		return rc;
	memset(out, 0, sizeof *out);
	memcpy(out, opts, opts->version == 1 ? COMPARE_V1_SIZE : sizeof *out);
	if (opts->version == 1) {
		/* version 1: 0 none, 1 Holm, as given; resamples 0 = normal approximation */
		if (out->bootstrap_resamples < 0 || out->bootstrap_resamples > 1000000 ||
		    out->adjust < 0 || out->adjust > 1)
			return msb__error_set(MSB_EINVAL, "%s: bootstrap_resamples must be in "
			    "0..1000000 and adjust 0 (none) or 1 (Holm) in version 1", what);
		out->adjust = out->adjust ? MSB_COMPARE_ADJUST_HOLM : MSB_COMPARE_ADJUST_NONE;
	} else {
		if ((rc = resamples_v2(&out->bootstrap_resamples, what)) < 0)
			return rc;
		if (out->seed == 0 && !out->has_seed)
			out->seed = msb__compare_defaults.seed;
		if (out->adjust == MSB_COMPARE_ADJUST_DEFAULT)
			out->adjust = MSB_COMPARE_ADJUST_HOLM;
		else if (out->adjust != MSB_COMPARE_ADJUST_HOLM && out->adjust != MSB_COMPARE_ADJUST_NONE)
			return msb__error_set(MSB_EINVAL, "%s: adjust %d is not MSB_COMPARE_ADJUST_HOLM "
			    "or MSB_COMPARE_ADJUST_NONE (0: the default, Holm)", what, out->adjust);
	}
	if ((rc = level(&out->alpha, 0.05, "alpha", (int)opts->version, what)) < 0 ||
	    (rc = level(&out->confidence, 0.95, "confidence", (int)opts->version, what)) < 0)
		return rc;
	out->version = MSB_COMPARE_OPTIONS_VERSION;
	out->has_seed = 0;
	return 0;
}
