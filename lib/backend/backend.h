/* lib/backend/backend.h - the backend handle (internal). */
#ifndef MSB_BACKEND_BACKEND_H
#define MSB_BACKEND_BACKEND_H

#include <pthread.h>

#include "medsafety/sys/backend.h"

struct msb_backend {
	int refcount;              /* atomic */
	msb_backend_vtable vt;     /* the caller's vtable, copied */
	void *userdata;
	pthread_mutex_t lock;      /* serialises generate when not THREADSAFE */
	char *name;                /* identity when vt.identity is NULL */
};

/* Take a reference (judges that call a backend hold one). */
msb_backend *msb__backend_ref(msb_backend *b);

/* Validate a request; 0 or MSB_EINVAL/MSB_EVERSION. */
int msb__request_check(const msb_request *req);

/*
 * After a backend call returned rc: make sure the completion carries the
 * error (code, kind, message) when rc < 0, and an error when rc == 0 but
 * there is no text. Returns the final status.
 */
int msb__completion_settle(msb_completion *c, int rc);

/*
 * How much of a backend identity names what decides the answers: all of
 * it but a trailing "@http://..." or "@https://..." (the server: where
 * the model is served, provenance only). "openai:llama@http://a:8000/v1"
 * and "openai:llama@http://b:8000/v1" are one model on two replicas; the
 * configuration hash and the response cache key use this prefix.
 */
size_t msb__identity_model_len(const char *identity);

/*
 * Requests the backend holds back for a retry time (backoff, Retry-After):
 * taken but not in flight; the runner does not count them against its
 * window. 0 for a backend that does not say (openai_engine.c).
 */
int msb__backend_parked(const msb_backend *b);

#endif
