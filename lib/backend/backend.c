/* lib/backend/backend.c - backend handles over vtables; host callbacks. */
#include <string.h>

#include "medsafety/sys/backend.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/slotcall.h"
#include "backend/backend.h"
#include "backend/completion.h"

static const msb_request default_request = MSB_REQUEST_INIT;

int msb_request_init(msb_request *req, unsigned int version)
{
	return msb__options_init(req, sizeof *req, &default_request, version,
	    MSB_REQUEST_VERSION, "msb_request");
}

int msb__request_check(const msb_request *req)
{
	int rc;

	if (!req)
		return msb__error_set(MSB_EINVAL, "NULL request");
	if ((rc = msb__check_version(req, MSB_REQUEST_VERSION, "msb_request")))
		return rc;
	if (!req->prompt)
		return msb__error_set(MSB_EINVAL, "request has no prompt");
	if (req->n_stop && !req->stop)
		return msb__error_set(MSB_EINVAL, "request: n_stop > 0 but stop is NULL");
	return 0;
}

int msb_backend_new(msb_backend **out, const msb_backend_vtable *vt, void *userdata)
{
	msb_backend *b;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_backend_new: NULL out");
	*out = NULL;
	b = msb__calloc(1, sizeof *b);
	if (!b)
		return MSB_ENOMEM;
	if ((rc = msb__vtable_copy(&b->vt, sizeof b->vt, vt, MSB_BACKEND_VTABLE_VERSION,
	         "msb_backend_vtable"))) {
		msb__free(b);
		return rc;
	}
	if (!b->vt.generate && !(b->vt.submit && b->vt.poll)) {
		msb__free(b);
		return msb__error_set(MSB_EINVAL,
		    "msb_backend_new: the vtable needs generate, or submit and poll");
	}
	if (pthread_mutex_init(&b->lock, NULL)) {
		msb__free(b);
		return msb__error_set(MSB_ERROR, "msb_backend_new: cannot create a mutex");
	}
	b->refcount = 1;
	b->userdata = userdata;
	*out = b;
	return 0;
}

msb_backend *msb__backend_ref(msb_backend *b)
{
	__atomic_add_fetch(&b->refcount, 1, __ATOMIC_RELAXED);
	return b;
}

