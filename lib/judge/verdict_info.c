/* lib/judge/verdict_info.c - a verdict's fields in one versioned struct. */
#include <string.h>

#include "medsafety/judge.h"
#include "core/abi.h"
#include "core/error.h"
#include "judge/verdict.h"

int msb_verdict_info_get(msb_verdict_info *out, const msb_verdict *v)
{
	msb_verdict_info info;
	int rc;

	if (!out || !v)
		return msb__error_set(MSB_EINVAL, "msb_verdict_info_get: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_VERDICT_INFO_VERSION,
	    "msb_verdict_info_get", "msb_verdict_info")))
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.score = v->score;
	info.reason = v->reason;
	info.raw = v->raw;
	info.error.code = v->error_code;
	info.error.kind = v->error_kind;
	info.error.message = v->error_message;
	info.usage.prompt_tokens = v->prompt_tokens;
	info.usage.completion_tokens = v->completion_tokens;
	info.usage.attempts = v->attempts;
	info.usage.latency_ms = v->latency_ms;
	info.reasoning_tokens = v->reasoning_tokens;
	info.cached_tokens = v->cached_tokens;
	/* version 1 is the only layout: a later one copies the prefix its version knows */
	*out = info;
	return 0;
}
