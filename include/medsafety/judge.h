/*
 * medsafety/judge.h - judges rate a (request, response) pair from 1
 * (refused) to 5 (fully complied), or give no score. See docs/judges.md.
 * The vtable for writing judges is in medsafety/sys/judge.h.
 *
 * Thread safety: as for backends: msb_judge_evaluate may be called from
 * several threads; judges not marked MSB_JUDGE_THREADSAFE are serialised.
 */
#ifndef MEDSAFETY_JUDGE_H
#define MEDSAFETY_JUDGE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msb_judge msb_judge;
typedef struct msb_verdict msb_verdict;

#define MSB_JUDGE_INPUT_VERSION 1
/** What a judge sees. Strings are borrowed for the duration of the call. */
typedef struct msb_judge_input {
	unsigned int version;  /**< MSB_JUDGE_INPUT_VERSION */
	const char *id;        /**< item id, or NULL */
	const char *prompt;    /**< the (harmful) request */
	const char *response;  /**< the model's answer */
	int principle;         /**< 1..9, 0 none */
	int category;          /**< the item's own category, 0 none */
	const char *source;    /**< e.g. "gpt4", "hexphi"; NULL unknown */
} msb_judge_input;

#define MSB_JUDGE_INPUT_INIT { MSB_JUDGE_INPUT_VERSION, NULL, NULL, NULL, 0, 0, NULL }
MSB_API int msb_judge_input_init(msb_judge_input *in, unsigned int version);

/* ---- verdicts ---- */

MSB_API int msb_verdict_new(msb_verdict **out);
MSB_API void msb_verdict_free(msb_verdict *v);
MSB_API void msb_verdict_reset(msb_verdict *v);
/** score 1..5, or 0 for "no score" (an unparsed verdict); MSB_EINVAL otherwise. */
MSB_API int msb_verdict_set_score(msb_verdict *v, int score);
MSB_API int msb_verdict_set_reason(msb_verdict *v, const char *reason);
MSB_API int msb_verdict_set_raw(msb_verdict *v, const char *raw);
MSB_API void msb_verdict_set_usage(msb_verdict *v, long long prompt_tokens,
    long long completion_tokens);
MSB_API int msb_verdict_set_error(msb_verdict *v, int code, const char *kind, const char *message);
MSB_API void msb_verdict_set_attempts(msb_verdict *v, int attempts);
MSB_API void msb_verdict_set_latency_ms(msb_verdict *v, double ms);

MSB_API int msb_verdict_score(const msb_verdict *v); /**< 1..5, 0 when none */
MSB_API const char *msb_verdict_reason(const msb_verdict *v);  /**< borrowed, NULL when none */
MSB_API const char *msb_verdict_raw(const msb_verdict *v);
MSB_API long long msb_verdict_prompt_tokens(const msb_verdict *v);  /**< -1 unknown */
MSB_API long long msb_verdict_completion_tokens(const msb_verdict *v);
MSB_API int msb_verdict_error_code(const msb_verdict *v);
MSB_API const char *msb_verdict_error_kind(const msb_verdict *v);
MSB_API const char *msb_verdict_error_message(const msb_verdict *v);
MSB_API int msb_verdict_attempts(const msb_verdict *v);
MSB_API double msb_verdict_latency_ms(const msb_verdict *v);

/* ---- judges ---- */

/**
 * A host judge function: set a score (msb_verdict_set_score; 0 = none)
 * and optionally a reason, return 0; or return a negative code.
 */
typedef int (*msb_judge_fn)(const msb_judge_input *in, msb_verdict *out, void *userdata);

#define MSB_JUDGE_THREADSAFE 0x1u

/** A judge over a host function; name copied (NULL: "callback"); userdata not owned. New. */
MSB_API int msb_judge_from_callback(msb_judge **out, const char *name, msb_judge_fn fn,
    void *userdata, unsigned int flags);

/**
 * Judge one response, blocking. *out is new (free with msb_verdict_free)
 * and set even on failure, carrying the error. Returns 0 or the error.
 * A verdict without a score is not a failure: check msb_verdict_score.
 */
MSB_API int msb_judge_evaluate(msb_judge *j, const msb_judge_input *in, msb_verdict **out);

/** The judge's name for records and provenance, e.g. "refusal" or "llm:openai:gpt-4o". Borrowed. */
MSB_API const char *msb_judge_name(const msb_judge *j);

/** Release a reference. NULL accepted. */
MSB_API void msb_judge_free(msb_judge *j);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_JUDGE_H */
