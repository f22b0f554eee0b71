/*
 * tests/eval/test_eval.c - the evaluation runner through the public API:
 * pipelining, the journal contract, resume after kill -9, config
 * mismatch, cancellation (thread, signal handler, hung backend), faults,
 * cache, merge, budgets, dry run, epochs.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>
#include <jansson.h>

#include "fakes.h"

/* ---- journal inspection ---- */

typedef struct {
	int *count;      /* per item number (sample 0) */
	size_t n_items;
	size_t lines, bad, errors, model_errors, judge_errors, scored;
	int torn;        /* the file does not end in '\n' */
} journal_view;

static void journal_read(journal_view *jv, const char *dir, size_t n_items)
{
	char path[512];
	char *text, *line, *save = NULL;
	size_t len;

	memset(jv, 0, sizeof *jv);
	jv->n_items = n_items;
	jv->count = calloc(n_items ? n_items : 1, sizeof *jv->count);
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	text = fake_read(path);
	if (!text)
		return;
	len = strlen(text);
	jv->torn = len && text[len - 1] != '\n';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL), *err;
		int n;
		jv->lines++;
		if (!o) {
			jv->bad++;
			continue;
		}
		n = fake_item_number(json_string_value(json_object_get(o, "id")));
		if (n >= 0 && (size_t)n < n_items && json_integer_value(json_object_get(o, "sample")) == 0)
			jv->count[n]++;
		err = json_object_get(o, "error");
		if (json_is_object(err)) {
			jv->errors++;
			if (!strcmp(json_string_value(json_object_get(err, "stage")), "model"))
				jv->model_errors++;
			else
				jv->judge_errors++;
		}
		if (json_is_integer(json_object_get(o, "score")))
			jv->scored++;
		json_decref(o);
	}
	free(text);
}

static void journal_free(journal_view *jv)
{
	free(jv->count);
}

/* Every item of [0, n) exactly once, nothing torn or corrupt. */
static void assert_exactly_once(const char *dir, size_t n)
{
	journal_view jv;
	size_t i;

	journal_read(&jv, dir, n);
	assert_int_equal(jv.bad, 0);
	assert_false(jv.torn);
	assert_int_equal(jv.lines, n);
	for (i = 0; i < n; i++)
		assert_int_equal(jv.count[i], 1);
	journal_free(&jv);
}

static msb_eval_stats stats0(void)
{
	msb_eval_stats st;
	memset(&st, 0, sizeof st);
	st.version = MSB_EVAL_STATS_VERSION;
	return st;
}

static msb_eval_options opts_for(const char *dir)
{
	msb_eval_options o;
	msb_eval_options_init(&o, MSB_EVAL_OPTIONS_VERSION);
	o.out_dir = dir;
	o.concurrency = 4;
	o.judge_concurrency = 4;
	o.fsync_interval_ms = 50;
	return o;
}

static int setup(void **state)
{
	(void)state;
	return msb_init() < 0;
}

static int teardown(void **state)
{
	(void)state;
	msb_shutdown();
	return 0;
}

/* ---- the basic run and the record contract ---- */

