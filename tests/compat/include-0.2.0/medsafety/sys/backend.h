/*
 * medsafety/sys/backend.h - the backend vtable, for writing backends
 * (extension interface; see docs/api-stability.md for its guarantees).
 *
 * A backend implements either the synchronous `generate` slot, or the
 * asynchronous `submit` + `poll` slots (an event-driven backend keeps
 * many requests in flight from one thread), or both.
 *
 * Rules (docs/conventions.md): set version = MSB_BACKEND_VTABLE_VERSION
 * and struct_size = sizeof(msb_backend_vtable); slots may be NULL; the
 * library copies min(struct_size, its own size) bytes, so an older
 * vtable keeps working. userdata comes last in every callback.
 */
#ifndef MEDSAFETY_SYS_BACKEND_H
#define MEDSAFETY_SYS_BACKEND_H

#include "../backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Called by an asynchronous backend, from inside its `poll`, when a
 * submitted request is done. status is 0 or the error code (also stored
 * in the completion).
 */
typedef void (*msb_completion_cb)(msb_completion *c, int status, void *ctx);

#define MSB_BACKEND_VTABLE_VERSION 2
typedef struct msb_backend_vtable {
	unsigned int version;     /**< MSB_BACKEND_VTABLE_VERSION */
	unsigned int struct_size; /**< sizeof(msb_backend_vtable) */
	unsigned int flags;       /**< MSB_BACKEND_* */

	/** Synchronous: fill out, return 0 or a negative code. */
	int (*generate)(const msb_request *req, msb_completion *out, void *userdata);

	/**
	 * Asynchronous: start a request and return at once (0), or fail at
	 * once (negative; `done` is then not called). The request's strings
	 * must be copied if needed after return. `done` is called exactly
	 * once from within `poll`.
	 */
	int (*submit)(const msb_request *req, msb_completion *out, msb_completion_cb done,
	    void *done_ctx, void *userdata);
	/**
	 * Drive asynchronous work for up to timeout_ms (0: do not wait),
	 * calling `done` for finished requests. Returns the number of
	 * requests still in flight, or a negative code. Called from one thread.
	 */
	int (*poll)(int timeout_ms, void *userdata);
	/** Make a concurrent `poll` return early. Must be thread-safe. */
	void (*wakeup)(void *userdata);
	/**
	 * How many requests the backend wants in flight now, in total (those
	 * already submitted included): adaptive limits such as AIMD on 429.
	 * NULL or a value <= 0 means no limit of its own. Submitting more is
	 * not an error (the HTTP backend queues them).
	 */
	int (*capacity)(void *userdata);

	/** Identity string for provenance and cache keys; valid while the backend lives. */
	const char *(*identity)(void *userdata);
	/** Release userdata when the backend is freed. */
	void (*free)(void *userdata);

	/* ---- version 2: one poll set for hosts with their own event loop ---- */
	/**
	 * A file descriptor that becomes readable when `poll` has work (a
	 * response arrived, a submission from another thread, a wakeup):
	 * e.g. an epoll fd. The host waits on it (with the timeout below)
	 * and then calls poll(0). -1 or NULL: none (the host must poll).
	 */
	int (*fd)(void *userdata);
	/**
	 * Milliseconds until `poll` must be called even if the fd stays
	 * quiet (timers, retry backoff, queued requests): 0 = now, -1 = no
	 * timer. Valid after the last submit or poll on the polling thread.
	 */
	int (*timeout)(void *userdata);
	/**
	 * The number of requests the host means to keep in flight: the
	 * backend sizes its window to it, unless it was given a lower
	 * explicit limit. Returns the ceiling in effect (> 0) or a negative code.
	 */
	int (*set_concurrency)(int n, void *userdata);
	/**
	 * Every queued and in-flight request ends with MSB_ECANCELED; their
	 * `done` callbacks run from within the next poll. Thread-safe.
	 */
	void (*cancel)(void *userdata);
	/**
	 * A dead endpoint: 1 (and a message without secrets in msg) when no
	 * request has succeeded yet and every request attempted so far
	 * failed with the same connection-level or non-retryable error; 0 otherwise.
	 */
	int (*dead)(char *msg, size_t size, void *userdata);
} msb_backend_vtable;

/**
 * A backend over a vtable. Takes ownership of userdata on success (the
 * vtable's free is called when the backend is freed); on failure the
 * caller keeps it. New: free with msb_backend_free.
 */
MSB_API int msb_backend_new(msb_backend **out, const msb_backend_vtable *vtable, void *userdata);

/** 1 when the backend has submit/poll slots. */
MSB_API int msb_backend_is_async(const msb_backend *b);

/* Direct access to the asynchronous slots (for hosts with their own loops). MSB_EUNSUPPORTED when absent. */
MSB_API int msb_backend_submit(msb_completion *out, msb_backend *b, const msb_request *req,
    msb_completion_cb done, void *done_ctx);
MSB_API int msb_backend_poll(msb_backend *b, int timeout_ms);
MSB_API void msb_backend_wakeup(msb_backend *b);
MSB_API int msb_backend_capacity(msb_backend *b);

/*
 * Driving a backend from a host's own event loop (libuv, asyncio, epoll):
 * wait until msb_backend_fd is readable or msb_backend_timeout ms have
 * passed, then call msb_backend_poll(b, 0). See docs/threading.md and
 * examples/event_loop.c.
 */
/** The backend's pollable fd, or -1 when it has none (then poll it yourself). */
MSB_API int msb_backend_fd(msb_backend *b);
/** Milliseconds until the backend must be polled anyway: 0 now, -1 no timer (or no slot). */
MSB_API int msb_backend_timeout(msb_backend *b);
/**
 * Tell the backend how many requests you keep in flight (its adaptive
 * window starts there and its ceiling defaults to it; an explicit lower
 * limit wins). Returns the ceiling in effect, 0 when the backend has no
 * window of its own, or a negative code.
 */
MSB_API int msb_backend_set_concurrency(msb_backend *b, int n);
/** End every queued and in-flight request with MSB_ECANCELED (from within the next poll). */
MSB_API void msb_backend_cancel(msb_backend *b);
/**
 * 1 when the endpoint looks dead (see the vtable's `dead`), with the
 * message in msg (NUL-terminated, truncated to size); 0 otherwise.
 */
MSB_API int msb_backend_dead(char *msg, size_t size, msb_backend *b);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_SYS_BACKEND_H */
