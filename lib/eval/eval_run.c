/*
 * lib/eval/eval_run.c - msb_eval_run: set the run folder up, turn the event
 * loop until every unit is in the journal (or the run stops), then write
 * the provenance and the summary.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fileio.h"
#include "eval/eval_folder.h"
#include "eval/eval_pool.h"
#include "eval/eval_run.h"
#include "eval/eval_schedule.h"
#include "eval/eval_state.h"
#include "judge/llm.h"
#include "dataset/dataset.h"
#include "backend/completion.h"
#include "judge/verdict.h"

/* An asynchronous backend or judge without a pollable fd (an old vtable) is polled this often. */
#define FD_LESS_WAIT_MS 5
/* ... and alone in flight, the loop blocks in its poll at most this long. */
#define LEGACY_WAIT_MS 20

static void drain_efd(msb_eval *ev)
{
	uint64_t v;
	while (read(ev->efd, &v, sizeof v) > 0) {
	}
}

static void progress(msb_eval *ev, int final)
{
	msb_eval_progress p;
	double now = msb__now_ms();

	if (!ev->o.progress)
		return;
	if (!final && now - ev->last_progress < ev->o.progress_interval_ms)
		return;
	ev->last_progress = now;
	memset(&p, 0, sizeof p);
	p.version = MSB_EVAL_PROGRESS_VERSION;
	p.done = ev->st.done;
	p.total = ev->total;
	p.errors = ev->st.errors;
	p.resumed = ev->st.resumed;
	/* in flight: not those an HTTP backend holds back for a retry time (they hold no slot) */
	p.in_flight_model = msb__eval_flying(ev, ev->model_inflight, ev->backend_async ? ev->backend : NULL);
	p.in_flight_judge = msb__eval_flying(ev, ev->judge_inflight, ev->judge_backend);
	p.elapsed_s = (now - ev->t_start) / 1000.0;
	p.rate = p.elapsed_s > 0 ? (double)ev->st.finished / p.elapsed_s : 0;
	p.eta_s = p.rate > 0 ? (double)(ev->total - ev->st.done) / p.rate : -1;
	if (ev->o.progress(&p, ev->o.progress_userdata) != 0)
		msb_eval_cancel(ev);
}

/* ---- the one poll set ---- */

static int add_fd(msb_eval *ev, int fd)
{
	struct epoll_event e;

	memset(&e, 0, sizeof e);
	e.events = EPOLLIN;
	e.data.fd = fd;
	if (epoll_ctl(ev->loop_epfd, EPOLL_CTL_ADD, fd, &e) < 0 && errno != EEXIST)
		return msb__error_set(MSB_EIO, "run: cannot watch fd %d: %s", fd, strerror(errno));
	return 0;
}

/*
 * Size each asynchronous backend's window to the run's concurrency (an
 * explicit lower max_in_flight wins): called by msb_eval_new, so the
 * host can show the numbers (msb_eval_in_flight) before the run.
 */
int msb__eval_windows(msb_eval *ev)
{
	int rc, n;

	ev->model_window = ev->o.concurrency;
	ev->judge_window = ev->o.judge_concurrency;
	if (ev->judge_async)
		ev->judge_backend = msb__judge_llm_backend(ev->judge);
	ev->judge_shared = ev->judge_backend == ev->backend;
	if (ev->backend_async) {
		n = ev->o.concurrency + (ev->judge_shared ? ev->o.judge_concurrency : 0);
		if ((rc = msb_backend_set_concurrency(ev->backend, n)) < 0)
			return rc;
		if (rc > 0 && rc < n) { /* an explicit lower limit wins */
			ev->model_window = rc < ev->o.concurrency ? rc : ev->o.concurrency;
			if (ev->judge_shared && rc < ev->o.judge_concurrency)
				ev->judge_window = rc;
		}
	}
	if (ev->judge_backend && !ev->judge_shared) {
		if ((rc = msb_backend_set_concurrency(ev->judge_backend, ev->o.judge_concurrency)) < 0)
			return rc;
		if (rc > 0 && rc < ev->o.judge_concurrency)
			ev->judge_window = rc;
	}
	return 0;
}

/*
 * One epoll set for the whole run: the eventfd (workers, the journal
 * writer, cancel from a signal handler) and the fd of every asynchronous
 * backend (the model's; an LLM judge's, unless it is the same object).
 */