static void test_basic_contract(void **state)
{
	msb_dataset *ds = fake_dataset(50, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir(), path[512], *text;
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	json_t *rec, *run;
	msb_results *r;
	const msb_record *x;
	(void)state;

	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(st.total, 50);
	assert_int_equal(st.finished, 50);
	assert_int_equal(st.errors, 0);
	assert_int_equal(fb.calls, 50);
	assert_int_equal(fj.calls, 50);
	assert_exactly_once(dir, 50);

	/* the contract's fields, on the first line */
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	text = fake_read(path);
	assert_non_null(text);
	*strchr(text, '\n') = '\0';
	rec = json_loads(text, 0, NULL);
	assert_non_null(rec);
	{
		static const char *fields[] = { "id", "principle", "category", "source", "split", "prompt",
			"response", "score", "judge", "error", "attempts", "latency_ms", "usage", "config_hash" };
		size_t i;
		for (i = 0; i < sizeof fields / sizeof *fields; i++)
			assert_non_null(json_object_get(rec, fields[i]));
	}
	assert_true(json_is_null(json_object_get(rec, "error")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "judge"), "name")), "refusal-fake");
	assert_int_equal(strlen(json_string_value(json_object_get(rec, "config_hash"))), 64);
	assert_null(msb_eval_config_hash(NULL));
	free(text);

	/* run.json: provenance */
	snprintf(path, sizeof path, "%s/run.json", dir);
	text = fake_read(path);
	assert_non_null(text);
	run = json_loads(text, 0, NULL);
	assert_non_null(run);
	assert_string_equal(json_string_value(json_object_get(run, "status")), "finished");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(run, "dataset"), "items")), 50);
	assert_int_equal(strlen(json_string_value(json_object_get(json_object_get(run, "dataset"), "hash"))), 64);
	assert_string_equal(json_string_value(json_object_get(json_object_get(run, "model"), "identity")), "fake");
	assert_true(json_is_string(json_object_get(run, "end_time")));
	/* the records carry the run's configuration hash */
	assert_string_equal(json_string_value(json_object_get(run, "config_hash")),
	    json_string_value(json_object_get(rec, "config_hash")));
	assert_null(strstr(text, "KEY"));
	json_decref(rec);
	json_decref(run);
	free(text);

	/* the public reader sees the same */
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_int_equal(msb_results_count(r), 50);
	assert_int_equal(msb_results_skipped_lines(r), 0);
	x = msb_results_find(r, "item/3", 0);
	assert_non_null(x);
	assert_int_equal(msb_record_score(x), 1); /* 3 % 3 == 0: the fake refuses */
	assert_int_equal(msb_record_principle(x), 4);
	assert_string_equal(msb_record_source(x), "llama2");
	assert_non_null(msb_record_response(x));
	assert_int_equal(msb_record_score(msb_results_find(r, "item/4", 0)), 5);
	assert_null(msb_record_error_stage(x));
	msb_results_free(r);

	/* an existing run folder is not overwritten */
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, NULL), MSB_EEXISTS);
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, NULL), 0);
	assert_exactly_once(dir, 50);

	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- pipelining with an asynchronous backend ---- */

