/* lib/core/slotcall.c - a blocking call over synchronous or submit + poll slots. */
#include "core/clock.h"
#include "core/slotcall.h"

void msb__slot_wait_done(msb__slot_wait *w, int status)
{
	w->done = 1;
	w->status = status;
}

static int run_async(const msb__slot_call *sc, void *op)
{
	msb__slot_wait w = { 0, 0 };
	int rc;

	rc = sc->submit(op, &w);
	while (rc == 0 && !w.done) {
		int n = sc->poll(100, sc->userdata);
		/* Once our call is done, its own status stands even if poll fails. */
		if (n < 0 && !w.done) {
			rc = n;
			break;
		}
	}
	if (rc == 0)
		rc = w.status;
	return rc;
}

int msb__slot_call_run(const msb__slot_call *sc, void *op, double *latency_ms, int *attempts)
{
	double t0 = msb__now_ms();
	int rc;

	if (sc->call) {
		if (!sc->threadsafe)
			pthread_mutex_lock(sc->lock);
		rc = sc->call(op);
		if (!sc->threadsafe)
			pthread_mutex_unlock(sc->lock);
	} else {
		pthread_mutex_lock(sc->lock);
		rc = run_async(sc, op);
		pthread_mutex_unlock(sc->lock);
	}
	if (*latency_ms <= 0)
		*latency_ms = msb__now_ms() - t0;
	if (*attempts <= 0)
		*attempts = 1;
	return rc;
}
