/*
 * lib/eval/eval_schedule.c - layer 7 of the runner: what runs next. It
 * starts work units within the concurrency windows, the budget and the
 * cap on live tasks, takes stored answers and cached results, moves each
 * answer on to the judge, retries, holds back a stage's failures until
 * its first success, and hands finished units to the journal's queue.
 * Everything here runs on the loop's thread (eval_run.c).
 */
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "backend/backend.h"
#include "judge/judge.h"
#include "dataset/dataset.h"
#include "eval/eval_cache.h"
#include "eval/eval_folder.h"
#include "eval/eval_pool.h"
#include "eval/eval_request.h"
#include "eval/eval_schedule.h"
#include "eval/eval_stage.h"
#include "eval/eval_state.h"
#include "backend/completion.h"
#include "judge/verdict.h"

static void finish_task(msb_eval *ev, msb__task *t)
{
	t->stage = STAGE_DONE;
	ev->done[t->unit] = 1;
	ev->st.finished++;
	ev->st.done++;
	if (t->status < 0 || !t->c || msb__completion_error_code(t->c) ||
	    (t->v && msb__verdict_error_code(t->v)))
		ev->st.errors++;
	msb__taskq_push(&ev->finished, t);
}

static void start_stage(msb_eval *ev, msb__task *t)
{
	t->t0 = msb__now_ms();
	if (t->stage == STAGE_MODEL) {
		t->model_attempts++;
		ev->st.model_requests++;
		ev->model_inflight++;
		if (ev->backend_async)
			msb__task_submit_async(ev, t);
		else
			msb__pool_push(ev, t);
	} else {
		t->judge_attempts++;
		ev->st.judge_requests++;
		ev->judge_inflight++;
		if (ev->judge_async) {
			msb__task_submit_async(ev, t);
		} else if (ev->judge_inline) {
			msb__task_run_sync(t); /* a fast judge: no hop to a worker and back */
			msb__eval_completed_push(ev, t);
		} else {
			msb__pool_push(ev, t);
		}
	}
}

static int budget_left(msb_eval *ev)
{
	if (ev->o.max_requests > 0 && (long long)ev->st.model_requests >= ev->o.max_requests)
		ev->budget_hit = 1;
	if (ev->o.max_total_tokens > 0 &&
	    ev->st.prompt_tokens + ev->st.completion_tokens >= ev->o.max_total_tokens)
		ev->budget_hit = 1;
	return !ev->budget_hit;
}

static long long est_tokens(const char *s)
{
	return s ? (long long)(strlen(s) + 3) / 4 : 0;
}

static void count_tokens(msb_eval *ev, const msb__task *t)
{
	long long p = msb__completion_prompt_tokens(t->c), c = msb__completion_completion_tokens(t->c);

	if (p < 0)
		p = est_tokens(ev->system_prompt) + est_tokens(msb__item_prompt(t->item));
	if (c < 0)
		c = est_tokens(msb__completion_text(t->c));
	ev->st.prompt_tokens += p;
	ev->st.completion_tokens += c;
}

/*
 * Until a stage has had one success, its failures are held back from the
 * journal: if they turn out to be a dead endpoint (fail fast), the run
 * stops without records for them and resumes as it was; otherwise they
 * are written as soon as one call of that stage succeeds, or at the end.
 */
static void release(msb_eval *ev, msb__taskq *q)
{
	msb__task *t;

	while ((t = msb__taskq_pop(q)))
		finish_task(ev, t);
}

static void finish_failed(msb_eval *ev, msb__task *t, int judge)
{
	msb__taskq *q = judge ? &ev->held_judge : &ev->held_model;
	int *over = judge ? &ev->judge_hold_over : &ev->model_hold_over;
	size_t most = 2 * (size_t)(judge ? ev->o.judge_concurrency : ev->o.concurrency) + 64;

	if (*over || (judge ? !ev->judge_backend || ev->judge_ok_seen : !ev->backend_async || ev->model_ok_seen)) {
		finish_task(ev, t);
		return;
	}
	msb__taskq_push(q, t);
	if (q->n > most) { /* far more than the first requests: not a dead endpoint, write them */
		*over = 1;
		release(ev, q);
	}
}

