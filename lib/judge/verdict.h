/* lib/judge/verdict.h - the verdict object (internal layout). */
#ifndef MSB_JUDGE_VERDICT_H
#define MSB_JUDGE_VERDICT_H

#include "medsafety/judge.h"

struct msb_verdict {
	int score; /* 1..5, 0 none */
	char *reason;
	char *raw;
	char *error_kind;
	char *error_message;
	long long prompt_tokens;
	long long completion_tokens;
	double latency_ms;
	int error_code;
	int attempts;
	long long reasoning_tokens; /* the judge call's reasoning tokens; -1: not reported */
	long long cached_tokens;    /* its prompt tokens read from the server's cache; -1: not reported */
};

/*
 * Fields for the library's own use (NULL v: NULL, 0, or -1 for token
 * counts); callers outside lib/ use msb_verdict_info_get.
 */
int msb__verdict_score(const msb_verdict *v);
const char *msb__verdict_reason(const msb_verdict *v);
const char *msb__verdict_raw(const msb_verdict *v);
long long msb__verdict_prompt_tokens(const msb_verdict *v);
long long msb__verdict_completion_tokens(const msb_verdict *v);
int msb__verdict_error_code(const msb_verdict *v);
const char *msb__verdict_error_kind(const msb_verdict *v);
const char *msb__verdict_error_message(const msb_verdict *v);
int msb__verdict_attempts(const msb_verdict *v);
double msb__verdict_latency_ms(const msb_verdict *v);

#endif
