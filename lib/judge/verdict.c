/* lib/judge/verdict.c - the verdict object. */
#include <string.h>

#include "medsafety/judge.h"
#include "core/alloc.h"
#include "core/error.h"
#include "judge/verdict.h"

int msb_verdict_new(msb_verdict **out)
{
	msb_verdict *v;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_verdict_new: NULL out");
	*out = NULL;
	v = msb__calloc(1, sizeof *v);
	if (!v)
		return MSB_ENOMEM;
	v->prompt_tokens = v->completion_tokens = -1;
	v->reasoning_tokens = v->cached_tokens = -1;
	*out = v;
	return 0;
}

void msb_verdict_reset(msb_verdict *v)
{
	if (!v)
		return;
	msb__free(v->reason);
	msb__free(v->raw);
	msb__free(v->error_kind);
	msb__free(v->error_message);
	memset(v, 0, sizeof *v);
	v->prompt_tokens = v->completion_tokens = -1;
	v->reasoning_tokens = v->cached_tokens = -1;
}

void msb_verdict_free(msb_verdict *v)
{
	if (!v)
		return;
	msb_verdict_reset(v);
	msb__free(v);
}

static int set_str(char **dst, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = msb__strdup(s)))
		return MSB_ENOMEM;
	msb__free(*dst);
	*dst = copy;
	return 0;
}

int msb_verdict_set_score(msb_verdict *v, int score)
{
	if (!v)
		return msb__error_set(MSB_EINVAL, "msb_verdict_set_score: NULL verdict");
	if (score < 0 || score > 5)
		return msb__error_set(MSB_EINVAL,
		    "msb_verdict_set_score: score %d out of range (1..5, or 0 for none)", score);
	v->score = score;
	return 0;
}

int msb_verdict_set_reason(msb_verdict *v, const char *reason)
{
	if (!v)
		return msb__error_set(MSB_EINVAL, "msb_verdict_set_reason: NULL verdict");
	return set_str(&v->reason, reason);
}

int msb_verdict_set_raw(msb_verdict *v, const char *raw)
{
	if (!v)
		return msb__error_set(MSB_EINVAL, "msb_verdict_set_raw: NULL verdict");
	return set_str(&v->raw, raw);
}

void msb_verdict_set_usage(msb_verdict *v, long long p, long long c)
{
	if (!v)
		return;
	v->prompt_tokens = p;
	v->completion_tokens = c;
}

int msb_verdict_set_error(msb_verdict *v, int code, const char *kind, const char *message)
{
	int rc;

	if (!v)
		return msb__error_set(MSB_EINVAL, "msb_verdict_set_error: NULL verdict");
	v->error_code = code < 0 ? code : MSB_ERROR;
	rc = set_str(&v->error_kind, kind ? kind : "error");
	if (!rc)
		rc = set_str(&v->error_message, message ? message : msb_strerror(v->error_code));
	return rc;
}

void msb_verdict_set_attempts(msb_verdict *v, int attempts) { if (v) v->attempts = attempts; }
void msb_verdict_set_latency_ms(msb_verdict *v, double ms) { if (v) v->latency_ms = ms; }

int msb__verdict_score(const msb_verdict *v) { return v ? v->score : 0; }
const char *msb__verdict_reason(const msb_verdict *v) { return v ? v->reason : NULL; }
const char *msb__verdict_raw(const msb_verdict *v) { return v ? v->raw : NULL; }
long long msb__verdict_prompt_tokens(const msb_verdict *v) { return v ? v->prompt_tokens : -1; }
long long msb__verdict_completion_tokens(const msb_verdict *v) { return v ? v->completion_tokens : -1; }
int msb__verdict_error_code(const msb_verdict *v) { return v ? v->error_code : 0; }
const char *msb__verdict_error_kind(const msb_verdict *v) { return v ? v->error_kind : NULL; }
const char *msb__verdict_error_message(const msb_verdict *v) { return v ? v->error_message : NULL; }
int msb__verdict_attempts(const msb_verdict *v) { return v ? v->attempts : 0; }
double msb__verdict_latency_ms(const msb_verdict *v) { return v ? v->latency_ms : 0; }
