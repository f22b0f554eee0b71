/*
 * lib/eval/eval.c - the run handle and its event loop.
 *
 * One thread (the caller of msb_eval_run) owns the schedule: it starts
 * work units, submits to asynchronous backends and judges and polls
 * them, hands synchronous calls to the worker pool, moves each response
 * on to the judge as soon as it arrives, and hands finished units to the
 * journal writer. Everything the loop owns is touched by it alone; the
 * workers and the writer meet it only through locked task queues.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "medsafety/sys/backend.h"
#include "medsafety/sys/judge.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/sha256.h"
#include "backend/backend.h"
#include "judge/judge.h"
#include "dataset/dataset.h"
#include "eval/eval.h"
#include "backend/completion.h"
#include "judge/verdict.h"

static int dup_opt(char **dst, const char *src)
{
	return msb__strdup_opt(dst, src) ? MSB_ENOMEM : 0;
}

/* run.json's dataset hash: the dataset module's provenance hash */
static int set_dataset_hash(msb_eval *ev, const msb_dataset *ds)
{
	char *hex;
	int rc = msb_dataset_hash(ds, &hex);

	if (rc)
		return rc;
	memcpy(ev->dataset_hash, hex, 65);
	msb_free(hex);
	return 0;
}

int msb_eval_new(msb_eval **out, const msb_dataset *ds, msb_backend *backend, msb_judge *judge,
    const msb_eval_options *opts)
{
	msb_eval *ev;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_eval_new: NULL out");
	*out = NULL;
	if (!ds || !backend)
		return msb__error_set(MSB_EINVAL, "msb_eval_new: a dataset and a backend are needed");
	if ((rc = msb__check_version(opts, MSB_EVAL_OPTIONS_VERSION, "msb_eval_options")))
		return rc;
	ev = msb__calloc(1, sizeof *ev);
	if (!ev)
		return MSB_ENOMEM;
	msb__eval_options_effective(&ev->o, opts); /* options.c: by version, every field explicit */
	ev->efd = -1;
	ev->lock_fd = -1;
	ev->journal.fd = -1;
	ev->loop_epfd = -1;
	ev->answers_fd = -1;
	if (!ev->o.dry_run && !ev->o.out_dir) {
		msb__free(ev);
		return msb__error_set(MSB_EINVAL, "msb_eval_new: out_dir is required (unless dry_run)");
	}
	if (ev->o.concurrency <= 0)
		ev->o.concurrency = 16;
	if (ev->o.judge_concurrency <= 0)
		ev->o.judge_concurrency = 16;
	if (ev->o.epochs <= 0)
		ev->o.epochs = 1;
	if (ev->o.retries < 0)
		ev->o.retries = 0;
	if (ev->o.progress_interval_ms <= 0)
		ev->o.progress_interval_ms = 500;
	if (ev->o.fsync_interval_ms < 0)
		ev->o.fsync_interval_ms = 1000;
	if (ev->o.cancel_grace_ms < 0)
		ev->o.cancel_grace_ms = 0;
	if (dup_opt(&ev->out_dir, ev->o.out_dir) || dup_opt(&ev->cache_dir, ev->o.cache_dir) ||
	    dup_opt(&ev->system_prompt,
	        ev->o.system_prompt ? ev->o.system_prompt : MSB_EVAL_DEFAULT_SYSTEM_PROMPT)) {
		msb_eval_free(ev);
		return MSB_ENOMEM;
	}
	ev->o.out_dir = ev->out_dir;
	ev->o.cache_dir = ev->cache_dir;
	ev->o.system_prompt = ev->system_prompt;
	if (ev->o.config_json) {
		json_error_t jerr;
		ev->config = json_loads(ev->o.config_json, 0, &jerr);
		if (!json_is_object(ev->config)) {
			int parsed = ev->config != NULL;
			msb_eval_free(ev);
			if (parsed)
				return msb__error_set(MSB_EINVAL,
				    "msb_eval_new: config_json is JSON but not an object");
			return msb__error_set(MSB_EINVAL,
			    "msb_eval_new: config_json is not valid JSON: %s at position %d",
			    jerr.text, jerr.position);
		}
	}
	ev->o.config_json = NULL; /* not kept: ev->config holds it */
	ev->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ev->efd < 0) {
		msb_eval_free(ev);
		return msb__error_set(MSB_EIO, "msb_eval_new: eventfd: %s", strerror(errno));
	}
	if (pthread_mutex_init(&ev->mu, NULL) || pthread_mutex_init(&ev->pmu, NULL) ||
	    pthread_cond_init(&ev->pcond, NULL)) {
		msb_eval_free(ev);
		return msb__error_set(MSB_ERROR, "msb_eval_new: cannot create locks");
	}
	ev->ds = msb__dataset_ref(ds);
	ev->backend = msb__backend_ref(backend);
	ev->judge = judge ? msb__judge_ref(judge) : NULL;
	ev->backend_async = msb_backend_is_async(backend);
	ev->judge_async = judge && msb_judge_is_async(judge);
	ev->judge_inline = judge && !ev->judge_async && (judge->vt.flags & MSB_JUDGE_INLINE) &&
	    (judge->vt.flags & MSB_JUDGE_THREADSAFE);
	ev->n_items = msb_dataset_count(ds);
	ev->total = ev->n_items * (size_t)ev->o.epochs;
	ev->cap = 2 * (size_t)(ev->o.concurrency + ev->o.judge_concurrency) + 1024;
	ev->st.version = MSB_EVAL_STATS_VERSION;
	ev->st.total = ev->total;
	msb__cache_key_base(ev);
	if ((rc = set_dataset_hash(ev, ds)) || (rc = msb__eval_config_hash(ev)) ||
	    (rc = msb__eval_windows(ev))) {
		msb_eval_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

void msb_eval_cancel(msb_eval *ev)
{
	int saved = errno; /* a signal handler must leave errno alone */
	uint64_t one = 1;

	if (!ev)
		return;
	__atomic_store_n(&ev->cancel, 1, __ATOMIC_SEQ_CST);
	if (write(ev->efd, &one, sizeof one) < 0) {
		/* the counter is full: the loop is awake anyway */
	}
	errno = saved;
}

int msb__eval_cancelled(const msb_eval *ev)
{
	return __atomic_load_n(&ev->cancel, __ATOMIC_SEQ_CST);
}

void msb__loop_wake(msb_eval *ev)
{
	uint64_t one = 1;

	if (write(ev->efd, &one, sizeof one) < 0) {
		/* full counter: already awake */
	}
	if (__atomic_load_n(&ev->in_async_poll, __ATOMIC_SEQ_CST)) {
		if (ev->backend_async)
			msb_backend_wakeup(ev->backend);
		if (ev->judge_async)
			msb_judge_wakeup(ev->judge);
	}
}

void msb__task_free(msb__task *t)
{
	if (!t)
		return;
	msb_completion_free(t->c);
	msb_verdict_free(t->v);
	msb__free(t);
}

static void free_queue(msb__taskq *q)
{
	msb__task *t;

	while ((t = msb__taskq_pop(q)))
		msb__task_free(t);
}

void msb_eval_free(msb_eval *ev)
{
	msb__task *t;

	if (!ev)
		return;
	msb__pool_stop(ev); /* joins workers: waits for running host callbacks */
	if (ev->journal.started)
		msb__journal_stop(&ev->journal);
	/* tasks abandoned inside an asynchronous backend: it must not call back any more */
	while ((t = ev->async_head)) {
		ev->async_head = t->anext;
		msb__task_free(t);
	}
	if (ev->backend || ev->judge) {
		free_queue(&ev->judge_wait);
		free_queue(&ev->held_model);
		free_queue(&ev->held_judge);
		free_queue(&ev->finished);
		free_queue(&ev->completed);
		free_queue(&ev->jobs);
		pthread_mutex_destroy(&ev->mu);
		pthread_mutex_destroy(&ev->pmu);
		pthread_cond_destroy(&ev->pcond);
	}
	if (ev->efd >= 0)
		close(ev->efd);
	if (ev->loop_epfd >= 0)
		close(ev->loop_epfd);
	msb__answers_close(ev);
	if (ev->model_key_base_ok)
		msb_sha256_discard(&ev->model_key_base);
	if (ev->lock_fd >= 0)
		close(ev->lock_fd);
	msb_judge_free(ev->judge);
	msb_backend_free(ev->backend);
	msb_dataset_free((msb_dataset *)ev->ds);
	msb__free(ev->done);
	msb__free(ev->out_dir);
	msb__free(ev->cache_dir);
	msb__free(ev->batch_verdicts);
	msb__free(ev->system_prompt);
	json_decref(ev->config);
	msb__tally_dispose(&ev->tally);
	msb__free(ev);
}

const char *msb_eval_config_hash(const msb_eval *ev)
{
	return ev ? ev->config_hash : NULL;
}

int msb_eval_get_stats(const msb_eval *ev, msb_eval_stats *out)
{
	int rc;

	if (!ev || !out)
		return msb__error_set(MSB_EINVAL, "msb_eval_get_stats: NULL argument");
	if ((rc = msb__check_version(out, MSB_EVAL_STATS_VERSION, "msb_eval_stats")))
		return rc;
	*out = ev->st;
	return 0;
}

/* ---- building requests ---- */

void msb__eval_build_request(const msb_eval *ev, const msb__task *t, msb_request *r)
{
	msb_request_init(r, MSB_REQUEST_VERSION);
	r->id = msb__item_id(t->item);
	r->system = ev->system_prompt[0] ? ev->system_prompt : NULL;
	r->prompt = msb__item_prompt(t->item);
	r->reference = msb__item_reference(t->item);
	r->max_tokens = ev->o.max_tokens;
	r->temperature = ev->o.temperature;
	r->top_p = ev->o.top_p;
	if (ev->o.has_seed || ev->o.epochs > 1) {
		r->has_seed = 1;
		r->seed = ev->o.seed + t->sample;
	}
	r->sample_index = t->sample;
}

static void build_judge_input(const msb__task *t, msb_judge_input *in)
{
	msb_judge_input_init(in, MSB_JUDGE_INPUT_VERSION);
	in->id = msb__item_id(t->item);
	in->prompt = msb__item_prompt(t->item);
	in->response = msb__completion_text(t->c);
	in->principle = msb__item_principle(t->item);
	in->category = msb__item_category(t->item);
	in->source = msb__item_source(t->item);
}

/* Run one stage synchronously (on a worker thread). */

void msb__task_run_sync(msb__task *t)
{
	msb_eval *ev = t->ev;

	if (t->stage == STAGE_MODEL) {
		msb_request r;
		msb_completion *c = NULL;
		msb__eval_build_request(ev, t, &r);
		t->status = msb_backend_generate(ev->backend, &r, &c);
		msb_completion_free(t->c);
		t->c = c;
	} else {
		msb_judge_input in;
		msb_verdict *v = NULL;
		build_judge_input(t, &in);
		t->status = msb_judge_evaluate(ev->judge, &in, &v);
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

static void completed_push(msb_eval *ev, msb__task *t)
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
	completed_push(t->ev, t);
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
	completed_push(t->ev, t);
}

static void submit_async(msb_eval *ev, msb__task *t)
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
			completed_push(ev, t);
			return;
		}
		msb__eval_build_request(ev, t, &r);
		ev->async_model_inflight++;
		rc = msb_backend_submit(ev->backend, &r, t->c, on_model_done, t);
		if (rc < 0) { /* failed at once: `done` will not come */
			async_unlink(ev, t);
			ev->async_model_inflight--;
			t->status = msb__completion_settle(t->c, rc);
			completed_push(ev, t);
		}
	} else {
		msb_judge_input in;
		msb_verdict_free(t->v);
		t->v = NULL;
		if ((rc = msb_verdict_new(&t->v))) {
			async_unlink(ev, t);
			t->status = rc;
			completed_push(ev, t);
			return;
		}
		build_judge_input(t, &in);
		ev->async_judge_inflight++;
		rc = msb_judge_submit(ev->judge, &in, t->v, on_judge_done, t);
		if (rc < 0) {
			async_unlink(ev, t);
			ev->async_judge_inflight--;
			t->status = msb__verdict_settle(t->v, rc);
			completed_push(ev, t);
		}
	}
}

/* ---- scheduling ---- */

int msb__eval_stopping(const msb_eval *ev)
{
	return msb__eval_cancelled(ev) || ev->budget_hit || ev->stop_rc;
}

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
			submit_async(ev, t);
		else
			msb__pool_push(ev, t);
	} else {
		t->judge_attempts++;
		ev->st.judge_requests++;
		ev->judge_inflight++;
		if (ev->judge_async) {
			submit_async(ev, t);
		} else if (ev->judge_inline) {
			msb__task_run_sync(t); /* a fast judge: no hop to a worker and back */
			completed_push(ev, t);
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
			build_judge_input(t, &in);
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
	build_judge_input(t, &in);
	msb__cache_judge_key(ev, &in, key);
	if (msb_verdict_new(&t->v))
		return 0;
	/* a verdict of a batch judge stage (lib/eval/batch.c) comes first: it is this run's */
	if (!(ev->batch_verdicts && msb__cache_get_judge(ev->batch_verdicts, key, t->v)) &&
	    !(ev->cache_dir && msb__cache_get_judge(ev->cache_dir, key, t->v))) {
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
