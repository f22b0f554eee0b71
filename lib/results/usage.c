/*
 * lib/results/usage.c - tokens per stage of a run, summed from its records
 * (issue #21 item 5): what run.json's "usage" and the CLI's cost show.
 */
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "results/results.h"
#include "runfolder/runfolder.h"

static void add(long long *sum, long long v)
{
	if (v > 0)
		*sum += v;
}

void msb__usage_add(msb_usage_totals *u, int stage, int from_cache, long long p, long long c,
    long long reason, long long cached)
{
	(void)stage;
	if (from_cache) { /* the response cache (--cache): paid by another run, not counted */
		u->cache_hits++;
		return;
	}
	if (p < 0 && c < 0)
		return;
	u->records++;
	add(&u->prompt_tokens, p);
	add(&u->completion_tokens, c);
	if (reason >= 0) {
		u->reasoning_reported++;
		add(&u->reasoning_tokens, reason);
	}
	if (cached >= 0) {
		u->cached_reported++;
		add(&u->cached_tokens, cached);
	}
}

void msb__usage_add_record(msb_usage_totals use[2], const msb__rf_record *r)
{
	msb__usage_add(&use[MSB_STAGE_MODEL], MSB_STAGE_MODEL, r->cached, r->prompt_tokens,
	    r->completion_tokens, r->reasoning_tokens, r->cached_tokens);
	msb__usage_add(&use[MSB_STAGE_JUDGE], MSB_STAGE_JUDGE, r->judge_cached, r->judge_prompt_tokens,
	    r->judge_completion_tokens, r->judge_reasoning_tokens, r->judge_cached_tokens);
}

void msb__usage_merge(msb_usage_totals a[2], const msb_usage_totals b[2])
{
	int s;

	for (s = 0; s < 2; s++) {
		a[s].records += b[s].records;
		a[s].prompt_tokens += b[s].prompt_tokens;
		a[s].completion_tokens += b[s].completion_tokens;
		a[s].reasoning_tokens += b[s].reasoning_tokens;
		a[s].cached_tokens += b[s].cached_tokens;
		a[s].reasoning_reported += b[s].reasoning_reported;
		a[s].cached_reported += b[s].cached_reported;
		a[s].cache_hits += b[s].cache_hits;
	}
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

		if (stage == MSB_STAGE_MODEL)
			msb__usage_add(out, stage, rec->model_cached, rec->prompt_tokens,
			    rec->completion_tokens, rec->reasoning_tokens, rec->cached_tokens);
		else
			msb__usage_add(out, stage, rec->judge_cached, rec->judge_prompt_tokens,
			    rec->judge_completion_tokens,
			    rec->judge_reasoning_tokens, rec->judge_cached_tokens);
	}
	return 0;
}