static void test_pipelined_async(void **state)
{
	msb_dataset *ds = fake_dataset(120, 0);
	fake_async_stats as = { 0, 0, 0, 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	(void)state;

	fj.backend_inflight = &as.inflight;
	assert_int_equal(fake_async_new(&b, 5, 0, &as), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	o.concurrency = 8;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(st.finished, 120);
	assert_int_equal(as.calls, 120);
	assert_true(as.max_inflight <= 8);
	assert_true(as.max_inflight > 1);     /* requests really were concurrent */
	assert_true(fj.overlapped > 0);       /* judged while generations were still in flight */
	assert_exactly_once(dir, 120);
	msb_backend_free(b);

	/* the backend's own window (capacity) is smaller than the option: it wins */
	fake_rmrf(dir);
	memset(&as, 0, sizeof as);
	as.capacity = 3;
	assert_int_equal(fake_async_new(&b, 2, 0, &as), 0);
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(as.max_inflight, 3);
	assert_exactly_once(dir, 120);
	msb_judge_free(j);
	msb_backend_free(b);

	/* both stages asynchronous, on one loop */
	fake_rmrf(dir);
	assert_int_equal(fake_async_new(&b, 2, 0, NULL), 0);
	memset(&as, 0, sizeof as);
	assert_int_equal(fake_async_judge_new(&j, 2, &as), 0);
	o.judge_concurrency = 3;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(as.calls, 120);
	assert_true(as.max_inflight <= 3);
	assert_exactly_once(dir, 120);
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- faults: 20% of model calls fail in assorted ways, some judge calls too ---- */

static void test_faults_and_retry_errors(void **state)
{
	msb_dataset *ds = fake_dataset(100, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	journal_view jv;
	msb_results *r;
	(void)state;

	fb.fail_every = 5;  /* items 0, 5, 10, ...: 20 model failures */
	fj.fail_every = 7;  /* items 1, 8, 15, ... whose model call worked: judge failures */
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	{
		size_t i, model_fail = 0, judge_fail = 0;
		for (i = 0; i < 100; i++) {
			if (i % 5 == 0)
				model_fail++;
			else if (i % 7 == 1)
				judge_fail++;
		}
		assert_int_equal(st.errors, model_fail + judge_fail);
		journal_read(&jv, dir, 100);
		assert_int_equal(jv.lines, 100);
		assert_int_equal(jv.model_errors, model_fail);
		assert_int_equal(jv.judge_errors, judge_fail);
		assert_int_equal(jv.scored, 100 - model_fail - judge_fail);
		journal_free(&jv);
	}
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_null(msb_record_response(msb_results_find(r, "item/0", 0)));
	assert_string_equal(msb_record_error_stage(msb_results_find(r, "item/0", 0)), "model");
	assert_string_equal(msb_record_error_kind(msb_results_find(r, "item/0", 0)), "http");
	assert_int_equal(msb_record_score(msb_results_find(r, "item/0", 0)), 0);
	assert_string_equal(msb_record_error_stage(msb_results_find(r, "item/1", 0)), "judge");
	assert_non_null(msb_record_response(msb_results_find(r, "item/1", 0)));
	msb_results_free(r);

	/* retries: a failing call is tried again (and fails again here) */
	fake_rmrf(dir);
	fb.calls = 0;
	o.retries = 2;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(fb.calls, 80 + 20 * 3);
	o.retries = 0;

	/* the server recovers: --retry-errors runs only the failed items again */
	fb.fail_every = 0;
	fj.fail_every = 0;
	fb.calls = fj.calls = 0;
	o.resume = 1;
	o.retry_errors = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(fb.calls, 20 + 12); /* 20 model failures, 12 judge failures: all run again */
	assert_int_equal(st.finished, 32);
	assert_int_equal(st.resumed, 100 - 32);
	assert_int_equal(st.errors, 0);
	assert_exactly_once(dir, 100);
	journal_read(&jv, dir, 100);
	assert_int_equal(jv.errors, 0);
	journal_free(&jv);

	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- resume after kill -9 at random points ---- */

static void child_run(const char *dir, size_t n)
{
	msb_dataset *ds = fake_dataset(n, 0);
	fake_sync fb = { 0 };
	msb_backend *b;
	msb_judge *j;
	fake_judge fj = { 0 };
	msb_eval_options o = opts_for(dir);

	fb.sleep_us = 1000; /* 600 items take >= 150 ms: the first kill always lands mid-run */
	o.resume = 1;
	o.fsync_interval_ms = 5;
	if (msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE) ||
	    msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE))
		_exit(3);
	_exit(msb_eval_run_simple(ds, b, j, &o, NULL) == 0 ? 0 : 4);
}

static void test_resume_after_kill9(void **state)
{
	const size_t n = 600;
	char *dir = fake_tmpdir();
	int round, killed = 0;
	unsigned int seed = (unsigned int)time(NULL);
	(void)state;

	for (round = 0; round < 6; round++) {
		pid_t pid = fork();
		int status;
		assert_true(pid >= 0);
		if (pid == 0)
			child_run(dir, n);
		usleep(1000 * (5 + rand_r(&seed) % 60));
		if (kill(pid, SIGKILL) == 0)
			killed++;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (round == 0)
			assert_true(WIFSIGNALED(status));
		if (WIFEXITED(status)) {
			assert_int_equal(WEXITSTATUS(status), 0); /* finished before the kill */
			break;
		}
		{
			/* whatever was on disk: no corrupt line except possibly a torn last one */
			journal_view jv;
			size_t i;
			journal_read(&jv, dir, n);
			assert_true(jv.bad <= 1);
			for (i = 0; i < n; i++)
				assert_true(jv.count[i] <= 1);
			journal_free(&jv);
		}
	}
	/* a torn last line, as a crash in the middle of a write leaves it */
	{
		char path[512];
		FILE *f;
		snprintf(path, sizeof path, "%s/results.jsonl", dir);
		f = fopen(path, "a");
		assert_non_null(f);
		fputs("{\"id\":\"item/99999\",\"principle\":1,\"resp", f);
		fclose(f);
	}
	{
		pid_t pid = fork();
		int status;
		if (pid == 0)
			child_run(dir, n);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_true(killed >= 1);
	assert_exactly_once(dir, n);
	fake_rmrf(dir);
	free(dir);
}

/* ---- configuration mismatch ---- */

static void test_config_mismatch(void **state)
{
	msb_dataset *ds = fake_dataset(20, 0);
	fake_sync fb = { 0 };
	msb_backend *b;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	(void)state;

	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	o.max_requests = 5;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, NULL), MSB_ELIMIT);
	o.max_requests = 0;
	o.resume = 1;
	o.max_tokens = 100; /* another generation setting: another configuration */
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, NULL), MSB_EMISMATCH);
	assert_non_null(strstr(msb_error_last()->message, "configuration"));
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), 0);
	assert_int_equal(st.resumed, 5);
	o.force = 0;
	o.max_tokens = 512;
	o.temperature = 0.7;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, NULL), MSB_EMISMATCH);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- cancellation ---- */

static msb_eval *volatile sig_ev;

static void on_sigusr1(int sig)
{
	(void)sig;
	msb_eval_cancel(sig_ev);
}

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int go;
} gate;

static void open_gate(void *ud)
{
	gate *g = ud;
	pthread_mutex_lock(&g->mu);
	g->go = 1;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mu);
}

