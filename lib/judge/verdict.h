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

#endif
