/* lib/judge/judge.c - judge handles over vtables; host callback judges. */
#include <string.h>

#include "medsafety/sys/judge.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/slotcall.h"
#include "judge/judge.h"
#include "judge/verdict.h"

static const msb_judge_input default_input = MSB_JUDGE_INPUT_INIT;

int msb_judge_input_init(msb_judge_input *in, unsigned int version)
{
	return msb__options_init(in, sizeof *in, &default_input, version,
	    MSB_JUDGE_INPUT_VERSION, "msb_judge_input");
}

int msb__judge_input_check(const msb_judge_input *in)
{
	int rc;

	if (!in)
		return msb__error_set(MSB_EINVAL, "NULL judge input");
	if ((rc = msb__check_version(in, MSB_JUDGE_INPUT_VERSION, "msb_judge_input")))
		return rc;
	if (!in->prompt || !in->response)
		return msb__error_set(MSB_EINVAL, "judge input needs a prompt and a response");
	return 0;
}

int msb_judge_new(msb_judge **out, const msb_judge_vtable *vt, void *userdata)
{
	msb_judge *j;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_judge_new: NULL out");
	*out = NULL;
	j = msb__calloc(1, sizeof *j);
	if (!j)
		return MSB_ENOMEM;
	if ((rc = msb__vtable_copy(&j->vt, sizeof j->vt, vt, MSB_JUDGE_VTABLE_VERSION,
	         "msb_judge_vtable"))) {
		msb__free(j);
		return rc;
	}
	if (!j->vt.judge && !(j->vt.submit && j->vt.poll)) {
		msb__free(j);
		return msb__error_set(MSB_EINVAL, "msb_judge_new: the vtable needs judge, or submit and poll");
	}
	if (pthread_mutex_init(&j->lock, NULL)) {
		msb__free(j);
		return msb__error_set(MSB_ERROR, "msb_judge_new: cannot create a mutex");
	}
	j->refcount = 1;
	j->userdata = userdata;
	*out = j;
	return 0;
}

msb_judge *msb__judge_ref(msb_judge *j)
{
	__atomic_add_fetch(&j->refcount, 1, __ATOMIC_RELAXED);
	return j;
}