typedef struct {
	gate *g;
	msb_eval *ev;
	pthread_t target; /* 0: cancel by call; else pthread_kill SIGUSR1 */
	int by_signal;
} canceller;

static void *cancel_thread(void *arg)
{
	canceller *c = arg;
	pthread_mutex_lock(&c->g->mu);
	while (!c->g->go)
		pthread_cond_wait(&c->g->cond, &c->g->mu);
	pthread_mutex_unlock(&c->g->mu);
	if (c->by_signal)
		pthread_kill(c->target, SIGUSR1);
	else
		msb_eval_cancel(c->ev);
	return NULL;
}

static void cancel_case(int by_signal, int hang)
{
	const size_t n = 400;
	msb_dataset *ds = fake_dataset(n, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	msb_eval *ev;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	canceller c;
	pthread_t th;
	journal_view jv;
	int rc;

	fb.sleep_us = 500;
	fb.notify_after = 40;
	fb.slow_after_notify_us = 5000; /* 360 items left take > 0.4 s: time enough to cancel */
	fb.notify = open_gate;
	fb.notify_ud = &g;
	if (hang)
		fb.hang_id = "item/5";
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	o.cancel_grace_ms = 100;
	assert_int_equal(msb_eval_new(&ev, ds, b, j, &o), 0);
	c.g = &g;
	c.ev = ev;
	c.target = pthread_self();
	c.by_signal = by_signal;
	if (by_signal) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_sigusr1;
		sigaction(SIGUSR1, &sa, NULL);
		sig_ev = ev;
	}
	assert_int_equal(pthread_create(&th, NULL, cancel_thread, &c), 0);
	rc = msb_eval_run(ev);
	assert_int_equal(rc, MSB_ECANCELED);
	if (hang) /* the run came back although a callback is still stuck */
		assert_true(__atomic_load_n(&fb.hanging, __ATOMIC_SEQ_CST));
	assert_int_equal(msb_eval_get_stats(ev, &st), 0);
	if (hang)
		assert_true(st.abandoned >= 1);
	assert_true(st.finished < n);
	pthread_join(th, NULL);
	__atomic_store_n(&fb.release, 1, __ATOMIC_SEQ_CST);
	msb_eval_free(ev);
	sig_ev = NULL;
	journal_read(&jv, dir, n);
	assert_int_equal(jv.lines, st.finished); /* all finished work kept */
	assert_int_equal(jv.bad, 0);
	journal_free(&jv);

	/* and the run can be finished */
	fb.hang_id = NULL;
	fb.notify_after = 0;
	o.resume = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(st.resumed + st.finished, n);
	assert_exactly_once(dir, n);
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

static void test_cancel_from_thread(void **state)
{
	(void)state;
	cancel_case(0, 0);
}

static void test_cancel_from_signal_handler(void **state)
{
	(void)state;
	cancel_case(1, 0);
}

static void test_cancel_with_hung_backend(void **state)
{
	(void)state;
	cancel_case(0, 1);
}

static int stop_at_half(const msb_eval_progress *p, void *ud)
{
	int *calls = ud;
	(*calls)++;
	assert_true(p->done <= p->total);
	return p->done >= p->total / 2;
}

static void test_progress_and_hung_async(void **state)
{
	msb_dataset *ds = fake_dataset(30, 0);
	msb_backend *b;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	fake_sync fb = { 0 };
	int calls = 0;
	(void)state;

	/* a progress callback that stops the run */
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	fb.sleep_us = 2000;
	o.progress = stop_at_half;
	o.progress_userdata = &calls;
	o.progress_interval_ms = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), MSB_ECANCELED);
	assert_true(calls > 0);
	assert_true(st.finished >= 15 && st.finished < 30);
	msb_backend_free(b);
	fake_rmrf(dir);

	/* an asynchronous backend that never answers: a cancel still ends the run */
	o = opts_for(dir);
	o.cancel_grace_ms = 10;
	assert_int_equal(fake_async_new(&b, 1, 1, NULL), 0);
	{
		msb_eval *ev;
		assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &o), 0);
		msb_eval_cancel(ev); /* before the run: it stops at once */
		assert_int_equal(msb_eval_run(ev), MSB_ECANCELED);
		msb_eval_free(ev);
	}
	{
		msb_eval *ev;
		gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 1 };
		canceller c = { &g, NULL, 0, 0 };
		pthread_t th;
		o.resume = 1;
		assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &o), 0);
		c.ev = ev;
		assert_int_equal(pthread_create(&th, NULL, cancel_thread, &c), 0);
		assert_int_equal(msb_eval_run(ev), MSB_ECANCELED);
		pthread_join(th, NULL);
		msb_eval_free(ev);
	}
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- cache ---- */