static int poll_set_open(msb_eval *ev)
{
	int rc, fd;

	ev->loop_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->loop_epfd < 0)
		return msb__error_set(MSB_EIO, "run: epoll_create1: %s", strerror(errno));
	if ((rc = add_fd(ev, ev->efd)))
		return rc;
	if (ev->backend_async) {
		if ((fd = msb_backend_fd(ev->backend)) >= 0 && (rc = add_fd(ev, fd)))
			return rc;
		ev->model_fd_less = fd < 0;
	}
	if (ev->judge_async && !ev->judge_shared) {
		fd = ev->judge_backend ? msb_backend_fd(ev->judge_backend) : msb_judge_fd(ev->judge);
		if (fd >= 0 && (rc = add_fd(ev, fd)))
			return rc;
		ev->judge_fd_less = fd < 0;
	}
	return 0;
}

static int min_timeout(int a, int b)
{
	if (b < 0)
		return a;
	return b < a ? b : a;
}

/* A dead endpoint: stop the run, say so once, end what is in flight there. */
static void check_dead(msb_eval *ev, msb_backend *b, const char *who)
{
	char msg[560];

	if (ev->fatal || !msb_backend_dead(msg, sizeof msg, b))
		return;
	ev->fatal = 1;
	snprintf(ev->fatal_msg, sizeof ev->fatal_msg, "%s endpoint %s", who, msg);
	if (!ev->stop_rc)
		ev->stop_rc = MSB_EHTTP;
	msb_backend_cancel(b);
}

static void poll_backend_t(msb_eval *ev, msb_backend *b, int timeout_ms)
{
	if (msb_backend_poll(b, timeout_ms) < 0 && !ev->stop_rc)
		ev->stop_rc = msb__error_code() ? msb__error_code() : MSB_ERROR;
}

static void poll_backend(msb_eval *ev, msb_backend *b)
{
	poll_backend_t(ev, b, 0);
}

/*
 * Block until something is ready anywhere (an answer, a worker, the
 * journal, a cancel) or the nearest timer, then drive every asynchronous
 * backend with poll(0): one wait, no alternating short polls.
 */
static void poll_judge(msb_eval *ev, int timeout_ms)
{
	int rc = ev->judge_backend ? msb_backend_poll(ev->judge_backend, timeout_ms)
	                           : msb_judge_poll(ev->judge, timeout_ms);
	if (rc < 0 && !ev->stop_rc)
		ev->stop_rc = msb__error_code() ? msb__error_code() : MSB_ERROR;
}

static int judge_timeout(msb_eval *ev)
{
	return ev->judge_backend ? msb_backend_timeout(ev->judge_backend) : msb_judge_timeout(ev->judge);
}

/*
 * An old (version 1) asynchronous backend or judge without a fd, alone
 * in flight: block inside its own poll, as 0.1.0 did (workers and cancel
 * wake it through its wakeup slot).
 */
static void wait_inside(msb_eval *ev, int t, int judge)
{
	__atomic_store_n(&ev->in_async_poll, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&ev->mu);
	if (ev->completed.n) /* a worker finished before the flag was up */
		t = 0;
	pthread_mutex_unlock(&ev->mu);
	if (msb__eval_cancelled(ev))
		t = 0;
	if (t > LEGACY_WAIT_MS) /* a cancel from a signal handler cannot wake its poll */
		t = LEGACY_WAIT_MS;
	if (judge)
		poll_judge(ev, t);
	else
		poll_backend_t(ev, ev->backend, t);
	__atomic_store_n(&ev->in_async_poll, 0, __ATOMIC_SEQ_CST);
	drain_efd(ev);
}