void msb__eval_release_held(msb_eval *ev)
{
	release(ev, &ev->held_model);
	release(ev, &ev->held_judge);
}

/* Put a model response on its way: the judge, or the journal. */
static void after_model(msb_eval *ev, msb__task *t)
{
	if (ev->judge) {
		t->stage = STAGE_JUDGE;
		msb__taskq_push(&ev->judge_wait, t);
	} else {
		finish_task(ev, t);
	}
}

void msb__eval_handle(msb_eval *ev, msb__task *t)
{
	if (t->stage == STAGE_MODEL) {
		ev->model_inflight--;
		t->model_ms += msb__now_ms() - t->t0;
		if (t->c)
			count_tokens(ev, t);
		if (t->status == 0) {
			ev->model_ok_seen = 1;
			release(ev, &ev->held_model);
			if (!t->model_cached)
				msb__answers_put(ev, t); /* a paid answer: in the kernel within this loop turn */
			if (ev->cache_dir) {
				msb_request r;
				char key[65];
				msb__eval_build_request(ev, t, &r);
				msb__cache_model_key(ev, &r, key);
				msb__cache_put_model(ev->cache_dir, key, t->c);
			}
			after_model(ev, t);
		} else if (t->model_attempts <= ev->o.retries && !msb__eval_stopping(ev) && budget_left(ev)) {
			start_stage(ev, t);
		} else {
			finish_failed(ev, t, 0);
		}
		budget_left(ev);
	} else {
		ev->judge_inflight--;
		t->judge_ms += msb__now_ms() - t->t0;
		if (t->status == 0) {
			ev->judge_ok_seen = 1;
			release(ev, &ev->held_judge);
		}
		if (t->status == 0 && ev->cache_dir) {
			msb_judge_input in;
			char key[65];
			msb__eval_build_judge_input(t, &in);
			msb__cache_judge_key(ev, &in, key);
			msb__cache_put_judge(ev->cache_dir, key, t->v);
		}
		if (t->status < 0 && t->judge_attempts <= ev->o.retries && !msb__eval_cancelled(ev))
			start_stage(ev, t);
		else if (t->status < 0)
			finish_failed(ev, t, 1);
		else
			finish_task(ev, t);
	}
}

static msb__task *new_task(msb_eval *ev, size_t unit)
{
	msb__task *t = msb__calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->ev = ev;
	t->unit = unit;
	t->sample = (int)(unit % (size_t)ev->o.epochs);
	t->item = msb_dataset_item(ev->ds, unit / (size_t)ev->o.epochs);
	t->stage = STAGE_MODEL;
	return t;
}

/* A cached generation: 1 when found (the task moves on). */
static int model_from_cache(msb_eval *ev, msb__task *t)
{
	msb_request r;
	char key[65];

	if (!ev->cache_dir)
		return 0;
	msb__eval_build_request(ev, t, &r);
	msb__cache_model_key(ev, &r, key);
	if (msb_completion_new(&t->c))
		return 0;
	if (!msb__cache_get_model(ev->cache_dir, key, t->c)) {
		msb_completion_free(t->c);
		t->c = NULL;
		return 0;
	}
	t->model_cached = 1;
	t->model_attempts = 0;
	ev->st.cache_hits++;
	return 1;
}

static int judge_from_cache(msb_eval *ev, msb__task *t)
{
	msb_judge_input in;
	char key[65];

	if (!ev->cache_dir && !ev->batch_verdicts)
		return 0;
	msb__eval_build_judge_input(t, &in);
	msb__cache_judge_key(ev, &in, key);
	if (msb_verdict_new(&t->v))
		return 0;
	/* a verdict of a batch judge stage (lib/eval/batch.c) comes first: it is this run's */
	if (ev->batch_verdicts && msb__cache_get_judge(ev->batch_verdicts, key, t->v)) {
		t->judge_cached = 1;
		t->judge_batch = 1; /* paid by this folder (a batch): no cache hit */
		return 1;
	}
	if (!(ev->cache_dir && msb__cache_get_judge(ev->cache_dir, key, t->v))) {
		msb_verdict_free(t->v);
		t->v = NULL;
		return 0;
	}
	t->judge_cached = 1;
	ev->st.cache_hits++;
	return 1;
}

