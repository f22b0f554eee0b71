/*
 * tests/eval/test_eval_crash.c - crashes and stops: resume after kill -9 at random points,
 * configuration mismatch, cancellation from a thread, a signal handler and a progress
 * callback, backends that hang.
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

#include "helpers.h"

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
	_exit(msb_eval_run_simple(NULL, ds, b, j, &o) == 0 ? 0 : 4);
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
		usleep((useconds_t)(1000 * (5 + rand_r(&seed) % 60)));
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
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, NULL, &o), MSB_ELIMIT);
	o.max_requests = 0;
	o.resume = 1;
	o.max_tokens = 100; /* another generation setting: another configuration */
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, NULL, &o), MSB_EMISMATCH);
	assert_non_null(strstr(msb_error_last()->message, "max_tokens (was 512, now 100)"));
	/* resume + force used to relabel the old records: now refused (issue #15 item 4) */
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, NULL, &o), MSB_EINVAL);
	o.max_tokens = 512;
	o.force = 0;
	o.temperature = 0.7;
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, NULL, &o), MSB_EMISMATCH);
	assert_non_null(strstr(msb_error_last()->message, "temperature"));
	/* force alone starts over */
	o.resume = 0;
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), 0);
	assert_int_equal(st.resumed, 0);
	assert_int_equal(st.finished, 20);
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
	assert_int_equal(msb_eval_get_stats(&st, ev), 0);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), MSB_ECANCELED);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_after_kill9),
		cmocka_unit_test(test_config_mismatch),
		cmocka_unit_test(test_cancel_from_thread),
		cmocka_unit_test(test_cancel_from_signal_handler),
		cmocka_unit_test(test_cancel_with_hung_backend),
		cmocka_unit_test(test_progress_and_hung_async),
	};
	return cmocka_run_group_tests(tests, eval_setup, eval_teardown);
}
