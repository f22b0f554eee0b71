/* lib/backend/completion.c - the completion object. */
#include <stdio.h>
#include <string.h>

#include "medsafety/backend.h"
#include "core/alloc.h"
#include "core/error.h"
#include "backend/completion.h"

int msb_completion_new(msb_completion **out)
{
	msb_completion *c;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_completion_new: NULL out");
	*out = NULL;
	c = msb__calloc(1, sizeof *c);
	if (!c)
		return MSB_ENOMEM;
	c->prompt_tokens = c->completion_tokens = -1;
	c->reasoning_tokens = c->cached_tokens = -1;
	*out = c;
	return 0;
}

void msb_completion_reset(msb_completion *c)
{
	if (!c)
		return;
	msb__free(c->text);
	msb__free(c->reasoning);
	msb__free(c->finish_reason);
	msb__free(c->error_kind);
	msb__free(c->error_message);
	msb__free(c->refusal);
	memset(c, 0, sizeof *c);
	c->prompt_tokens = c->completion_tokens = -1;
	c->reasoning_tokens = c->cached_tokens = -1;
}

void msb_completion_free(msb_completion *c)
{
	if (!c)
		return;
	msb_completion_reset(c);
	msb__free(c);
}

static int set_str(char **dst, const char *s, size_t n)
{
	char *copy = NULL;

	if (s) {
		copy = msb__strndup(s, n);
		if (!copy)
			return MSB_ENOMEM;
	}
	msb__free(*dst);
	*dst = copy;
	return 0;
}

int msb_completion_set_text_n(msb_completion *c, const char *text, size_t len)
{
	if (!c)
		return msb__error_set(MSB_EINVAL, "msb_completion_set_text: NULL completion");
	return set_str(&c->text, text, len);
}

int msb_completion_set_text(msb_completion *c, const char *text)
{
	return msb_completion_set_text_n(c, text, text ? strlen(text) : 0);
}

int msb_completion_set_reasoning(msb_completion *c, const char *text)
{
	if (!c)
		return msb__error_set(MSB_EINVAL, "msb_completion_set_reasoning: NULL completion");
	return set_str(&c->reasoning, text, text ? strlen(text) : 0);
}

int msb_completion_set_finish_reason(msb_completion *c, const char *reason)
{
	if (!c)
		return msb__error_set(MSB_EINVAL, "msb_completion_set_finish_reason: NULL completion");
	return set_str(&c->finish_reason, reason, reason ? strlen(reason) : 0);
}

void msb_completion_set_usage(msb_completion *c, long long prompt_tokens, long long completion_tokens)
{
	if (!c)
		return;
	c->prompt_tokens = prompt_tokens;
	c->completion_tokens = completion_tokens;
}

int msb_completion_set_error(msb_completion *c, int code, const char *kind, const char *message)
{
	int rc;

	if (!c)
		return msb__error_set(MSB_EINVAL, "msb_completion_set_error: NULL completion");
	if (code >= 0)
		code = MSB_ERROR;
	c->error_code = code;
	rc = set_str(&c->error_kind, kind ? kind : "error", strlen(kind ? kind : "error"));
	if (!rc)
		rc = set_str(&c->error_message, message ? message : msb_strerror(code),
		    strlen(message ? message : msb_strerror(code)));
	return rc;
}

void msb_completion_set_attempts(msb_completion *c, int attempts) { if (c) c->attempts = attempts; }
void msb_completion_set_latency_ms(msb_completion *c, double ms) { if (c) c->latency_ms = ms; }
void msb_completion_set_http_status(msb_completion *c, int status) { if (c) c->http_status = status; }

const char *msb__completion_text(const msb_completion *c) { return c ? c->text : NULL; }
const char *msb__completion_reasoning(const msb_completion *c) { return c ? c->reasoning : NULL; }
const char *msb__completion_finish_reason(const msb_completion *c) { return c ? c->finish_reason : NULL; }
long long msb__completion_prompt_tokens(const msb_completion *c) { return c ? c->prompt_tokens : -1; }
long long msb__completion_completion_tokens(const msb_completion *c) { return c ? c->completion_tokens : -1; }
int msb__completion_error_code(const msb_completion *c) { return c ? c->error_code : 0; }
const char *msb__completion_error_kind(const msb_completion *c) { return c ? c->error_kind : NULL; }
const char *msb__completion_error_message(const msb_completion *c) { return c ? c->error_message : NULL; }
int msb__completion_attempts(const msb_completion *c) { return c ? c->attempts : 0; }
double msb__completion_latency_ms(const msb_completion *c) { return c ? c->latency_ms : 0; }
int msb__completion_http_status(const msb_completion *c) { return c ? c->http_status : 0; }

int msb__completion_set_refusal(msb_completion *c, const char *text)
{
	return set_str(&c->refusal, text, text ? strlen(text) : 0);
}

const char *msb__completion_refusal(const msb_completion *c) { return c ? c->refusal : NULL; }
int msb__completion_text_repaired(const msb_completion *c) { return c ? c->text_repaired : 0; }

void msb__completion_set_usage_details(msb_completion *c, long long reasoning_tokens,
    long long cached_tokens)
{
	if (!c)
		return;
	c->reasoning_tokens = reasoning_tokens;
	c->cached_tokens = cached_tokens;
}

long long msb__completion_reasoning_tokens(const msb_completion *c) { return c ? c->reasoning_tokens : -1; }
long long msb__completion_cached_tokens(const msb_completion *c) { return c ? c->cached_tokens : -1; }

int msb__completion_set_empty(msb_completion *c, int code, const char *why)
{
	char msg[512];
	const char *fr = c->finish_reason;
	/* "max_tokens": Anthropic's stop_reason for the same cut */
	int length = fr && (!strcmp(fr, "length") || !strcmp(fr, "max_tokens"));

	snprintf(msg, sizeof msg, "the model returned no answer (%s%s%s%s)%s", why ? why : "no text",
	    fr ? "; finish_reason " : "", fr ? fr : "", c->reasoning ? "; it gave reasoning only" : "",
	    length || c->reasoning ? ": it ran out of tokens, raise the token limit (max_tokens, "
	    "--max-tokens) so that the answer fits after the reasoning" :
	    fr && !strcmp(fr, "content_filter") ? ": the server's content filter withheld the answer" :
	    ": an empty answer is not a refusal, so it is not judged");
	msb__free(c->text);
	c->text = NULL;
	if (msb_completion_set_error(c, code, "empty", msg))
		return MSB_ENOMEM;
	return code;
}
