/*
 * medsafety/backend.h - model backends: turn a request into a completion.
 * See docs/backends.md. The vtable for writing backends is in
 * medsafety/sys/backend.h.
 *
 * Thread safety: msb_backend_generate may be called from several threads
 * at once; the library serialises calls into backends that are not
 * marked MSB_BACKEND_THREADSAFE. A completion belongs to one thread at a time.
 */
#ifndef MEDSAFETY_BACKEND_H
#define MEDSAFETY_BACKEND_H

#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msb_backend msb_backend;
typedef struct msb_completion msb_completion;

#define MSB_REQUEST_VERSION 1
/**
 * One generation request. Strings are borrowed for the duration of the call.
 */
typedef struct msb_request {
	unsigned int version;     /**< MSB_REQUEST_VERSION */
	const char *id;           /**< item id, or NULL */
	const char *system;       /**< system prompt, or NULL for none */
	const char *prompt;       /**< the user message (the harmful request) */
	const char *reference;    /**< the item's reference safe response, or NULL (replay uses it) */
	int max_tokens;           /**< default 512; <= 0 leaves it to the server */
	double temperature;       /**< default 0; < 0 leaves it out of the request */
	double top_p;             /**< default -1 (left out) */
	long long seed;           /**< sent when has_seed */
	int has_seed;
	const char *const *stop;  /**< stop sequences, n_stop of them */
	size_t n_stop;
	int sample_index;         /**< which of K samples of the same prompt (0-based) */
} msb_request;

#define MSB_REQUEST_INIT { .version = MSB_REQUEST_VERSION, .max_tokens = 512, \
	.top_p = -1.0 } /* a request, not options: its -1 and 512 are what backends read */
MSB_API int msb_request_init(msb_request *req, unsigned int version);

/* ---- completions ---- */

/** A new, empty completion. Free with msb_completion_free. */
MSB_API int msb_completion_new(msb_completion **out);
MSB_API void msb_completion_free(msb_completion *c);
/** Forget everything (text, error, usage) so it can be reused. */
MSB_API void msb_completion_reset(msb_completion *c);

/* Setters for backends. Strings are copied. Return 0 or MSB_ENOMEM/MSB_EINVAL. */
MSB_API int msb_completion_set_text(msb_completion *c, const char *text);
MSB_API int msb_completion_set_text_n(msb_completion *c, const char *text, size_t len);
MSB_API int msb_completion_set_reasoning(msb_completion *c, const char *text);
MSB_API int msb_completion_set_finish_reason(msb_completion *c, const char *reason);
/** Token counts; -1 for unknown. */
MSB_API void msb_completion_set_usage(msb_completion *c, long long prompt_tokens,
    long long completion_tokens);
/**
 * Record a failure: code (negative MSB_E*), kind (short word such as
 * "http", "timeout", "parse", "user"), message (no secrets!).
 */
MSB_API int msb_completion_set_error(msb_completion *c, int code, const char *kind,
    const char *message);
MSB_API void msb_completion_set_attempts(msb_completion *c, int attempts);
MSB_API void msb_completion_set_latency_ms(msb_completion *c, double ms);
/** The HTTP status of the last attempt (0 when none). */
MSB_API void msb_completion_set_http_status(msb_completion *c, int status);

/* Reading a completion: msb_completion_info_get (below). */

/* ---- backends ---- */

/**
 * A host callback: fill `out` (msb_completion_set_text) and return 0, or
 * return a negative code (and optionally msb_completion_set_error).
 */
typedef int (*msb_generate_fn)(const msb_request *req, msb_completion *out, void *userdata);

/** Flags of backends. */
#define MSB_BACKEND_THREADSAFE 0x1u /**< may be called from several threads at once */

/**
 * A backend over a host function. `name` identifies it in run.json and
 * cache keys (copied; NULL: "callback"). `userdata` is not owned.
 * New: free with msb_backend_free.
 */
MSB_API int msb_backend_from_callback(msb_backend **out, const char *name, msb_generate_fn fn,
    void *userdata, unsigned int flags);

/**
 * The replay backend: answers each request with its reference response,
 * or with `fixed_text` when that is not NULL (an item without reference
 * gets an error "no reference response"). Offline. New.
 */
MSB_API int msb_backend_replay_new(msb_backend **out, const char *fixed_text);

/**
 * Generate one completion, blocking. *out is new (free with
 * msb_completion_free) and is set even when the call fails, carrying the
 * error; the return value is 0 or the error code.
 */
MSB_API int msb_backend_generate(msb_completion **out, msb_backend *b, const msb_request *req);

/** The backend's identity, e.g. "openai:gpt-4o-mini@https://api.openai.com/v1". Borrowed. */
MSB_API const char *msb_backend_identity(const msb_backend *b);

/** Release a reference. NULL is accepted. Judges that use a backend keep their own reference. */
MSB_API void msb_backend_free(msb_backend *b);

/* ---- A completion as one struct (added in 0.2) ----------------------- */

#define MSB_COMPLETION_INFO_VERSION 1
/**
 * Every field of a completion in one call (0.2 replaced the per-field
 * getters msb_completion_text .. msb_completion_cached_tokens with it).
 * Strings are borrowed from the completion (valid until it is reset, set
 * again or freed), NULL when not set.
 */
typedef struct msb_completion_info {
	unsigned int version;       /**< set by the caller: MSB_COMPLETION_INFO_VERSION */
	const char *text, *reasoning, *finish_reason;
	msb_error_info error;       /**< code 0 and NULL strings when the call succeeded */
	msb_usage usage;            /**< tokens, attempts, latency */
	int http_status;            /**< of the last attempt; 0 when none */
	/**
	 * Of usage.completion_tokens, those the model spent reasoning (OpenAI's
	 * usage.completion_tokens_details.reasoning_tokens); -1 when the server
	 * does not report them.
	 */
	long long reasoning_tokens;
	/**
	 * Of usage.prompt_tokens, those read from the server's prompt cache
	 * (OpenAI's usage.prompt_tokens_details.cached_tokens, Anthropic's
	 * cache_read_input_tokens); -1 when the server does not report them.
	 */
	long long cached_tokens;
} msb_completion_info;

#define MSB_COMPLETION_INFO_INIT { .version = MSB_COMPLETION_INFO_VERSION }

/** The completion's fields. MSB_EINVAL (NULL), MSB_EVERSION. */
MSB_API int msb_completion_info_get(msb_completion_info *out, const msb_completion *c);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_BACKEND_H */
