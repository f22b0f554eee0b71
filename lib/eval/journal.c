/*
 * lib/eval/journal.c - the results journal: one writer thread appends one
 * JSON line per finished unit. Lines reach the kernel with write() as soon
 * as a batch is ready (a killed process loses nothing written); fsync runs
 * at least every fsync_interval_ms while there is unsynced data, and at
 * the end, so a power loss costs at most that window.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "backend/completion.h"
#include "judge/verdict.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "eval/eval.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string even for text that is not valid UTF-8 (models do emit such bytes): bad bytes become U+FFFD. */
json_t *msb__json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	msb_buf b = MSB_BUF_INIT;
	json_t *j = json_string(s);

	if (j)
		return j;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n)
			msb_buf_put(&b, (const char *)p, n), p += n;
		else
			msb_buf_puts(&b, "\xEF\xBF\xBD"), p++;
	}
	/* the repaired text is valid UTF-8: a failure now is out of memory (NULL) */
	j = b.failed ? NULL : json_string(msb_buf_cstr(&b));
	msb_buf_dispose(&b);
	return j;
}

static json_t *str_or_null(const char *s)
{
	return s ? msb__json_text(s) : json_null();
}

static json_t *tokens(long long n)
{
	return n >= 0 ? json_integer(n) : json_null();
}

/*
 * Set obj[key] = value (taking the reference), and remember a failure in
 * *bad: a NULL value (jansson could not allocate it) or a failed set. A
 * record with a member missing must never reach the journal.
 */
static void put(int *bad, json_t *obj, const char *key, json_t *value)
{
	if (!value || json_object_set_new(obj, key, value) != 0)
		*bad = 1;
}

static json_t *error_obj(const char *stage, int code, const char *kind, const char *msg)
{
	json_t *e = json_object();
	int bad = !e;

	put(&bad, e, "stage", json_string(stage));
	put(&bad, e, "kind", json_string(kind ? kind : "error"));
	put(&bad, e, "message", msb__json_text(msg ? msg : msb_strerror(code)));
	put(&bad, e, "code", json_integer(code));
	if (bad) {
		json_decref(e);
		return NULL;
	}
	return e;
}

