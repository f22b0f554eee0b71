/*
 * medsafety/sys/judge.h - the judge vtable (extension interface). Same
 * rules and shapes as medsafety/sys/backend.h: a synchronous `judge`
 * slot, or asynchronous `submit` + `poll` slots, or both.
 */
#ifndef MEDSAFETY_SYS_JUDGE_H
#define MEDSAFETY_SYS_JUDGE_H

#include "../judge.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Called from within `poll` when a submitted judgement is done. */
typedef void (*msb_verdict_cb)(msb_verdict *v, int status, void *ctx);

#define MSB_JUDGE_VTABLE_VERSION 2
typedef struct msb_judge_vtable {
	unsigned int version;     /**< MSB_JUDGE_VTABLE_VERSION */
	unsigned int struct_size; /**< sizeof(msb_judge_vtable) */
	unsigned int flags;       /**< MSB_JUDGE_* */
	int (*judge)(const msb_judge_input *in, msb_verdict *out, void *userdata);
	int (*submit)(const msb_judge_input *in, msb_verdict *out, msb_verdict_cb done,
	    void *done_ctx, void *userdata);
	int (*poll)(int timeout_ms, void *userdata);
	void (*wakeup)(void *userdata);
	int (*capacity)(void *userdata);
	/** Name for records and provenance; valid while the judge lives. */
	const char *(*name)(void *userdata);
	/**
	 * A hash (hex) of everything that determines the verdicts (template,
	 * policy, rubric, model, settings), for run.json and cache keys; NULL
	 * when unknown.
	 */
	const char *(*config_hash)(void *userdata);
	void (*free)(void *userdata);

	/* ---- version 2: as the backend's (medsafety/sys/backend.h) ---- */
	/** A fd readable when `poll` has work, or -1 / NULL: none. */
	int (*fd)(void *userdata);
	/** Milliseconds until `poll` must be called anyway: 0 now, -1 no timer. */
	int (*timeout)(void *userdata);
} msb_judge_vtable;

/** A judge over a vtable; takes ownership of userdata on success. New. */
MSB_API int msb_judge_new(msb_judge **out, const msb_judge_vtable *vtable, void *userdata);
MSB_API int msb_judge_is_async(const msb_judge *j);
MSB_API int msb_judge_submit(msb_verdict *out, msb_judge *j, const msb_judge_input *in,
    msb_verdict_cb done, void *done_ctx);
MSB_API int msb_judge_poll(msb_judge *j, int timeout_ms);
MSB_API void msb_judge_wakeup(msb_judge *j);
MSB_API int msb_judge_capacity(msb_judge *j);
/** The judge's pollable fd, or -1 (see msb_backend_fd). An LLM judge gives its backend's. */
MSB_API int msb_judge_fd(msb_judge *j);
/** Milliseconds until the judge must be polled anyway: 0 now, -1 no timer (or no slot). */
MSB_API int msb_judge_timeout(msb_judge *j);
/** The judge's configuration hash, or NULL. Borrowed. */
MSB_API const char *msb_judge_config_hash(const msb_judge *j);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_SYS_JUDGE_H */
