/*
 * lib/eval/run.c - msb_eval_run: set the run folder up, turn the event
 * loop until every unit is in the journal (or the run stops), then write
 * the provenance and the summary.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fileio.h"
#include "eval/eval.h"

/* Upper bound for one wait, so a cancel from a signal handler (which can only set a flag) is seen soon. */
#define MAX_WAIT_MS 20

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
	p.in_flight_model = ev->model_inflight;
	p.in_flight_judge = ev->judge_inflight;
	p.elapsed_s = (now - ev->t_start) / 1000.0;
	p.rate = p.elapsed_s > 0 ? (double)ev->st.finished / p.elapsed_s : 0;
	p.eta_s = p.rate > 0 ? (double)(ev->total - ev->st.done) / p.rate : -1;
	if (ev->o.progress(&p, ev->o.progress_userdata) != 0)
		msb_eval_cancel(ev);
}

/* Block until something finished, a cancel, or timeout_ms. */
static void wait_events(msb_eval *ev, int timeout_ms)
{
	int pending;

	pthread_mutex_lock(&ev->mu);
	pending = ev->completed.n > 0;
	pthread_mutex_unlock(&ev->mu);
	if (pending || msb__eval_cancelled(ev))
		timeout_ms = 0;
	if (timeout_ms > MAX_WAIT_MS)
		timeout_ms = MAX_WAIT_MS;
	__atomic_store_n(&ev->in_async_poll, 1, __ATOMIC_SEQ_CST);
	/* a worker may have finished between the check and here: it wakes the poll */
	pthread_mutex_lock(&ev->mu);
	if (ev->completed.n)
		timeout_ms = 0;
	pthread_mutex_unlock(&ev->mu);
	if (ev->async_model_inflight && ev->async_judge_inflight) {
		/* two loops to watch: take turns with short waits */
		int t = timeout_ms > 1 ? 1 : timeout_ms;
		if (msb_backend_poll(ev->backend, t) < 0 && ev->async_model_inflight)
			ev->stop_rc = msb__error_code() ? msb__error_code() : MSB_ERROR;
		if (msb_judge_poll(ev->judge, 0) < 0 && ev->async_judge_inflight)
			ev->stop_rc = msb__error_code() ? msb__error_code() : MSB_ERROR;
	} else if (ev->async_model_inflight) {
		if (msb_backend_poll(ev->backend, timeout_ms) < 0 && ev->async_model_inflight)
			ev->stop_rc = msb__error_code() ? msb__error_code() : MSB_ERROR;
	} else if (ev->async_judge_inflight) {
		if (msb_judge_poll(ev->judge, timeout_ms) < 0 && ev->async_judge_inflight)
			ev->stop_rc = msb__error_code() ? msb__error_code() : MSB_ERROR;
	} else if (timeout_ms > 0) {
		struct pollfd pfd = { ev->efd, POLLIN, 0 };
		__atomic_store_n(&ev->in_async_poll, 0, __ATOMIC_SEQ_CST);
		poll(&pfd, 1, timeout_ms);
	}
	__atomic_store_n(&ev->in_async_poll, 0, __ATOMIC_SEQ_CST);
	drain_efd(ev);
}

static int in_flight(const msb_eval *ev)
{
	return ev->model_inflight || ev->judge_inflight;
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
		while ((t = msb__taskq_pop(&got)))
			msb__eval_handle(ev, t);
		if (!ev->stop_rc)
			ev->stop_rc = __atomic_load_n(&ev->journal.error, __ATOMIC_SEQ_CST);
		msb__eval_schedule(ev);
		if (ev->finished.n)
			msb__journal_push(&ev->journal, &ev->finished);
		progress(ev, 0);

		if (msb__eval_cancelled(ev)) {
			/* responses waiting for a judge are dropped: resume redoes them (the cache keeps them) */
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
			while ((t = msb__taskq_pop(&ev->judge_wait))) {
				__atomic_sub_fetch(&ev->live, 1, __ATOMIC_SEQ_CST);
				msb__task_free(t);
			}
			if (grace_end < 0)
				grace_end = msb__now_ms() + ev->o.cancel_grace_ms;
			if (!in_flight(ev))
				break;
			if (msb__now_ms() >= grace_end) {
				ev->abandoned = 1;
				ev->st.abandoned = ev->model_inflight + ev->judge_inflight;
				break;
			}
		} else if (!in_flight(ev) && !ev->judge_wait.n &&
		    (ev->cursor >= ev->total || msb__eval_stopping(ev))) {
			break;
		}
		wait_events(ev, 100);
	}
}

static void dry_run(msb_eval *ev)
{
	size_t i, k;
	long long sys = ev->system_prompt[0] ? ((long long)strlen(ev->system_prompt) + 3) / 4 : 0;

	for (i = 0; i < ev->n_items; i++) {
		const char *p = msb_item_prompt(msb_dataset_item(ev->ds, i));
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

int msb_eval_run(msb_eval *ev)
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
	if ((rc = msb__runinfo_write(ev, "running")) || (rc = msb__journal_start(&ev->journal, ev, fd))) {
		close(fd);
		return rc;
	}
	workers = ev->o.workers;
	if (workers <= 0) {
		workers = (ev->backend_async ? 0 : ev->o.concurrency) +
		    (ev->judge && !ev->judge_async ? ev->o.judge_concurrency : 0);
		if (workers > 256)
			workers = 256;
	}
	if ((!ev->backend_async || (ev->judge && !ev->judge_async)) && workers <= 0)
		workers = 1;
	if (workers > 0 && (rc = msb__pool_start(ev, workers))) {
		msb__journal_stop(&ev->journal);
		return rc;
	}
	loop(ev);
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
		int r2 = msb__runinfo_write(ev, status);
		int r3 = msb__summary_write(ev);
		if (!rc && (r2 || r3))
			rc = r2 ? r2 : r3;
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
	return rc;
}