int msb__record_json(msb_buf *out, const msb_eval *ev, const msb__task *t)
{
	const msb_item *it = t->item;
	const msb_completion *c = t->c;
	const msb_verdict *v = t->v;
	/* t->status is the last stage's: the model's outcome is in its completion */
	int model_ok = c && !msb_completion_error_code(c) && msb_completion_text(c) &&
	    (t->v || !ev->judge || t->status >= 0);
	json_t *o = json_object(), *judge, *usage, *err = json_null();
	char *s;
	int rc = 0, score = 0, bad = 0;

	if (!o)
		return MSB_ENOMEM;
	if (!model_ok) {
		int code = c && msb_completion_error_code(c) ? msb_completion_error_code(c) :
		    (t->status < 0 ? t->status : MSB_EUSER);
		err = error_obj("model", code, c ? msb_completion_error_kind(c) : "error",
		    c ? msb_completion_error_message(c) : NULL);
	} else if (ev->judge && (!v || msb_verdict_error_code(v))) {
		int code = v ? msb_verdict_error_code(v) : MSB_ERROR;
		err = error_obj("judge", code, v ? msb_verdict_error_kind(v) : "error",
		    v ? msb_verdict_error_message(v) : NULL);
	} else if (v) {
		score = msb_verdict_score(v);
	}
	put(&bad, o, "id", msb__json_text(msb_item_id(it)));
	put(&bad, o, "principle", json_integer(msb_item_principle(it)));
	put(&bad, o, "category", json_integer(msb_item_category(it)));
	put(&bad, o, "source", str_or_null(msb_item_source(it)));
	put(&bad, o, "split", str_or_null(msb_item_split(it)));
	put(&bad, o, "prompt", msb__json_text(msb_item_prompt(it)));
	put(&bad, o, "response", model_ok ? msb__json_text(msb_completion_text(c)) : json_null());
	put(&bad, o, "score", score ? json_integer(score) : json_null());
	judge = json_object();
	put(&bad, judge, "name", ev->judge ? json_string(msb_judge_name(ev->judge)) : json_null());
	put(&bad, judge, "reason", str_or_null(v ? msb_verdict_reason(v) : NULL));
	put(&bad, judge, "raw", str_or_null(v ? msb_verdict_raw(v) : NULL));
	put(&bad, o, "judge", judge);
	put(&bad, o, "error", err);
	/*
	 * attempts the answer took; for a stored one (cache, answers.jsonl) the
	 * count from when it was paid for ("cached": true says this run sent none)
	 */
	put(&bad, o, "attempts",
	    json_integer(t->model_cached ? (c ? msb_completion_attempts(c) : 0) :
	        (t->model_attempts > 0 ? t->model_attempts - 1 : 0) + (c ? msb_completion_attempts(c) : 0)));
	put(&bad, o, "latency_ms", json_real(c && !t->model_cached ? msb_completion_latency_ms(c) : 0.0));
	usage = json_object();
	put(&bad, usage, "prompt_tokens", tokens(c ? msb_completion_prompt_tokens(c) : -1));
	put(&bad, usage, "completion_tokens", tokens(c ? msb_completion_completion_tokens(c) : -1));
	put(&bad, usage, "judge_prompt_tokens", tokens(v ? msb_verdict_prompt_tokens(v) : -1));
	put(&bad, usage, "judge_completion_tokens",
	    tokens(v ? msb_verdict_completion_tokens(v) : -1));
	/* beyond the contract: the parts the server reported (issue #21 item 5), null when not */
	put(&bad, usage, "reasoning_tokens", tokens(c ? msb_completion_reasoning_tokens(c) : -1));
	put(&bad, usage, "cached_tokens", tokens(c ? msb_completion_cached_tokens(c) : -1));
	put(&bad, usage, "judge_reasoning_tokens", tokens(v ? v->reasoning_tokens : -1));
	put(&bad, usage, "judge_cached_tokens", tokens(v ? v->cached_tokens : -1));
	put(&bad, o, "usage", usage);
	put(&bad, o, "config_hash", json_string(ev->config_hash));
	/* additions beyond the contract */
	put(&bad, o, "sample", json_integer(t->sample));
	if (c && msb_completion_reasoning(c))
		put(&bad, o, "reasoning", msb__json_text(msb_completion_reasoning(c)));
	if (c && msb_completion_finish_reason(c))
		put(&bad, o, "finish_reason", json_string(msb_completion_finish_reason(c)));
	/* the server's own refusal (OpenAI "refusal"), and answers whose bad bytes became U+FFFD */
	if (c && msb__completion_refusal(c)) {
		put(&bad, o, "refusal", json_true());
		put(&bad, o, "refusal_text", msb__json_text(msb__completion_refusal(c)));
	}
	if (c && msb__completion_text_repaired(c))
		put(&bad, o, "text_repaired", json_true());
	put(&bad, o, "judge_attempts",
	    json_integer(t->judge_cached ? (v ? msb_verdict_attempts(v) : 0) :
	        (t->judge_attempts > 0 ? t->judge_attempts - 1 : 0) + (v ? msb_verdict_attempts(v) : 0)));
	put(&bad, o, "judge_latency_ms", json_real(v && !t->judge_cached ? msb_verdict_latency_ms(v) : 0.0));
	put(&bad, o, "cached", json_boolean(t->model_cached));
	put(&bad, o, "kind", json_string(msb_kind_name(msb_item_kind(it)))); /* harmful / benign */
	if (bad) {
		json_decref(o);
		return msb__error_set(MSB_ENOMEM, "results.jsonl: out of memory building the record of %s",
		    msb_item_id(it));
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return msb__error_set(MSB_ENOMEM, "results.jsonl: out of memory writing the record of %s",
		    msb_item_id(it));
	if (msb_buf_puts(out, s) || msb_buf_putc(out, '\n'))
		rc = MSB_ENOMEM;
	msb__json_free(s); /* jansson's memory, from its own allocator (libc by default) */
	return rc;
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
		while ((t = msb__taskq_pop(&got))) {
			int rc = msb__record_json(&buf, j->ev, t);
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