static void test_cache(void **state)
{
	msb_dataset *ds = fake_dataset(60, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir(), *cache = fake_tmpdir(), run1[512], run2[512];
	msb_eval_options o = opts_for(run1);
	msb_eval_stats st = stats0();
	msb_results *r1, *r2;
	size_t i;
	(void)state;

	snprintf(run1, sizeof run1, "%s/one", dir);
	snprintf(run2, sizeof run2, "%s/two", dir);
	fb.fail_every = 10; /* failures are not cached: they are asked again */
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	o.cache_dir = cache;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(fb.calls, 60);
	assert_int_equal(fj.calls, 54);
	assert_int_equal(st.cache_hits, 0);
	fb.calls = fj.calls = 0;
	fb.fail_every = 0;
	o.out_dir = run2;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(fb.calls, 6);  /* only the six that failed before */
	assert_int_equal(fj.calls, 6);
	assert_int_equal(st.cache_hits, 2 * 54);
	/* a third run: everything cached, not a single call */
	fb.calls = fj.calls = 0;
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(fb.calls, 0);
	assert_int_equal(fj.calls, 0);
	assert_int_equal(st.model_requests, 0);
	assert_int_equal(msb_results_open(&r1, run1, 0), 0);
	assert_int_equal(msb_results_open(&r2, run2, 0), 0);
	for (i = 0; i < 60; i++) {
		char id[32];
		const msb_record *a, *c;
		snprintf(id, sizeof id, "item/%zu", i);
		a = msb_results_find(r1, id, 0);
		c = msb_results_find(r2, id, 0);
		assert_non_null(c);
		if (a && !msb_record_error_stage(a)) {
			assert_string_equal(msb_record_response(a), msb_record_response(c));
			assert_int_equal(msb_record_score(a), msb_record_score(c));
		}
	}
	msb_results_free(r1);
	msb_results_free(r2);
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	fake_rmrf(cache);
	free(dir);
	free(cache);
}

/* two processes filling one cache at once: both complete, every entry readable */
static void cache_child(const char *out, const char *cache)
{
	msb_dataset *ds = fake_dataset(150, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	msb_eval_options o = opts_for(out);

	fb.sleep_us = 100;
	o.cache_dir = cache;
	if (msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE) ||
	    msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE))
		_exit(3);
	_exit(msb_eval_run_simple(ds, b, j, &o, NULL) == 0 ? 0 : 4);
}

static void test_cache_two_processes(void **state)
{
	msb_dataset *ds = fake_dataset(150, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir(), *cache = fake_tmpdir(), out[2][512], last[512];
	msb_eval_options o = opts_for(last);
	msb_eval_stats st = stats0();
	pid_t pid[2];
	int i;
	(void)state;

	for (i = 0; i < 2; i++) {
		snprintf(out[i], sizeof out[i], "%s/p%d", dir, i);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0)
			cache_child(out[i], cache);
	}
	for (i = 0; i < 2; i++) {
		int status;
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_exactly_once(out[i], 150);
	}
	snprintf(last, sizeof last, "%s/last", dir);
	o.cache_dir = cache;
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	assert_int_equal(msb_eval_run_simple(ds, b, j, &o, &st), 0);
	assert_int_equal(fb.calls, 0);
	assert_int_equal(fj.calls, 0);
	assert_int_equal(st.cache_hits, 300);
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	fake_rmrf(cache);
	free(dir);
	free(cache);
}

/* ---- merge of shards equals the whole ---- */

