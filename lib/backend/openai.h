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
 * What became of one attempt (lib/backend/openai_outcome.c): an answer
 * (code 0) or an error with its kind, whether another attempt may help,
 * whether it signals overload (the adaptive window shrinks) and how long
 * the server asks to wait.
 */
typedef struct msb__oa_outcome {
	int code;            /* 0, or a negative MSB_E* */
	const char *kind;    /* static: "rate_limit", "quota", "http", "parse", "empty", ... */
	int retry;           /* another attempt may succeed */
	int overload;        /* 429, 498, 503, 529, a connection reset: shrink the window */
	double wait_ms;      /* the server's Retry-After in ms; -1: none given */
	long status;         /* the HTTP status */
	char msg[768];
} msb__oa_outcome;

/* An error body's parts ({"error": ...}, a Gemini list, {"detail": ...}). */
typedef struct msb__oa_error_info {
	char message[512];   /* the server's message (with OpenRouter's metadata.raw) */
	long code;           /* an integer "code" (OpenRouter, Gemini): an HTTP status; 0: none */
	char code_str[64];   /* a string "code", else "type", else "status" */
} msb__oa_error_info;

/* Fill info from an error body; 1 when the body is one, else 0 (info->message ""). */
int msb__openai_error_info(const char *body, size_t len, msb__oa_error_info *info);

/*
 * Parse a 2xx body into c. Returns 0 (an answer in c), MSB_ENOMEM, or a
 * negative code with o's code, kind, retry and msg set; MSB_EHTTP when
 * the body is an error object, with its parts in *err (o's kind is then
 * left to msb__oa_status_outcome). Bytes that are not UTF-8 and \u0000 in
 * strings are replaced by U+FFFD (the completion is marked repaired).
 */
int msb__openai_parse(msb_completion *c, const char *body, size_t len, int endpoint,
    msb__oa_outcome *o, msb__oa_error_info *err);

/* One finished HTTP exchange, as msb__oa_classify_reply needs it. */
typedef struct msb__oa_reply {
	long status;
	const char *body;
	size_t len;
	const char *content_type;    /* NULL: none */
	const char *retry_after;     /* the Retry-After header, or NULL */
	const char *retry_after_ms;  /* the retry-after-ms header, or NULL */
	double now_epoch_s;          /* for a Retry-After given as an HTTP date */
	long max_retry_after_ms;     /* a longer wait fails the request at once */
	int endpoint;
	const char *display_url;     /* for messages (no secrets) */
	const char *missing_key_env; /* non-NULL: no API key was sent; this variable is unset */
	int dialect;                 /* MSB_OPENAI_DIALECT_*: how a 2xx body is read */
} msb__oa_reply;

/*
 * Classify a finished exchange (pure: no I/O, no clock). On an answer
 * (o->code 0) c holds it; otherwise c is reset and o says why. Never fails
 * but for MSB_ENOMEM in o->code.
 */
void msb__oa_classify_reply(msb_completion *c, const msb__oa_reply *r, msb__oa_outcome *o);

/* Kind, retry and overload of an HTTP error status and its body's parts. */
void msb__oa_status_outcome(long status, const msb__oa_error_info *err, msb__oa_outcome *o);



/*
 * The JSON body of one request (chat messages, or a prompt rendered in
 * `prompt_format` for /completions). New string in *out (msb__free),
 * its length in *len. Returns 0, MSB_ENOMEM or MSB_EINVAL.
 */
int msb__openai_build_body(char **out, size_t *len, const msb_request *req, const char *model,
    int endpoint, int prompt_format, int use_max_completion_tokens, int omit_temperature);

/* JSON writing helpers of openai_request.c, shared with the other dialects. */
struct msb_buf;
void msb__oa_put_json_string(struct msb_buf *b, const char *s);
void msb__oa_put_number(struct msb_buf *b, const char *key, double v);

/*
 * The Anthropic Messages dialect (lib/backend/anthropic.c). The body of
 * POST /v1/messages: the system prompt as the top-level "system", the
 * user message, max_tokens (required: the request's, else
 * MSB__ANTHROPIC_MAX_TOKENS), stop sequences; no seed (not accepted).
 */
#define MSB__ANTHROPIC_MAX_TOKENS 4096
int msb__anthropic_build_body(char **out, size_t *len, const msb_request *req, const char *model,
    int omit_temperature);

/*
 * Parse a 2xx Messages body into c, as msb__openai_parse does: text blocks
 * joined into the answer, thinking / redacted_thinking blocks into the
 * reasoning, stop_reason as the finish reason ("refusal": the completion's
 * refusal is set), usage (input + cache tokens as prompt tokens). Returns
 * 0, MSB_ENOMEM, MSB_EHTTP for an error object ({"type":"error",...},
 * parts in *err, o->kind NULL), or another code with o set.
 */
int msb__anthropic_parse(msb_completion *c, const char *body, size_t len, msb__oa_outcome *o,
    msb__oa_error_info *err);
#endif
