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
};

#endif