static size_t live(const msb_eval *ev)
{
	return __atomic_load_n(&ev->live, __ATOMIC_SEQ_CST);
}

/* Start what the limits allow. */
/*
 * A backend's capacity() is its own window of requests in flight (e.g.
 * AIMD after HTTP 429): the runner keeps within the smaller of it and
 * the option.
 */
static size_t window(size_t opt, int capacity)
{
	return capacity > 0 && (size_t)capacity < opt ? (size_t)capacity : opt;
}

/* The room a backend's own window leaves to one stage, when model and judge share it. */
static int shared_room(msb_eval *ev, size_t other_inflight)
{
	int cap = msb_backend_capacity(ev->backend);

	if (cap <= 0)
		return 0;
	return (size_t)cap > other_inflight ? cap - (int)other_inflight : 1;
}

/*
 * A stage's requests in flight: those the runner handed to the backend,
 * less those the backend holds back for a retry time (parked: they wait,
 * no server works on them). A backend shared by model and judge is
 * counted whole (its parked requests are not split by stage).
 */
size_t msb__eval_flying(const msb_eval *ev, size_t inflight, const msb_backend *b)
{
	size_t parked = b && !ev->judge_shared ? (size_t)msb__backend_parked(b) : 0;

	return inflight > parked ? inflight - parked : 0;
}

static void schedule_judges(msb_eval *ev)
{
	size_t m = window((size_t)(ev->judge_window > 0 ? ev->judge_window : ev->o.judge_concurrency),
	    !ev->judge ? 0 : ev->judge_shared ? shared_room(ev, ev->model_inflight)
	                                      : msb_judge_capacity(ev->judge));

	/* after a cancel too: answers already paid for are judged within the grace period */
	while (!ev->fatal && ev->judge_wait.n && msb__eval_flying(ev, ev->judge_inflight, ev->judge_backend) < m) {
		msb__task *t = msb__taskq_pop(&ev->judge_wait);
		if (judge_from_cache(ev, t))
			finish_task(ev, t);
		else
			start_stage(ev, t);
	}
}

void msb__eval_schedule(msb_eval *ev)
{
	/* a model+judge backend's own window (AIMD) covers both stages */
	size_t n = window((size_t)(ev->model_window > 0 ? ev->model_window : ev->o.concurrency),
	    ev->judge_shared ? shared_room(ev, ev->judge_inflight) : msb_backend_capacity(ev->backend));

	__atomic_store_n(&ev->cap_blocked, 0, __ATOMIC_SEQ_CST);
	schedule_judges(ev);
	while (!msb__eval_stopping(ev) &&
	    msb__eval_flying(ev, ev->model_inflight, ev->backend_async ? ev->backend : NULL) < n &&
	    ev->cursor < ev->total &&
	    live(ev) < ev->cap) {
		msb__task *t;
		size_t unit = ev->cursor;
		if (ev->done[unit]) {
			ev->cursor++;
			continue;
		}
		if (!(t = new_task(ev, unit))) {
			ev->stop_rc = MSB_ENOMEM;
			break;
		}
		__atomic_add_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
		if (msb__answers_take(ev, t) || model_from_cache(ev, t)) {
			ev->cursor++;
			after_model(ev, t);
			continue;
		}
		if (!budget_left(ev)) {
			__atomic_sub_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
			msb__task_free(t);
			break;
		}
		ev->cursor++;
		start_stage(ev, t);
	}
	if (ev->cursor < ev->total && live(ev) >= ev->cap)
		__atomic_store_n(&ev->cap_blocked, 1, __ATOMIC_SEQ_CST); /* the writer wakes us */
	schedule_judges(ev);
}
