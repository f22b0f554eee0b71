/*
 * lib/eval/eval_folder_journal.c - the results journal: one writer thread appends one
 * JSON line per finished unit. Lines reach the kernel with write() as soon
 * as a batch is ready (a killed process loses nothing written); fsync runs
 * at least every fsync_interval_ms while there is unsynced data, and at
 * the end, so a power loss costs at most that window.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/completion.h"
#include "judge/verdict.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "eval/eval_folder.h"
#include "eval/eval_state.h"
#include "results/results.h"
#include "runfolder/runfolder.h"
#include "dataset/dataset.h"

/*
 * The record of a finished task, as the run folder's codec writes it
 * (lib/runfolder/record.c): this function only says what each field is.
 */
int msb__record_json(msb_buf *out, const msb_eval *ev, const msb__task *t, msb_usage_totals use[2],
    msb__tally *tally)
{
	const msb_item *it = t->item;
	const msb_completion *c = t->c;
	const msb_verdict *v = t->v;
	/* t->status is the last stage's: the model's outcome is in its completion */
	int model_ok = c && !msb__completion_error_code(c) && msb__completion_text(c) &&
	    (t->v || !ev->judge || t->status >= 0);
	msb__rf_record r;

	memset(&r, 0, sizeof r);
	if (!model_ok) {
		r.error_stage = "model";
		r.error_code = c && msb__completion_error_code(c) ? msb__completion_error_code(c) :
		    (t->status < 0 ? t->status : MSB_EUSER);
		r.error_kind = c ? msb__completion_error_kind(c) : NULL;
		r.error_message = c ? msb__completion_error_message(c) : NULL;
	} else if (ev->judge && (!v || msb__verdict_error_code(v))) {
		r.error_stage = "judge";
		r.error_code = v ? msb__verdict_error_code(v) : MSB_ERROR;
		r.error_kind = v ? msb__verdict_error_kind(v) : NULL;
		r.error_message = v ? msb__verdict_error_message(v) : NULL;
	} else if (v) {
		r.score = msb__verdict_score(v);
	}
	if (r.error_stage) {
		if (!r.error_kind)
			r.error_kind = "error";
		if (!r.error_message)
			r.error_message = msb_strerror(r.error_code);
	}
	r.id = msb__item_id(it);
	r.principle = msb__item_principle(it);
	r.category = msb__item_category(it);
	r.source = msb__item_source(it);
	r.split = msb__item_split(it);
	r.prompt = msb__item_prompt(it);
	r.response = model_ok ? msb__completion_text(c) : NULL;
	r.judge_name = ev->judge ? msb_judge_name(ev->judge) : NULL;
	r.judge_reason = v ? msb__verdict_reason(v) : NULL;
	r.judge_raw = v ? msb__verdict_raw(v) : NULL;
	/*
	 * attempts the answer took; for a stored one (cache, answers.jsonl) the
	 * count from when it was paid for ("cached": true says this run sent none)
	 */
	r.attempts = t->model_cached ? (c ? msb__completion_attempts(c) : 0) :
	    (t->model_attempts > 0 ? t->model_attempts - 1 : 0) + (c ? msb__completion_attempts(c) : 0);
	r.latency_ms = c && !t->model_cached ? msb__completion_latency_ms(c) : 0.0;
	r.prompt_tokens = c ? msb__completion_prompt_tokens(c) : -1;
	r.completion_tokens = c ? msb__completion_completion_tokens(c) : -1;
	r.judge_prompt_tokens = v ? msb__verdict_prompt_tokens(v) : -1;
	r.judge_completion_tokens = v ? msb__verdict_completion_tokens(v) : -1;
	r.reasoning_tokens = c ? msb__completion_reasoning_tokens(c) : -1;
	r.cached_tokens = c ? msb__completion_cached_tokens(c) : -1;
	r.judge_reasoning_tokens = v ? v->reasoning_tokens : -1;
	r.judge_cached_tokens = v ? v->cached_tokens : -1;
	r.config_hash = ev->config_hash;
	r.sample = t->sample;
	r.reasoning = c ? msb__completion_reasoning(c) : NULL;
	r.finish_reason = c ? msb__completion_finish_reason(c) : NULL;
	r.refusal_text = c ? msb__completion_refusal(c) : NULL;
	r.text_repaired = c && msb__completion_text_repaired(c);
	r.judge_attempts = t->judge_cached ? (v ? msb__verdict_attempts(v) : 0) :
	    (t->judge_attempts > 0 ? t->judge_attempts - 1 : 0) + (v ? msb__verdict_attempts(v) : 0);
	r.judge_latency_ms = v && !t->judge_cached ? msb__verdict_latency_ms(v) : 0.0;
	r.cached = t->model_cached && !t->model_stored; /* the response cache only (docs/run-folder.md) */
	r.judge_cached = t->judge_cached && !t->judge_batch;
	r.kind = msb_kind_name(msb__item_kind(it)); /* harmful / benign */
	if (use)
		msb__usage_add_record(use, &r);
	{
		int rc = msb__rf_record_line(out, &r);
		/* the scorer's entry of the line (summary.json without reading the journal back) */
		if (!rc && tally)
			msb__tally_add(tally, &r); /* out of memory marks the tally failed: the file is read */
		return rc;
	}
}

/* *done: bytes written, also when it fails part way (a full disk). */
static int write_all(int fd, const char *p, size_t n, size_t *done)
{
	*done = 0;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return msb__error_set(MSB_EIO, "results.jsonl: write failed: %s", strerror(errno));
		}
		p += w;
		n -= (size_t)w;
		*done += (size_t)w;
	}
	return 0;
}