static void wait_events_now(msb_eval *ev, int timeout_ms)
{
	struct epoll_event evs[8];
	int pending, t = timeout_ms;
	int model_on = ev->backend_async &&
	    (ev->async_model_inflight || (ev->judge_shared && ev->async_judge_inflight));
	int judge_on = ev->async_judge_inflight && !ev->judge_shared;

	pthread_mutex_lock(&ev->mu);
	pending = ev->completed.n > 0;
	pthread_mutex_unlock(&ev->mu);
	if (pending || msb__eval_cancelled(ev))
		t = 0;
	if (__atomic_load_n(&ev->cap_blocked, __ATOMIC_SEQ_CST) &&
	    __atomic_load_n(&ev->live, __ATOMIC_SEQ_CST) < ev->cap)
		t = 0; /* the journal freed tasks before it saw the flag */
	if (model_on && ev->model_fd_less && !judge_on) {
		wait_inside(ev, t, 0);
	} else if (judge_on && ev->judge_fd_less && !model_on) {
		wait_inside(ev, t, 1);
	} else {
		if (model_on)
			t = min_timeout(t, ev->model_fd_less ? FD_LESS_WAIT_MS : msb_backend_timeout(ev->backend));
		if (judge_on)
			t = min_timeout(t, ev->judge_fd_less ? FD_LESS_WAIT_MS : judge_timeout(ev));
		if (epoll_wait(ev->loop_epfd, evs, 8, t) < 0 && errno != EINTR && !ev->stop_rc)
			ev->stop_rc = msb__error_set(MSB_EIO, "run: epoll_wait: %s", strerror(errno));
		drain_efd(ev);
		if (model_on)
			poll_backend(ev, ev->backend);
		if (judge_on)
			poll_judge(ev, 0);
	}
	if (ev->backend_async && !ev->model_ok_seen)
		check_dead(ev, ev->backend, "model");
	if (ev->judge_backend && !ev->judge_ok_seen)
		check_dead(ev, ev->judge_backend, "judge");
}

static void wait_events(msb_eval *ev, int timeout_ms)
{
	msb__answers_flush(ev); /* answers read in this turn reach the kernel before any wait */
	wait_events_now(ev, timeout_ms);
}

/* After a dead endpoint: nothing more is journaled (the run stays resumable), paid answers are kept. */
static void drop_task(msb_eval *ev, msb__task *t)
{
	if (t->stage == STAGE_MODEL) {
		ev->model_inflight--;
		if (t->status == 0 && t->c && !t->model_cached)
			msb__answers_put(ev, t);
	} else {
		ev->judge_inflight--;
	}
	__atomic_sub_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
	msb__task_free(t);
}

static int in_flight(const msb_eval *ev)
{
	return ev->model_inflight || ev->judge_inflight;
}

/*
 * The grace period is over: end the requests still inside asynchronous
 * backends now (their answers, if any, are kept in answers.jsonl), so no
 * backend holds a task after the run; what runs on workers is abandoned.
 */
static void abandon(msb_eval *ev)
{
	msb__taskq got = { NULL, NULL, 0 };
	msb__task *t;

	if (ev->backend_async)
		msb_backend_cancel(ev->backend);
	if (ev->judge_backend && !ev->judge_shared)
		msb_backend_cancel(ev->judge_backend);
	if (ev->backend_async)
		poll_backend(ev, ev->backend);
	if (ev->judge_backend && !ev->judge_shared)
		poll_backend(ev, ev->judge_backend);
	pthread_mutex_lock(&ev->mu);
	msb__taskq_splice(&got, &ev->completed);
	pthread_mutex_unlock(&ev->mu);
	while ((t = msb__taskq_pop(&got)))
		drop_task(ev, t);
	ev->st.abandoned = ev->model_inflight + ev->judge_inflight + ev->judge_wait.n;
	ev->abandoned = ev->model_inflight + ev->judge_inflight > 0;
}