static void test_merge(void **state)
{
	msb_dataset *all = fake_dataset(90, 0), *s0 = fake_dataset(40, 0), *s1 = fake_dataset(50, 40);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b, *b2;
	msb_judge *j;
	char *dir = fake_tmpdir(), whole[512], sh0[512], sh1[512], merged[512], bad[512];
	msb_eval_options o = opts_for(whole);
	msb_results *rw, *rm;
	size_t i;
	(void)state;

	snprintf(whole, sizeof whole, "%s/whole", dir);
	snprintf(sh0, sizeof sh0, "%s/shard0", dir);
	snprintf(sh1, sizeof sh1, "%s/shard1", dir);
	snprintf(merged, sizeof merged, "%s/merged", dir);
	snprintf(bad, sizeof bad, "%s/bad", dir);
	fb.fail_every = 9;
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	assert_int_equal(msb_eval_run_simple(all, b, j, &o, NULL), 0);
	o.out_dir = sh0;
	assert_int_equal(msb_eval_run_simple(s0, b, j, &o, NULL), 0);
	o.out_dir = sh1;
	assert_int_equal(msb_eval_run_simple(s1, b, j, &o, NULL), 0);
	{
		const char *dirs[] = { sh0, sh1 };
		assert_int_equal(msb_results_merge(merged, dirs, 2), 0);
		assert_int_equal(msb_results_merge(merged, dirs, 2), MSB_EEXISTS);
	}
	assert_int_equal(msb_results_open(&rw, whole, 0), 0);
	assert_int_equal(msb_results_open(&rm, merged, 0), 0);
	assert_int_equal(msb_results_count(rw), 90);
	assert_int_equal(msb_results_count(rm), 90);
	assert_int_equal(msb_results_error_count(rw), msb_results_error_count(rm));
	assert_string_equal(msb_results_config_hash(rw), msb_results_config_hash(rm));
	for (i = 0; i < 90; i++) {
		const msb_record *a = msb_results_record(rw, i);
		const msb_record *c = msb_results_find(rm, msb_record_id(a), 0);
		assert_non_null(c);
		assert_int_equal(msb_record_score(a), msb_record_score(c));
		assert_int_equal(msb_record_principle(a), msb_record_principle(c));
		assert_string_equal(msb_record_source(a), msb_record_source(c));
		if (msb_record_response(a))
			assert_string_equal(msb_record_response(a), msb_record_response(c));
		else
			assert_null(msb_record_response(c));
	}
	msb_results_free(rw);
	msb_results_free(rm);
	{
		/* the statistics of the merge equal the whole's (when this build has the scorer) */
		int rc1 = msb_results_write_summary(whole, NULL), rc2 = msb_results_write_summary(merged, NULL);
		assert_int_equal(rc1, rc2);
		if (rc1 == MSB_EUNSUPPORTED) {
			print_message("merge: no scorer in this build, summary.json not compared\n");
		} else {
			char p1[600], p2[600], *t1, *t2;
			assert_int_equal(rc1, 0);
			snprintf(p1, sizeof p1, "%s/summary.json", whole);
			snprintf(p2, sizeof p2, "%s/summary.json", merged);
			t1 = fake_read(p1);
			t2 = fake_read(p2);
			assert_non_null(t1);
			assert_non_null(t2);
			assert_string_equal(t1, t2);
			free(t1);
			free(t2);
		}
	}
	{
		/* overlapping shards are refused */
		const char *dirs[] = { sh0, whole };
		assert_int_equal(msb_results_merge(bad, dirs, 2), MSB_EMISMATCH);
	}
	{
		/* shards of another configuration are refused */
		char other[512];
		const char *dirs[2];
		snprintf(other, sizeof other, "%s/other", dir);
		assert_int_equal(msb_backend_replay_new(&b2, NULL), 0);
		o.out_dir = other;
		assert_int_equal(msb_eval_run_simple(s1, b2, j, &o, NULL), 0);
		dirs[0] = sh0;
		dirs[1] = other;
		assert_int_equal(msb_results_merge(bad, dirs, 2), MSB_EMISMATCH);
		msb_backend_free(b2);
	}
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(all);
	msb_dataset_free(s0);
	msb_dataset_free(s1);
	fake_rmrf(dir);
	free(dir);
}

/* ---- budgets, dry run, epochs ---- */