/* Complete records (lines) in the first n bytes of a batch. */
static size_t lines_in(const char *p, size_t n)
{
	size_t k = 0;
	const char *e = p + n;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/*
 * The first error of the writer thread, with its message: errors are
 * thread-local, so the runner could not otherwise say what failed.
 */
static void keep_error(msb__journal *j, int rc)
{
	snprintf(j->error_msg, sizeof j->error_msg, "%s", msb_error_last()->message);
	__atomic_store_n(&j->error, rc, __ATOMIC_SEQ_CST);
}

static void *writer(void *arg)
{
	msb__journal *j = arg;
	msb_buf buf = MSB_BUF_INIT;
	size_t n_units;
	msb_usage_totals use[2];
	int dirty = 0;
	double last_sync = msb__now_ms();

	pthread_mutex_lock(&j->mu);
	for (;;) {
		msb__taskq got = { NULL, NULL, 0 };
		msb__task *t;
		int quit;

		while (!j->q.n && !j->quit) {
			if (dirty || __atomic_load_n(&j->ev->answers_dirty, __ATOMIC_ACQUIRE)) {
				struct timespec ts;
				double left = last_sync + j->fsync_interval_ms - msb__now_ms();
				if (left <= 0)
					break;
				deadline_in(&ts, (int)left + 1);
				pthread_cond_timedwait(&j->cond, &j->mu, &ts);
			} else {
				pthread_cond_wait(&j->cond, &j->mu);
			}
		}
		msb__taskq_splice(&got, &j->q);
		quit = j->quit;
		pthread_mutex_unlock(&j->mu);

		msb_buf_clear(&buf);
		n_units = 0;
		memset(use, 0, sizeof use);
		use[0].version = use[1].version = MSB_USAGE_TOTALS_VERSION;
		while ((t = msb__taskq_pop(&got))) {
			/* the tally is this thread's while the journal runs (read once it stopped) */
			int rc = msb__record_json(&buf, j->ev, t, use, &j->ev->tally);
			msb__task_free(t);
			__atomic_sub_fetch(&j->ev->live, 1, __ATOMIC_SEQ_CST);
			if (rc && !j->error)
				keep_error(j, rc);
			else if (!rc)
				n_units++;
		}
		if (buf.len && !j->error) {
			size_t done;
			int rc = write_all(j->fd, buf.ptr, buf.len, &done);
			if (rc)
				keep_error(j, rc);
			else /* the tokens of what reached the file */
				msb__usage_merge(j->ev->usage, use);
			/* each unit is one line: count those that reached the file */
			__atomic_add_fetch(&j->written, rc ? lines_in(buf.ptr, done) : n_units,
			    __ATOMIC_SEQ_CST);
			dirty = 1;
		}
		if ((dirty || __atomic_load_n(&j->ev->answers_dirty, __ATOMIC_ACQUIRE)) &&
		    (quit || msb__now_ms() - last_sync >= j->fsync_interval_ms)) {
			/* answers.jsonl first: it is written before the records that use it */
			if (__atomic_exchange_n(&j->ev->answers_dirty, 0, __ATOMIC_ACQ_REL) &&
			    j->ev->answers_fd >= 0 && fsync(j->ev->answers_fd) < 0 && !j->error)
				keep_error(j, msb__error_set(MSB_EIO, "answers.jsonl: fsync failed: %s",
				    strerror(errno)));
			if (dirty && fsync(j->fd) < 0 && !j->error)
				keep_error(j, msb__error_set(MSB_EIO, "results.jsonl: fsync failed: %s",
				    strerror(errno)));
			dirty = 0;
			last_sync = msb__now_ms();
		}
		/* room for new tasks, when the loop waits for it (or an error to see) */
		if (__atomic_exchange_n(&j->ev->cap_blocked, 0, __ATOMIC_SEQ_CST) || j->error)
			msb__loop_wake(j->ev);
		pthread_mutex_lock(&j->mu);
		if (quit && !j->q.n)
			break;
	}
	pthread_mutex_unlock(&j->mu);
	msb_buf_dispose(&buf);
	return NULL;
}

int msb__journal_start(msb__journal *j, msb_eval *ev, int fd)
{
	pthread_condattr_t ca;

	j->fd = fd;
	j->ev = ev;
	j->fsync_interval_ms = ev->o.fsync_interval_ms;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_mutex_init(&j->mu, NULL) || pthread_cond_init(&j->cond, &ca)) {
		pthread_condattr_destroy(&ca);
		return msb__error_set(MSB_ERROR, "journal: cannot create locks");
	}
	pthread_condattr_destroy(&ca);
	if (pthread_create(&j->thread, NULL, writer, j)) {
		pthread_mutex_destroy(&j->mu);
		pthread_cond_destroy(&j->cond);
		return msb__error_set(MSB_ERROR, "journal: cannot start the writer thread");
	}
	j->started = 1;
	return 0;
}

void msb__journal_push(msb__journal *j, msb__taskq *tasks)
{
	pthread_mutex_lock(&j->mu);
	msb__taskq_splice(&j->q, tasks);
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->mu);
}

void msb__journal_nudge(msb__journal *j)
{
	if (!j->started)
		return;
	pthread_mutex_lock(&j->mu);
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->mu);
}

int msb__journal_stop(msb__journal *j)
{
	int rc;

	if (!j->started)
		return 0;
	pthread_mutex_lock(&j->mu);
	j->quit = 1;
	pthread_cond_signal(&j->cond);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->thread, NULL);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cond);
	j->started = 0;
	rc = j->error;
	close(j->fd);
	j->fd = -1;
	return rc;
}
