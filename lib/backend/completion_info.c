/* lib/backend/completion_info.c - a completion's fields in one versioned struct. */
#include <string.h>

#include "medsafety/backend.h"
#include "core/abi.h"
#include "core/error.h"
#include "backend/completion.h"

int msb_completion_info_get(msb_completion_info *out, const msb_completion *c)
{
	msb_completion_info info;
	int rc;

	if (!out || !c)
		return msb__error_set(MSB_EINVAL, "msb_completion_info_get: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_COMPLETION_INFO_VERSION,
	    "msb_completion_info_get", "msb_completion_info")))
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.text = c->text;
	info.reasoning = c->reasoning;
	info.finish_reason = c->finish_reason;
	info.error.code = c->error_code;
	info.error.kind = c->error_kind;
	info.error.message = c->error_message;
	info.usage.prompt_tokens = c->prompt_tokens;
	info.usage.completion_tokens = c->completion_tokens;
	info.usage.attempts = c->attempts;
	info.usage.latency_ms = c->latency_ms;
	info.http_status = c->http_status;
	info.reasoning_tokens = c->reasoning_tokens;
	info.cached_tokens = c->cached_tokens;
	/* version 1 is the only layout: a later one copies the prefix its version knows */
	*out = info;
	return 0;
}
