/* lib/backend/openai.h - internals of the OpenAI-compatible backend. */
#ifndef MSB_BACKEND_OPENAI_H
#define MSB_BACKEND_OPENAI_H

#include <stddef.h>

#include "medsafety/openai.h"

/*
 * Parse a successful (2xx) response body of the chat or completions
 * endpoint into `c`: text (a refusal's text when content is null),
 * reasoning (reasoning_content / reasoning, or a leading <think> block),
 * finish reason, usage. Returns 0, MSB_ENOMEM, or MSB_EPARSE with a
 * message in msg[msg_size] (no body content beyond a short excerpt).
 * A body that is an error object ({"error": ...}) returns MSB_EHTTP with
 * the server's message in msg. Safe on any bytes (fuzzed).
 */
int msb__openai_parse_response(msb_completion *c, const char *body, size_t len, int endpoint,
    char *msg, size_t msg_size);

/*
 * The message of an error body ({"error": {"message", "type", "code"}},
 * {"error": "text"}, {"message": ...} or {"detail": ...}) into msg; when
 * the body has none, a short printable excerpt of it. Never fails.
 */
void msb__openai_error_message(const char *body, size_t len, char *msg, size_t msg_size);

/*
 * Parse a Retry-After value (delta seconds, possibly fractional, or an
 * HTTP date) into milliseconds from now; -1 when absent or malformed.
 */
double msb__retry_after_ms(const char *value, double now_epoch_s);



/*
 * The JSON body of one request (chat messages, or a prompt rendered in
 * `prompt_format` for /completions). New string in *out (msb__free),
 * its length in *len. Returns 0, MSB_ENOMEM or MSB_EINVAL.
 */
int msb__openai_build_body(char **out, size_t *len, const msb_request *req, const char *model,
    int endpoint, int prompt_format, int use_max_completion_tokens, int omit_temperature);
#endif