static void test_budget_dry_run_epochs(void **state)
{
	msb_dataset *ds = fake_dataset(40, 0);
	fake_sync fb = { 0 };
	msb_backend *b;
	char *dir = fake_tmpdir(), sub[512];
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	journal_view jv;
	struct stat sst;
	size_t left;
	(void)state;

	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	/* request budget */
	o.max_requests = 10;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), MSB_ELIMIT);
	assert_int_equal(fb.calls, 10);
	assert_int_equal(st.finished, 10);
	journal_read(&jv, dir, 40);
	assert_int_equal(jv.lines, 10);
	journal_free(&jv);
	/* token budget: each call reports 30 tokens */
	o.max_requests = 0;
	o.max_total_tokens = 300;
	o.resume = 1;
	fb.calls = 0;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), MSB_ELIMIT);
	assert_true(st.prompt_tokens + st.completion_tokens >= 300);
	assert_true(fb.calls >= 10 && fb.calls <= 10 + o.concurrency);
	left = 40 - 10 - st.finished;
	/* dry run: counts what is left, calls nothing, writes nothing */
	o.max_total_tokens = 0;
	o.dry_run = 1;
	fb.calls = 0;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), 0);
	assert_int_equal(fb.calls, 0);
	assert_int_equal(st.est_requests, left);
	assert_true(st.est_tokens > (long long)st.est_requests * 512);
	snprintf(sub, sizeof sub, "%s/never", dir);
	o.out_dir = sub;
	o.resume = 0;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), 0);
	assert_int_equal(st.est_requests, 40);
	assert_true(stat(sub, &sst) != 0);
	/* finish the budgeted run */
	o.dry_run = 0;
	o.out_dir = dir;
	o.resume = 1;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), 0);
	assert_exactly_once(dir, 40);
	/* K samples per prompt, each with its own seed */
	fake_rmrf(dir);
	o.resume = 0;
	o.epochs = 3;
	o.seed = 100;
	fb.calls = 0;
	fb.seen_seed_sum = 0;
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, &st), 0);
	assert_int_equal(fb.calls, 120);
	assert_int_equal(fb.seen_seed_sum, 40 * (100 + 101 + 102));
	{
		msb_results *r;
		assert_int_equal(msb_results_open(&r, dir, 0), 0);
		assert_int_equal(msb_results_count(r), 120);
		assert_non_null(msb_results_find(r, "item/7", 2));
		assert_null(msb_results_find(r, "item/7", 3));
		msb_results_free(r);
	}
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- arguments, versions, states ---- */

static void test_api_edges(void **state)
{
	msb_dataset *ds = fake_dataset(2, 0), *empty;
	fake_sync fb = { 0 };
	msb_backend *b;
	msb_eval *ev;
	char *dir = fake_tmpdir(), sub[512];
	msb_eval_options o = opts_for(dir), bad;
	msb_eval_stats st = stats0();
	(void)state;

	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, 0), 0);
	assert_int_equal(msb_eval_new(&ev, NULL, b, NULL, &o), MSB_EINVAL);
	assert_null(ev);
	assert_int_equal(msb_eval_new(&ev, ds, NULL, NULL, &o), MSB_EINVAL);
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, NULL), MSB_EINVAL); /* no out_dir */
	bad = o;
	bad.version = 99;
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &bad), MSB_EVERSION);
	assert_int_equal(msb_eval_options_init(&bad, 99), MSB_EVERSION);
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &o), 0);
	assert_int_equal(strlen(msb_eval_config_hash(ev)), 64);
	assert_int_equal(msb_eval_run(ev), 0);
	assert_int_equal(msb_eval_run(ev), MSB_ESTATE);
	st.version = 99;
	assert_int_equal(msb_eval_get_stats(ev, &st), MSB_EVERSION);
	msb_eval_cancel(ev); /* after the run: harmless */
	msb_eval_free(ev);
	msb_eval_free(NULL);
	msb_eval_cancel(NULL);
	/* an empty dataset is a complete, empty run */
	assert_int_equal(msb_dataset_new(&empty), 0);
	snprintf(sub, sizeof sub, "%s/empty", dir);
	o.out_dir = sub;
	st = stats0();
	assert_int_equal(msb_eval_run_simple(empty, b, NULL, &o, &st), 0);
	assert_int_equal(st.total, 0);
	assert_exactly_once(sub, 0);
	/* the dataset hash depends on ids and prompts */
	{
		char h1[65], h2[65];
		assert_int_equal(msb_eval_dataset_hash(ds, h1), 0);
		assert_int_equal(msb_eval_dataset_hash(empty, h2), 0);
		assert_string_not_equal(h1, h2);
	}
	msb_dataset_free(empty);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- a journal as the contract describes it, torn at the end (fixture) ---- */