void msb_backend_free(msb_backend *b)
{
	if (!b)
		return;
	if (__atomic_sub_fetch(&b->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (b->vt.free)
		b->vt.free(b->userdata);
	pthread_mutex_destroy(&b->lock);
	msb__free(b->name);
	msb__free(b);
}

const char *msb_backend_identity(const msb_backend *b)
{
	const char *id = NULL;

	if (!b)
		return NULL;
	if (b->vt.identity)
		id = b->vt.identity(b->userdata);
	if (!id)
		id = b->name ? b->name : "backend";
	return id;
}

int msb_backend_is_async(const msb_backend *b)
{
	return b && b->vt.submit && b->vt.poll;
}

int msb__completion_settle(msb_completion *c, int rc)
{
	if (rc > 0)
		rc = 0;
	if (rc < 0 && !c->error_code) {
		const msb_error *e = msb_error_last();
		const char *msg = e->code == rc ? e->message : msb_strerror(rc);
		msb_completion_set_error(c, rc, rc == MSB_EUSER ? "user" : "error", msg);
	}
	if (rc == 0 && c->error_code)
		rc = c->error_code;
	/* no text, or "": no answer (never a refusal), as on the HTTP path (openai_parse.c) */
	if (rc == 0 && (!c->text || !c->text[0])) {
		rc = msb__completion_set_empty(c, MSB_EUSER,
		    c->text ? "the backend returned \"\"" : "the backend returned no text");
		if (rc != MSB_ENOMEM)
			rc = MSB_EUSER;
	}
	return rc;
}

/* One msb_backend_generate call, for the slot adapters. */
typedef struct {
	msb_backend *b;
	const msb_request *req;
	msb_completion *c;
} generate_op;

static int op_generate(void *p)
{
	generate_op *op = p;
	return op->b->vt.generate(op->req, op->c, op->b->userdata);
}

static void op_done(msb_completion *c, int status, void *w)
{
	(void)c;
	msb__slot_wait_done(w, status);
}

static int op_submit(void *p, msb__slot_wait *w)
{
	generate_op *op = p;
	return op->b->vt.submit(op->req, op->c, op_done, w, op->b->userdata);
}

/* Through the synchronous slot, or submit + poll: see msb__slot_call_run. */
static int call_slots(msb_backend *b, const msb_request *req, msb_completion *c)
{
	generate_op op = { b, req, c };
	const msb__slot_call sc = {
		.call = b->vt.generate ? op_generate : NULL,
		.submit = op_submit,
		.poll = b->vt.poll,
		.userdata = b->userdata,
		.lock = &b->lock,
		.threadsafe = (b->vt.flags & MSB_BACKEND_THREADSAFE) != 0,
	};
	return msb__slot_call_run(&sc, &op, &c->latency_ms, &c->attempts);
}

int msb_backend_generate(msb_completion **out, msb_backend *b, const msb_request *req)
{
	msb_completion *c;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_backend_generate: NULL out");
	*out = NULL;
	if (!b)
		return msb__error_set(MSB_EINVAL, "msb_backend_generate: NULL backend");
	if ((rc = msb__request_check(req)))
		return rc;
	if ((rc = msb_completion_new(&c)))
		return rc;
	rc = call_slots(b, req, c);
	rc = msb__completion_settle(c, rc);
	*out = c;
	if (rc)
		msb__error_set(rc, "%s", c->error_message ? c->error_message : msb_strerror(rc));
	return rc;
}

int msb_backend_submit(msb_completion *out, msb_backend *b, const msb_request *req,
    msb_completion_cb done, void *done_ctx)
{
	int rc;

	if (!b || !out || !done)
		return msb__error_set(MSB_EINVAL, "msb_backend_submit: NULL argument");
	if (!b->vt.submit)
		return msb__error_set(MSB_EUNSUPPORTED, "backend %s is not asynchronous",
		    msb_backend_identity(b));
	if ((rc = msb__request_check(req)))
		return rc;
	return b->vt.submit(req, out, done, done_ctx, b->userdata);
}

int msb_backend_poll(msb_backend *b, int timeout_ms)
{
	if (!b)
		return msb__error_set(MSB_EINVAL, "msb_backend_poll: NULL backend");
	if (!b->vt.poll)
		return msb__error_set(MSB_EUNSUPPORTED, "backend %s is not asynchronous",
		    msb_backend_identity(b));
	return b->vt.poll(timeout_ms, b->userdata);
}

void msb_backend_wakeup(msb_backend *b)
{
	if (b && b->vt.wakeup)
		b->vt.wakeup(b->userdata);
}

int msb_backend_capacity(msb_backend *b)
{
	if (!b || !b->vt.capacity)
		return 0;
	return b->vt.capacity(b->userdata);
}

int msb_backend_fd(msb_backend *b)
{
	if (!b || !b->vt.fd)
		return -1;
	return b->vt.fd(b->userdata);
}

int msb_backend_timeout(msb_backend *b)
{
	if (!b || !b->vt.timeout)
		return -1;
	return b->vt.timeout(b->userdata);
}

int msb_backend_set_concurrency(msb_backend *b, int n)
{
	if (!b)
		return msb__error_set(MSB_EINVAL, "msb_backend_set_concurrency: NULL backend");
	if (n <= 0)
		return msb__error_set(MSB_EINVAL, "msb_backend_set_concurrency: %d is not > 0", n);
	if (!b->vt.set_concurrency)
		return 0;
	return b->vt.set_concurrency(n, b->userdata);
}

void msb_backend_cancel(msb_backend *b)
{
	if (b && b->vt.cancel)
		b->vt.cancel(b->userdata);
}

int msb_backend_dead(char *msg, size_t size, msb_backend *b)
{
	if (msg && size)
		msg[0] = '\0';
	if (!b || !b->vt.dead || !msg || !size)
		return 0;
	return b->vt.dead(msg, size, b->userdata) > 0;
}

/* ---- host callback backend ---- */

typedef struct {
	msb_generate_fn fn;
	void *userdata;
	char *name;
} callback_backend;

static int cb_generate(const msb_request *req, msb_completion *out, void *ud)
{
	callback_backend *cb = ud;
	return cb->fn(req, out, cb->userdata);
}

static const char *cb_identity(void *ud)
{
	return ((callback_backend *)ud)->name;
}

static void cb_free(void *ud)
{
	callback_backend *cb = ud;
	msb__free(cb->name);
	msb__free(cb);
}

int msb_backend_from_callback(msb_backend **out, const char *name, msb_generate_fn fn,
    void *userdata, unsigned int flags)
{
	msb_backend_vtable vt;
	callback_backend *cb;
	int rc;

	if (!out || !fn)
		return msb__error_set(MSB_EINVAL, "msb_backend_from_callback: NULL out or function");
	*out = NULL;
	cb = msb__calloc(1, sizeof *cb);
	if (!cb)
		return MSB_ENOMEM;
	cb->fn = fn;
	cb->userdata = userdata;
	cb->name = msb__strdup(name ? name : "callback");
	if (!cb->name) {
		msb__free(cb);
		return MSB_ENOMEM;
	}
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = flags;
	vt.generate = cb_generate;
	vt.identity = cb_identity;
	vt.free = cb_free;
	if ((rc = msb_backend_new(out, &vt, cb)))
		cb_free(cb);
	return rc;
}

size_t msb__identity_model_len(const char *identity)
{
	const char *q, *at = NULL;

	if (!identity)
		return 0;
	for (q = strstr(identity, "@http"); q; q = strstr(q + 1, "@http"))
		if (!strncmp(q, "@http://", 8) || !strncmp(q, "@https://", 9))
			at = q;
	return at ? (size_t)(at - identity) : strlen(identity);
}
