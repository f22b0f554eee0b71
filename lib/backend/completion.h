/* lib/backend/completion.h - the completion object (internal layout). */
#ifndef MSB_BACKEND_COMPLETION_H
#define MSB_BACKEND_COMPLETION_H

#include "medsafety/backend.h"

struct msb_completion {
	char *text;
	char *reasoning;
	char *finish_reason;
	char *error_kind;
	char *error_message;
	long long prompt_tokens;
	long long completion_tokens;
	double latency_ms;
	int error_code;
	int attempts;
	int http_status;
	char *refusal;       /* the server's refusal text (OpenAI "refusal"), or NULL */
	int text_repaired;   /* bad bytes (not UTF-8, NUL) in the server's strings became U+FFFD */
	long long reasoning_tokens; /* of completion_tokens, those spent reasoning; -1: not reported */
	long long cached_tokens;    /* of prompt_tokens, those read from the server's cache; -1: not reported */
};

/*
 * Fields for the library's own use (NULL c: NULL, 0, or -1 for token
 * counts); callers outside lib/ use msb_completion_info_get.
 */
const char *msb__completion_text(const msb_completion *c);
const char *msb__completion_reasoning(const msb_completion *c);
const char *msb__completion_finish_reason(const msb_completion *c);
long long msb__completion_prompt_tokens(const msb_completion *c);
long long msb__completion_completion_tokens(const msb_completion *c);
long long msb__completion_reasoning_tokens(const msb_completion *c);
long long msb__completion_cached_tokens(const msb_completion *c);
int msb__completion_error_code(const msb_completion *c);
const char *msb__completion_error_kind(const msb_completion *c);
const char *msb__completion_error_message(const msb_completion *c);
int msb__completion_attempts(const msb_completion *c);
double msb__completion_latency_ms(const msb_completion *c);
int msb__completion_http_status(const msb_completion *c);

/* Internal setters and getters (the journal writes them; no public API yet). */
int msb__completion_set_refusal(msb_completion *c, const char *text);
const char *msb__completion_refusal(const msb_completion *c);
int msb__completion_text_repaired(const msb_completion *c);
/* Reasoning and cached token counts (-1: not reported by the server). */
void msb__completion_set_usage_details(msb_completion *c, long long reasoning_tokens,
    long long cached_tokens);

/*
 * Record that the model gave no answer: kind "empty", with the finish
 * reason and a hint to raise the token limit. `why` says what was there
 * (NULL: "no text"). Returns the code (or MSB_ENOMEM).
 */
int msb__completion_set_empty(msb_completion *c, int code, const char *why);

#endif