void msb_judge_free(msb_judge *j)
{
	if (!j)
		return;
	if (__atomic_sub_fetch(&j->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (j->vt.free)
		j->vt.free(j->userdata);
	pthread_mutex_destroy(&j->lock);
	msb__free(j->name);
	msb__free(j);
}

const char *msb_judge_name(const msb_judge *j)
{
	const char *n = NULL;

	if (!j)
		return NULL;
	if (j->vt.name)
		n = j->vt.name(j->userdata);
	return n ? n : (j->name ? j->name : "judge");
}

const char *msb_judge_config_hash(const msb_judge *j)
{
	return j && j->vt.config_hash ? j->vt.config_hash(j->userdata) : NULL;
}

int msb_judge_is_async(const msb_judge *j)
{
	return j && j->vt.submit && j->vt.poll;
}

int msb__verdict_settle(msb_verdict *v, int rc)
{
	if (rc > 0)
		rc = 0;
	if (rc < 0 && !v->error_code) {
		const msb_error *e = msb_error_last();
		msb_verdict_set_error(v, rc, rc == MSB_EUSER ? "user" : "error",
		    e->code == rc ? e->message : msb_strerror(rc));
	}
	if (rc == 0 && v->error_code)
		rc = v->error_code;
	return rc;
}

/* One msb_judge_evaluate call, for the slot adapters. */
typedef struct {
	msb_judge *j;
	const msb_judge_input *in;
	msb_verdict *v;
} evaluate_op;

static int op_judge(void *p)
{
	evaluate_op *op = p;
	return op->j->vt.judge(op->in, op->v, op->j->userdata);
}

static void op_done(msb_verdict *v, int status, void *w)
{
	(void)v;
	msb__slot_wait_done(w, status);
}

static int op_submit(void *p, msb__slot_wait *w)
{
	evaluate_op *op = p;
	return op->j->vt.submit(op->in, op->v, op_done, w, op->j->userdata);
}

/* Through the synchronous slot, or submit + poll: see msb__slot_call_run. */
static int call_slots(msb_judge *j, const msb_judge_input *in, msb_verdict *v)
{
	evaluate_op op = { j, in, v };
	const msb__slot_call sc = {
		.call = j->vt.judge ? op_judge : NULL,
		.submit = op_submit,
		.poll = j->vt.poll,
		.userdata = j->userdata,
		.lock = &j->lock,
		.threadsafe = (j->vt.flags & MSB_JUDGE_THREADSAFE) != 0,
	};
	return msb__slot_call_run(&sc, &op, &v->latency_ms, &v->attempts);
}

int msb_judge_evaluate(msb_verdict **out, msb_judge *j, const msb_judge_input *in)
{
	msb_verdict *v;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_judge_evaluate: NULL out");
	*out = NULL;
	if (!j)
		return msb__error_set(MSB_EINVAL, "msb_judge_evaluate: NULL judge");
	if ((rc = msb__judge_input_check(in)))
		return rc;
	if ((rc = msb_verdict_new(&v)))
		return rc;
	rc = call_slots(j, in, v);
	rc = msb__verdict_settle(v, rc);
	*out = v;
	if (rc)
		msb__error_set(rc, "%s", v->error_message ? v->error_message : msb_strerror(rc));
	return rc;
}

int msb_judge_submit(msb_verdict *out, msb_judge *j, const msb_judge_input *in, msb_verdict_cb done,
    void *done_ctx)
{
	int rc;

	if (!j || !out || !done)
		return msb__error_set(MSB_EINVAL, "msb_judge_submit: NULL argument");
	if (!j->vt.submit)
		return msb__error_set(MSB_EUNSUPPORTED, "judge %s is not asynchronous", msb_judge_name(j));
	if ((rc = msb__judge_input_check(in)))
		return rc;
	return j->vt.submit(in, out, done, done_ctx, j->userdata);
}

int msb_judge_poll(msb_judge *j, int timeout_ms)
{
	if (!j)
		return msb__error_set(MSB_EINVAL, "msb_judge_poll: NULL judge");
	if (!j->vt.poll)
		return msb__error_set(MSB_EUNSUPPORTED, "judge %s is not asynchronous", msb_judge_name(j));
	return j->vt.poll(timeout_ms, j->userdata);
}

void msb_judge_wakeup(msb_judge *j)
{
	if (j && j->vt.wakeup)
		j->vt.wakeup(j->userdata);
}

int msb_judge_capacity(msb_judge *j)
{
	return j && j->vt.capacity ? j->vt.capacity(j->userdata) : 0;
}

int msb_judge_fd(msb_judge *j)
{
	return j && j->vt.fd ? j->vt.fd(j->userdata) : -1;
}

int msb_judge_timeout(msb_judge *j)
{
	return j && j->vt.timeout ? j->vt.timeout(j->userdata) : -1;
}

/* ---- host callback judge ---- */

typedef struct {
	msb_judge_fn fn;
	void *userdata;
	char *name;
} callback_judge;

static int cb_judge(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	callback_judge *cb = ud;
	return cb->fn(in, out, cb->userdata);
}

static const char *cb_name(void *ud)
{
	return ((callback_judge *)ud)->name;
}

static void cb_free(void *ud)
{
	callback_judge *cb = ud;
	msb__free(cb->name);
	msb__free(cb);
}

int msb_judge_from_callback(msb_judge **out, const char *name, msb_judge_fn fn, void *userdata,
    unsigned int flags)
{
	msb_judge_vtable vt;
	callback_judge *cb;
	int rc;

	if (!out || !fn)
		return msb__error_set(MSB_EINVAL, "msb_judge_from_callback: NULL out or function");
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
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = flags;
	vt.judge = cb_judge;
	vt.name = cb_name;
	vt.free = cb_free;
	if ((rc = msb_judge_new(out, &vt, cb)))
		cb_free(cb);
	return rc;
}
