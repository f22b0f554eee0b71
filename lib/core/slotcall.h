/*
 * lib/core/slotcall.h - one blocking call through a vtable that has a
 * synchronous slot, or asynchronous submit + poll slots. Backends and
 * judges share these rules, so they live here once.
 */
#ifndef MSB_CORE_SLOTCALL_H
#define MSB_CORE_SLOTCALL_H

#include <pthread.h>

/* Where a submitted call reports that it is done. */
typedef struct msb__slot_wait {
	int done;
	int status;
} msb__slot_wait;

/* Record that the submitted call finished with status; for the module's typed done callback. */
void msb__slot_wait_done(msb__slot_wait *w, int status);

/*
 * The slots of one vtable, reached through small typed adapters in the
 * module; op (the module's own struct: handle, input, output) is passed
 * to them unchanged.
 */
typedef struct msb__slot_call {
	/* The synchronous slot, or NULL to use submit + poll. */
	int (*call)(void *op);
	/*
	 * Start the call; its done callback must call msb__slot_wait_done(w,
	 * status) from within poll. 0, or a negative code (no done then).
	 */
	int (*submit)(void *op, msb__slot_wait *w);
	int (*poll)(int timeout_ms, void *userdata);
	void *userdata;         /* for poll */
	pthread_mutex_t *lock;  /* serialises calls into the vtable */
	int threadsafe;         /* call may run concurrently: no lock around it */
} msb__slot_call;

/*
 * Run op through the slots and wait for it. The lock is held around a
 * synchronous call unless threadsafe, and always around submit + poll
 * (poll runs on one thread at a time). Afterwards *latency_ms (when the
 * slot left it <= 0: the wall time of the call) and *attempts (when <= 0:
 * 1) are filled in. Returns what the slot returned or reported: 0, a
 * negative code, or (from a synchronous slot) a positive value.
 */
int msb__slot_call_run(const msb__slot_call *sc, void *op, double *latency_ms, int *attempts);

#endif