static void loop(msb_eval *ev)
{
	double grace_end = -1;

	for (;;) {
		msb__taskq got = { NULL, NULL, 0 };
		msb__task *t;

		pthread_mutex_lock(&ev->mu);
		msb__taskq_splice(&got, &ev->completed);
		pthread_mutex_unlock(&ev->mu);
		while ((t = msb__taskq_pop(&got))) {
			if (ev->fatal)
				drop_task(ev, t);
			else
				msb__eval_handle(ev, t);
		}
		if (ev->fatal) {
			msb__taskq *qs[3] = { &ev->judge_wait, &ev->held_model, &ev->held_judge };
			int i;
			for (i = 0; i < 3; i++)
				while ((t = msb__taskq_pop(qs[i]))) {
					__atomic_sub_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
					msb__task_free(t);
				}
		}
		if (!ev->stop_rc)
			ev->stop_rc = __atomic_load_n(&ev->journal.error, __ATOMIC_SEQ_CST);
		msb__eval_schedule(ev);
		if (ev->finished.n)
			msb__journal_push(&ev->journal, &ev->finished);
		progress(ev, 0);

		if (msb__eval_cancelled(ev)) {
			/*
			 * Nothing new starts. Every answer is already in answers.jsonl; those
			 * waiting for an asynchronous judge are still judged within the grace
			 * period. Jobs no worker has taken are dropped (resume redoes them
			 * from answers.jsonl, without asking the model again).
			 */
			msb__taskq back = { NULL, NULL, 0 };
			msb__pool_take_back(ev, &back);
			while ((t = msb__taskq_pop(&back))) {
				if (t->stage == STAGE_MODEL)
					ev->model_inflight--, ev->st.model_requests--;
				else
					ev->judge_inflight--, ev->st.judge_requests--;
				__atomic_sub_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
				msb__task_free(t);
			}
			if (!ev->judge_async)
				while ((t = msb__taskq_pop(&ev->judge_wait))) {
					__atomic_sub_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
					msb__task_free(t);
				}
			if (grace_end < 0)
				grace_end = msb__now_ms() + ev->o.cancel_grace_ms;
			if (!in_flight(ev) && !ev->judge_wait.n)
				break;
			if (msb__now_ms() >= grace_end) {
				abandon(ev);
				break;
			}
			{
				int left = (int)(grace_end - msb__now_ms()) + 1;
				wait_events(ev, left < 1000 ? left : 1000);
			}
			continue;
		} else if (!in_flight(ev) && !ev->judge_wait.n &&
		    (ev->cursor >= ev->total || msb__eval_stopping(ev))) {
			break;
		}
		wait_events(ev, ev->o.progress ? ev->o.progress_interval_ms : 1000);
	}
	/* failures held back while no call had succeeded: written now, unless the endpoint was dead */
	if (!ev->fatal) {
		msb__eval_release_held(ev);
		if (ev->finished.n)
			msb__journal_push(&ev->journal, &ev->finished);
	}
}

static void dry_run(msb_eval *ev)
{
	size_t i, k;
	long long sys = ev->system_prompt[0] ? ((long long)strlen(ev->system_prompt) + 3) / 4 : 0;

	for (i = 0; i < ev->n_items; i++) {
		const char *p = msb__item_prompt(msb_dataset_item(ev->ds, i));
		for (k = 0; k < (size_t)ev->o.epochs; k++) {
			if (ev->done && ev->done[i * (size_t)ev->o.epochs + k])
				continue;
			ev->st.est_requests++;
			ev->st.est_tokens += sys + ((long long)strlen(p) + 3) / 4 +
			    (ev->o.max_tokens > 0 ? ev->o.max_tokens : 0);
		}
	}
}

static int setup_dir(msb_eval *ev, int *fd)
{
	int rc;

	if ((rc = msb__mkdir_p(ev->out_dir)))
		return rc;
	return msb__journal_open(ev, fd);
}

