/*
 * lib/results/usage.c - tokens per stage of a run, summed from its records
 * (issue #21 item 5): what run.json's "usage" and the CLI's cost show.
 */
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "results/results.h"

static void add(long long *sum, long long v)
{
	if (v > 0)
		*sum += v;
}

int msb_results_usage(msb_usage_totals *out, const msb_results *r, int stage)
{
	size_t i;
	int rc;

	if (!out || !r || (stage != MSB_STAGE_MODEL && stage != MSB_STAGE_JUDGE))
		return msb__error_set(MSB_EINVAL, "msb_results_usage: NULL argument or unknown stage %d",
		    stage);
	if ((rc = msb__check_version(out, MSB_USAGE_TOTALS_VERSION, "msb_usage_totals")))
		return rc;
	memset(out, 0, sizeof *out);
	out->version = MSB_USAGE_TOTALS_VERSION;
	for (i = 0; i < r->n; i++) {
		const struct msb_record *rec = &r->recs[i];
		long long p = stage ? rec->judge_prompt_tokens : rec->prompt_tokens;
		long long c = stage ? rec->judge_completion_tokens : rec->completion_tokens;
		long long reason = stage ? rec->judge_reasoning_tokens : rec->reasoning_tokens;
		long long cached = stage ? rec->judge_cached_tokens : rec->cached_tokens;

		if (stage == MSB_STAGE_MODEL && rec->model_cached) {
			out->cache_hits++;
			continue;
		}
		if (p < 0 && c < 0)
			continue;
		out->records++;
		add(&out->prompt_tokens, p);
		add(&out->completion_tokens, c);
		if (reason >= 0) {
			out->reasoning_reported++;
			add(&out->reasoning_tokens, reason);
		}
		if (cached >= 0) {
			out->cached_reported++;
			add(&out->cached_tokens, cached);
		}
	}
	return 0;
}
