/*
 * lib/eval/eval_stage.c - layer 5 of the runner: one stage of a task (the
 * model's answer or the judge's verdict) run synchronously (on a worker)
 * or submitted to an asynchronous backend or judge, its result pushed to
 * the loop's completed queue. It does not decide what runs next
 * (eval_schedule.c does).
 */
#include <pthread.h>

#include "core/clock.h"
#include "backend/backend.h"
#include "judge/judge.h"
#include "eval/eval_request.h"
#include "eval/eval_stage.h"
#include "eval/eval_state.h"
#include "backend/completion.h"
#include "judge/verdict.h"
#include "dataset/dataset.h"

/* Run one stage synchronously (on a worker thread). */

void msb__task_run_sync(msb__task *t)
{
	msb_eval *ev = t->ev;

	if (t->stage == STAGE_MODEL) {
		msb_request r;
		msb_completion *c = NULL;
		msb__eval_build_request(ev, t, &r);
		t->status = msb_backend_generate(&c, ev->backend, &r);
		msb_completion_free(t->c);
		t->c = c;
	} else {
		msb_judge_input in;
		msb_verdict *v = NULL;
		msb__eval_build_judge_input(t, &in);
		t->status = msb_judge_evaluate(&v, ev->judge, &in);
		msb_verdict_free(t->v);
		t->v = v;
	}
}

/* ---- asynchronous stages ---- */

static void async_link(msb_eval *ev, msb__task *t)
{
	t->aprev = NULL;
	t->anext = ev->async_head;
	if (ev->async_head)
		ev->async_head->aprev = t;
	ev->async_head = t;
}

static void async_unlink(msb_eval *ev, msb__task *t)
{
	if (t->aprev)
		t->aprev->anext = t->anext;
	else
		ev->async_head = t->anext;
	if (t->anext)
		t->anext->aprev = t->aprev;
	t->aprev = t->anext = NULL;
}

void msb__eval_completed_push(msb_eval *ev, msb__task *t)
{
	pthread_mutex_lock(&ev->mu);
	msb__taskq_push(&ev->completed, t);
	pthread_mutex_unlock(&ev->mu);
}

/* Called from inside msb_backend_poll, on the loop thread. */
static void on_model_done(msb_completion *c, int status, void *ctx)
{
	msb__task *t = ctx;
	(void)c;
	async_unlink(t->ev, t);
	t->ev->async_model_inflight--;
	if (msb__completion_latency_ms(t->c) <= 0)
		msb_completion_set_latency_ms(t->c, msb__now_ms() - t->t0);
	if (msb__completion_attempts(t->c) <= 0)
		msb_completion_set_attempts(t->c, 1);
	t->status = msb__completion_settle(t->c, status);
	msb__eval_completed_push(t->ev, t);
}

static void on_judge_done(msb_verdict *v, int status, void *ctx)
{
	msb__task *t = ctx;
	(void)v;
	async_unlink(t->ev, t);
	t->ev->async_judge_inflight--;
	if (msb__verdict_latency_ms(t->v) <= 0)
		msb_verdict_set_latency_ms(t->v, msb__now_ms() - t->t0);
	if (msb__verdict_attempts(t->v) <= 0)
		msb_verdict_set_attempts(t->v, 1);
	t->status = msb__verdict_settle(t->v, status);
	msb__eval_completed_push(t->ev, t);
}

void msb__task_submit_async(msb_eval *ev, msb__task *t)
{
	int rc;

	async_link(ev, t);
	if (t->stage == STAGE_MODEL) {
		msb_request r;
		msb_completion_free(t->c);
		t->c = NULL;
		if ((rc = msb_completion_new(&t->c))) {
			async_unlink(ev, t);
			t->status = rc;
			msb__eval_completed_push(ev, t);
			return;
		}
		msb__eval_build_request(ev, t, &r);
		ev->async_model_inflight++;
		rc = msb_backend_submit(t->c, ev->backend, &r, on_model_done, t);
		if (rc < 0) { /* failed at once: `done` will not come */
			async_unlink(ev, t);
			ev->async_model_inflight--;
			t->status = msb__completion_settle(t->c, rc);
			msb__eval_completed_push(ev, t);
		}
	} else {
		msb_judge_input in;
		msb_verdict_free(t->v);
		t->v = NULL;
		if ((rc = msb_verdict_new(&t->v))) {
			async_unlink(ev, t);
			t->status = rc;
			msb__eval_completed_push(ev, t);
			return;
		}
		msb__eval_build_judge_input(t, &in);
		ev->async_judge_inflight++;
		rc = msb_judge_submit(t->v, ev->judge, &in, on_judge_done, t);
		if (rc < 0) {
			async_unlink(ev, t);
			ev->async_judge_inflight--;
			t->status = msb__verdict_settle(t->v, rc);
			msb__eval_completed_push(ev, t);
		}
	}
}