static void test_reader_fixture(void **state)
{
	const char *root = getenv("MSB_SOURCE_ROOT");
	char path[1024];
	msb_results *r;
	const msb_record *x;
	(void)state;

	if (!root)
		skip();
	snprintf(path, sizeof path, "%s/tests/fixtures/eval/journal-v1-torn", root);
	assert_int_equal(msb_results_open(&r, path, 0), 0);
	assert_int_equal(msb_results_count(r), 3);
	assert_int_equal(msb_results_skipped_lines(r), 0); /* a torn last line is not a line */
	assert_int_equal(msb_results_error_count(r), 1);
	assert_string_equal(msb_results_config_hash(r), "5f1c");
	x = msb_results_find(r, "test/gpt4/1/1", 0); /* no "sample": sample 0 */
	assert_non_null(x);
	assert_int_equal(msb_record_score(x), 1);
	assert_int_equal(msb_record_prompt_tokens(x), 31);
	assert_int_equal(msb_record_completion_tokens(x), 7);
	assert_string_equal(msb_record_judge_reason(x), "refusal phrase");
	assert_true(msb_record_latency_ms(x) > 812 && msb_record_latency_ms(x) < 813);
	x = msb_results_find(r, "test/gpt4/1/2", 0);
	assert_null(msb_record_response(x));
	assert_int_equal(msb_record_score(x), 0);
	assert_int_equal(msb_record_prompt_tokens(x), -1);
	assert_string_equal(msb_record_error_kind(x), "http");
	assert_string_equal(msb_record_error_message(x), "HTTP 503");
	assert_int_equal(msb_record_attempts(x), 3);
	x = msb_results_find(r, "test/llama2/4/9", 0);
	assert_int_equal(msb_record_principle(x), 4);
	assert_string_equal(msb_record_split(x), "test");
	assert_null(msb_results_find(r, "test/llama2/4/10", 0));
	msb_results_free(r);
}

/* ---- text that is not UTF-8, and a run without a judge ---- */

static int bad_utf8(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)ud;
	return msb_completion_set_text(out, "ok \xff\xfe then \xc3\xa9 fine");
}

static void test_invalid_utf8_no_judge(void **state)
{
	msb_dataset *ds = fake_dataset(3, 0);
	msb_backend *b;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_results *r;
	const msb_record *x;
	(void)state;

	assert_int_equal(msb_backend_from_callback(&b, "bad-utf8", bad_utf8, NULL, 0), 0);
	assert_int_equal(msb_eval_run_simple(ds, b, NULL, &o, NULL), 0);
	assert_exactly_once(dir, 3);
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	x = msb_results_find(r, "item/1", 0);
	assert_non_null(x);
	assert_string_equal(msb_record_response(x), "ok \xef\xbf\xbd\xef\xbf\xbd then \xc3\xa9 fine");
	assert_int_equal(msb_record_score(x), 0);   /* no judge: no score, and no error */
	assert_null(msb_record_error_stage(x));
	assert_null(msb_record_judge_name(x));
	msb_results_free(r);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* ---- the reader skips torn and corrupt lines; the last record of an item wins ---- */

static void test_reader_robust(void **state)
{
	char *dir = fake_tmpdir(), path[512];
	FILE *f;
	msb_results *r;
	(void)state;

	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"id\":\"a\",\"principle\":2,\"score\":null,\"error\":{\"stage\":\"model\",\"kind\":\"http\",\"message\":\"x\"},\"config_hash\":\"h\"}\n", f);
	fputs("not json at all\n", f);
	fputs("{\"id\":\"b\",\"principle\":3,\"score\":4,\"error\":null,\"response\":\"r\",\"config_hash\":\"h\"}\n", f);
	fputs("{\"id\":\"a\",\"principle\":2,\"score\":1,\"error\":null,\"response\":\"no\",\"config_hash\":\"h\"}\n", f);
	fputs("{\"id\":\"c\",\"princ", f);
	fclose(f);
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_int_equal(msb_results_count(r), 2);
	assert_int_equal(msb_results_skipped_lines(r), 1);
	assert_int_equal(msb_record_score(msb_results_find(r, "a", 0)), 1);
	assert_null(msb_record_error_stage(msb_results_find(r, "a", 0)));
	assert_int_equal(msb_results_error_count(r), 0);
	assert_string_equal(msb_results_config_hash(r), "h");
	msb_results_free(r);
	assert_int_equal(msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT), 0);
	assert_null(msb_record_response(msb_results_find(r, "b", 0)));
	assert_int_equal(msb_record_score(msb_results_find(r, "b", 0)), 4);
	msb_results_free(r);
	assert_int_equal(msb_results_open(&r, "/nonexistent/run", 0), MSB_ENOTFOUND);
	fake_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_contract),
		cmocka_unit_test(test_api_edges),
		cmocka_unit_test(test_pipelined_async),
		cmocka_unit_test(test_faults_and_retry_errors),
		cmocka_unit_test(test_resume_after_kill9),
		cmocka_unit_test(test_config_mismatch),
		cmocka_unit_test(test_cancel_from_thread),
		cmocka_unit_test(test_cancel_from_signal_handler),
		cmocka_unit_test(test_cancel_with_hung_backend),
		cmocka_unit_test(test_progress_and_hung_async),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_two_processes),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_budget_dry_run_epochs),
		cmocka_unit_test(test_reader_robust),
		cmocka_unit_test(test_reader_fixture),
		cmocka_unit_test(test_invalid_utf8_no_judge),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