static int run_body(msb_eval *ev)
{
	int rc, fd = -1, workers;
	const char *status;

	if (!ev)
		return msb__error_set(MSB_EINVAL, "msb_eval_run: NULL handle");
	if (ev->ran)
		return msb__error_set(MSB_ESTATE, "msb_eval_run: this handle already ran");
	ev->ran = 1;
	ev->t_start = msb__now_ms();
	msb__iso8601_now(ev->start_time);
	ev->done = msb__calloc(ev->total ? ev->total : 1, 1);
	if (!ev->done)
		return MSB_ENOMEM;
	if (ev->o.dry_run) {
		/* reads an existing journal to count what is left, writes nothing */
		if (ev->o.resume && ev->out_dir && msb__is_dir(ev->out_dir))
			if ((rc = msb__journal_open(ev, &fd)))
				return rc;
		if (fd >= 0)
			close(fd);
		dry_run(ev);
		ev->st.elapsed_s = (msb__now_ms() - ev->t_start) / 1000.0;
		return 0;
	}
	if ((rc = setup_dir(ev, &fd)))
		return rc;
	{
		/* verdicts of a batch judge stage (docs/batch.md) */
		size_t n = strlen(ev->out_dir) + sizeof "/batch/verdicts";
		if ((ev->batch_verdicts = msb__malloc(n)) != NULL) {
			snprintf(ev->batch_verdicts, n, "%s/batch/verdicts", ev->out_dir);
			if (!msb__is_dir(ev->batch_verdicts)) {
				msb__free(ev->batch_verdicts);
				ev->batch_verdicts = NULL;
			}
		}
	}
	if ((rc = msb__answers_open(ev)) || (rc = poll_set_open(ev))) {
		close(fd);
		return rc;
	}
	if ((rc = msb__runinfo_write(ev, "running")) || (rc = msb__journal_start(&ev->journal, ev, fd))) {
		close(fd);
		return rc;
	}
	workers = ev->o.workers;
	if (workers <= 0) {
		workers = (ev->backend_async ? 0 : ev->o.concurrency) +
		    (ev->judge && !ev->judge_async && !ev->judge_inline ? ev->o.judge_concurrency : 0);
		if (workers > 256)
			workers = 256;
	}
	if ((!ev->backend_async || (ev->judge && !ev->judge_async && !ev->judge_inline)) && workers <= 0)
		workers = 1;
	if (workers > 0 && (rc = msb__pool_start(ev, workers))) {
		msb__journal_stop(&ev->journal);
		return rc;
	}
	loop(ev);
	msb__answers_flush(ev);
	if (!ev->abandoned)
		msb__pool_stop(ev);
	rc = msb__journal_stop(&ev->journal);
	if (rc) {
		/*
		 * The journal failed (a full disk): it is what failed first, and
		 * only what reached it counts as done; say so before anything else
		 * (summary.json will fail on that disk too).
		 */
		ev->st.done = ev->st.resumed + __atomic_load_n(&ev->journal.written, __ATOMIC_SEQ_CST);
		ev->stop_rc = rc;
	}
	progress(ev, 1);
	ev->st.elapsed_s = (msb__now_ms() - ev->t_start) / 1000.0;
	if (ev->stop_rc)
		rc = ev->stop_rc, status = "failed";
	else if (msb__eval_cancelled(ev))
		rc = MSB_ECANCELED, status = "cancelled";
	else if (ev->budget_hit && ev->st.done < ev->total)
		rc = MSB_ELIMIT, status = "budget";
	else
		rc = 0, status = "finished";
	ev->st.stop_reason = rc;
	{
		/* the runner stops at the journal and run.json: summary.json is msb_run_write_summary's */
		int r2 = msb__runinfo_write(ev, status);
		if (!rc && r2)
			rc = r2;
	}
	if (rc == MSB_ECANCELED)
		return msb__error_set(rc, "%s: run cancelled after %zu of %zu units (resume to finish)",
		    ev->out_dir, ev->st.done, ev->total);
	if (rc == MSB_ELIMIT)
		return msb__error_set(rc, "%s: budget reached after %zu of %zu units (resume to finish)",
		    ev->out_dir, ev->st.done, ev->total);
	if (ev->journal.error)
		return msb__error_set(ev->journal.error, "%s/results.jsonl: the journal could not be "
		    "written (%s); %zu of %zu units are in it: make room, then resume to finish",
		    ev->out_dir, ev->journal.error_msg, ev->st.done, ev->total);
	if (rc == MSB_ENOMEM)
		return msb__error_set(rc, "%s: out of memory during the run", ev->out_dir);
	if (ev->fatal)
		return msb__error_set(rc, "%s", ev->fatal_msg);
	return rc;
}

int msb_eval_run(msb_eval *ev)
{
	int again = ev && ev->ran, rc = run_body(ev), clean;

	if (ev && !again) {
		/*
		 * The tally is results.jsonl's when the journal wrote every line it
		 * was given and stopped: else msb_eval_write_summary reads the file.
		 */
		clean = !ev->o.dry_run && ev->runinfo_written && !ev->journal.started &&
		    !ev->journal.error && !ev->tally.failed;
		__atomic_store_n(&ev->tally_state, clean ? 1 : 2, __ATOMIC_RELEASE);
	}
	return rc;
}

int msb_eval_in_flight(int *model, int *judge, const msb_eval *ev)
{
	if (!ev)
		return msb__error_set(MSB_EINVAL, "msb_eval_in_flight: NULL handle");
	if (model)
		*model = ev->model_window;
	if (judge)
		*judge = ev->judge ? ev->judge_window : 0;
	return 0;
}
