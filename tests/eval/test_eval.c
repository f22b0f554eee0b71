/*
 * tests/eval/test_eval.c - the evaluation runner through the public API: the record
 * contract, arguments, pipelining, faults and retry-errors, cache, budgets, dry run,
 * epochs, text that is not UTF-8.
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
#include "../common/info.h"

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
	/* the host's configuration must be a JSON object; it lands in run.json */
	o.config_json = "[1, 2]";
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), MSB_EINVAL);
	o.config_json = "{\"dataset\": {\"source\": \"sample\"}, \"run\": {\"concurrency\": 4}}";
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(run, "config"), "run"), "concurrency")), 4);
	assert_true(json_is_string(json_object_get(run, "end_time")));
	/* the records carry the run's configuration hash */
	assert_string_equal(json_string_value(json_object_get(run, "config_hash")),
	    json_string_value(json_object_get(rec, "config_hash")));
	assert_null(strstr(text, "KEY"));
	json_decref(rec);
	json_decref(run);
	free(text);

	/* summary.json and the reports: the overall n is every item */
	snprintf(path, sizeof path, "%s/summary.json", dir);
	text = fake_read(path);
	assert_non_null(text);
	run = json_loads(text, 0, NULL);
	assert_non_null(run);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(run, "overall"), "n")), 50);
	assert_non_null(json_object_get(json_object_get(run, "by_principle"), "9"));
	json_decref(run);
	free(text);
	snprintf(path, sizeof path, "%s/report.md", dir);
	text = fake_read(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "model fake, judge refusal-fake"));
	free(text);
	snprintf(path, sizeof path, "%s/report.html", dir);
	text = fake_read(path);
	assert_non_null(text);
	assert_non_null(strstr(text, "<svg"));
	free(text);

	/* the public reader sees the same */
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_int_equal(msb_results_count(r), 50);
	assert_int_equal(msb_results_skipped_lines(r), 0);
	x = msb_results_find(r, "item/3", 0);
	assert_non_null(x);
	assert_int_equal(msbt_record(x).score, 1); /* 3 % 3 == 0: the fake refuses */
	assert_int_equal(msbt_record(x).principle, 4);
	assert_string_equal(msbt_record(x).source, "llama2");
	assert_non_null(msbt_record(x).response);
	assert_int_equal(msbt_record(msb_results_find(r, "item/4", 0)).score, 5);
	assert_null(msbt_record(x).error_stage);
	msb_results_free(r);

	/* an existing run folder is not overwritten */
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, j, &o), MSB_EEXISTS);
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, j, &o), 0);
	assert_exactly_once(dir, 50);

	msb_judge_free(j);
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
	assert_int_equal(msb_eval_get_stats(&st, ev), MSB_EVERSION);
	msb_eval_cancel(ev); /* after the run: harmless */
	msb_eval_free(ev);
	msb_eval_free(NULL);
	msb_eval_cancel(NULL);
	/* an empty dataset is a complete, empty run */
	assert_int_equal(msb_dataset_new(&empty), 0);
	snprintf(sub, sizeof sub, "%s/empty", dir);
	o.out_dir = sub;
	st = stats0();
	assert_int_equal(msb_eval_run_simple(&st, empty, b, NULL, &o), 0);
	assert_int_equal(st.total, 0);
	assert_exactly_once(sub, 0);
	/* the dataset hash depends on ids and prompts */
	{
		char *h1, *h2;
		assert_int_equal(msb_dataset_hash(&h1, ds), 0);
		assert_int_equal(msb_dataset_hash(&h2, empty), 0);
		assert_string_not_equal(h1, h2);
		msb_free(h1);
		msb_free(h2);
	}
	msb_dataset_free(empty);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_null(msbt_record(msb_results_find(r, "item/0", 0)).response);
	assert_string_equal(msbt_record(msb_results_find(r, "item/0", 0)).error_stage, "model");
	assert_string_equal(msbt_record(msb_results_find(r, "item/0", 0)).error.kind, "http");
	assert_int_equal(msbt_record(msb_results_find(r, "item/0", 0)).score, 0);
	assert_string_equal(msbt_record(msb_results_find(r, "item/1", 0)).error_stage, "judge");
	assert_non_null(msbt_record(msb_results_find(r, "item/1", 0)).response);
	msb_results_free(r);

	/* retries: a failing call is tried again (and fails again here) */
	fake_rmrf(dir);
	fb.calls = 0;
	o.retries = 2;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
	assert_int_equal(fb.calls, 80 + 20 * 3);
	o.retries = 0;

	/* the server recovers: --retry-errors runs only the failed items again */
	fb.fail_every = 0;
	fj.fail_every = 0;
	fb.calls = fj.calls = 0;
	o.resume = 1;
	o.retry_errors = 1;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
	/*
	 * 20 model failures run again; the 12 judge failures are judged again from
	 * answers.jsonl, without asking the model again (the answer was paid for)
	 */
	assert_int_equal(fb.calls, 20);
	assert_int_equal(fj.calls, 20 + 12);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
	assert_int_equal(fb.calls, 60);
	assert_int_equal(fj.calls, 54);
	assert_int_equal(st.cache_hits, 0);
	fb.calls = fj.calls = 0;
	fb.fail_every = 0;
	o.out_dir = run2;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
	assert_int_equal(fb.calls, 6);  /* only the six that failed before */
	assert_int_equal(fj.calls, 6);
	assert_int_equal(st.cache_hits, 2 * 54);
	/* a third run: everything cached, not a single call */
	fb.calls = fj.calls = 0;
	o.force = 1;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
		if (a && !msbt_record(a).error_stage) {
			assert_string_equal(msbt_record(a).response, msbt_record(c).response);
			assert_int_equal(msbt_record(a).score, msbt_record(c).score);
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
	int rc;

	fb.sleep_us = 100;
	o.cache_dir = cache;
	if (msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE) ||
	    msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE))
		_exit(3);
	rc = msb_eval_run_simple(NULL, ds, b, j, &o) == 0 ? 0 : 4;
	/* freed, so that scripts/valgrind finds no leak in the child */
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	_exit(rc);
}

static void test_cache_two_processes(void **state)
{
	msb_dataset *ds; /* made after the fork: the children must not inherit it */
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
		if (pid[i] == 0) {
			/* the child keeps nothing of the parent's heap (clean under valgrind) */
			char c[512];
			snprintf(c, sizeof c, "%s", cache);
			free(dir);
			free(cache);
			cache_child(out[i], c);
		}
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
	ds = fake_dataset(150, 0);
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	assert_int_equal(msb_eval_run_simple(&st, ds, b, j, &o), 0);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), MSB_ELIMIT);
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
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), MSB_ELIMIT);
	assert_true(st.prompt_tokens + st.completion_tokens >= 300);
	assert_true(fb.calls >= 10 && fb.calls <= 10 + o.concurrency);
	left = 40 - 10 - st.finished;
	/* dry run: counts what is left, calls nothing, writes nothing */
	o.max_total_tokens = 0;
	o.dry_run = 1;
	fb.calls = 0;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), 0);
	assert_int_equal(fb.calls, 0);
	assert_int_equal(st.est_requests, left);
	assert_true(st.est_tokens > (long long)st.est_requests * 512);
	snprintf(sub, sizeof sub, "%s/never", dir);
	o.out_dir = sub;
	o.resume = 0;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), 0);
	assert_int_equal(st.est_requests, 40);
	assert_true(stat(sub, &sst) != 0);
	/* finish the budgeted run */
	o.dry_run = 0;
	o.out_dir = dir;
	o.resume = 1;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), 0);
	assert_exactly_once(dir, 40);
	/* K samples per prompt, each with its own seed */
	fake_rmrf(dir);
	o.resume = 0;
	o.epochs = 3;
	o.seed = 100;
	fb.calls = 0;
	fb.seen_seed_sum = 0;
	assert_int_equal(msb_eval_run_simple(&st, ds, b, NULL, &o), 0);
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
	assert_int_equal(msb_eval_run_simple(NULL, ds, b, NULL, &o), 0);
	assert_exactly_once(dir, 3);
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	x = msb_results_find(r, "item/1", 0);
	assert_non_null(x);
	assert_string_equal(msbt_record(x).response, "ok \xef\xbf\xbd\xef\xbf\xbd then \xc3\xa9 fine");
	assert_int_equal(msbt_record(x).score, 0);   /* no judge: no score, and no error */
	assert_null(msbt_record(x).error_stage);
	assert_null(msbt_record(x).judge_name);
	msb_results_free(r);
	msb_backend_free(b);
	msb_dataset_free(ds);
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
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_two_processes),
		cmocka_unit_test(test_budget_dry_run_epochs),
		cmocka_unit_test(test_invalid_utf8_no_judge),
	};
	return cmocka_run_group_tests(tests, eval_setup, eval_teardown);
}
