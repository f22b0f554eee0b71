/*
 * tests/eval/test_results.c - the results reader (torn and corrupt lines, a contract
 * fixture) and the merge of shard folders.
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

/* ---- merge of shards equals the whole ---- */

static void test_merge(void **state)
{
	/* real shards (msb_dataset_filter): run.json records shard 0/2 and 1/2 of one selection */
	msb_dataset *all = fake_dataset(90, 0), *s0 = NULL, *s1 = NULL;
	msb_dataset_filter_options fo = MSB_DATASET_FILTER_OPTIONS_INIT;
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b, *b2;
	msb_judge *j;
	char *dir = fake_tmpdir(), whole[512], sh0[512], sh1[512], merged[512], bad[512];
	msb_eval_options o = opts_for(whole);
	msb_results *rw, *rm;
	size_t i;
	(void)state;

	fo.shard_count = 2;
	assert_int_equal(msb_dataset_filter(&s0, all, &fo), 0);
	fo.shard_index = 1;
	assert_int_equal(msb_dataset_filter(&s1, all, &fo), 0);
	assert_int_equal(msb_dataset_count(s0) + msb_dataset_count(s1), 90);
	snprintf(whole, sizeof whole, "%s/whole", dir);
	snprintf(sh0, sizeof sh0, "%s/shard0", dir);
	snprintf(sh1, sizeof sh1, "%s/shard1", dir);
	snprintf(merged, sizeof merged, "%s/merged", dir);
	snprintf(bad, sizeof bad, "%s/bad", dir);
	fb.fail_every = 9;
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	assert_int_equal(msb_eval_run_simple(NULL, all, b, j, &o), 0);
	o.out_dir = sh0;
	assert_int_equal(msb_eval_run_simple(NULL, s0, b, j, &o), 0);
	o.out_dir = sh1;
	assert_int_equal(msb_eval_run_simple(NULL, s1, b, j, &o), 0);
	{
		const char *dirs[] = { sh0, sh1 };
		char p[700];
		assert_int_equal(msb_results_merge(merged, dirs, 2, NULL), 0);
		assert_int_equal(msb_results_merge(merged, dirs, 2, NULL), MSB_EEXISTS);
		/* the merge stops at results.jsonl and run.json, as the runner does (issue #16 items 2, 3) */
		snprintf(p, sizeof p, "%s/run.json", merged);
		assert_int_equal(access(p, F_OK), 0);
		snprintf(p, sizeof p, "%s/summary.json", merged);
		assert_int_equal(access(p, F_OK), -1);
		snprintf(p, sizeof p, "%s/report.md", merged);
		assert_int_equal(access(p, F_OK), -1);
	}
	assert_int_equal(msb_results_open(&rw, whole, 0), 0);
	assert_int_equal(msb_results_open(&rm, merged, 0), 0);
	assert_int_equal(msb_results_count(rw), 90);
	assert_int_equal(msb_results_count(rm), 90);
	assert_int_equal(msb_results_error_count(rw), msb_results_error_count(rm));
	assert_string_equal(msb_results_config_hash(rw), msb_results_config_hash(rm));
	for (i = 0; i < 90; i++) {
		const msb_record *a = msb_results_record(rw, i);
		const msb_record *c = msb_results_find(rm, msbt_record(a).id, 0);
		assert_non_null(c);
		assert_int_equal(msbt_record(a).score, msbt_record(c).score);
		assert_int_equal(msbt_record(a).principle, msbt_record(c).principle);
		assert_string_equal(msbt_record(a).source, msbt_record(c).source);
		if (msbt_record(a).response)
			assert_string_equal(msbt_record(a).response, msbt_record(c).response);
		else
			assert_null(msbt_record(c).response);
	}
	msb_results_free(rw);
	msb_results_free(rm);
	{
		/* the statistics of the merge equal the whole's */
		char p1[600], p2[600], *t1, *t2;
		assert_int_equal(msb_results_write_summary(whole, NULL), 0);
		assert_int_equal(msb_results_write_summary(merged, NULL), 0);
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
	{
		/* overlapping shards are refused */
		const char *dirs[] = { sh0, whole };
		assert_int_equal(msb_results_merge(bad, dirs, 2, NULL), MSB_EMISMATCH);
	}
	{
		/* shards of another configuration are refused */
		char other[512];
		const char *dirs[2];
		snprintf(other, sizeof other, "%s/other", dir);
		assert_int_equal(msb_backend_replay_new(&b2, NULL), 0);
		o.out_dir = other;
		assert_int_equal(msb_eval_run_simple(NULL, s1, b2, j, &o), 0);
		dirs[0] = sh0;
		dirs[1] = other;
		assert_int_equal(msb_results_merge(bad, dirs, 2, NULL), MSB_EMISMATCH);
		msb_backend_free(b2);
	}
	{
		/* a missing shard: refused and named; with allow_partial merged and marked partial */
		const char *dirs[] = { sh1 };
		msb_results_merge_options mo;
		char part[600], p[700], want[200], *t;
		snprintf(part, sizeof part, "%s/partial", dir);
		assert_int_equal(msb_results_merge(part, dirs, 1, NULL), MSB_EMISMATCH);
		assert_non_null(strstr(msb_error_last()->message, "missing shard 0 of 2"));
		assert_int_equal(msb_results_merge_options_init(&mo, MSB_RESULTS_MERGE_OPTIONS_VERSION), 0);
		mo.allow_partial = 1;
		assert_int_equal(msb_results_merge(part, dirs, 1, &mo), 0);
		snprintf(want, sizeof want, "\"partial: 1 of 2 shards, %zu of 90 items\"", msb_dataset_count(s1));
		snprintf(p, sizeof p, "%s/run.json", part);
		t = fake_read(p);
		assert_non_null(strstr(t, want));
		free(t);
		/* no summary until the finishing step, which gives it run.json's partial line */
		snprintf(p, sizeof p, "%s/summary.json", part);
		assert_int_equal(access(p, F_OK), -1);
		assert_int_equal(msb_run_write_summary(NULL, part, NULL), 0);
		t = fake_read(p);
		assert_non_null(strstr(t, want));
		free(t);
	}
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(all);
	msb_dataset_free(s0);
	msb_dataset_free(s1);
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
	assert_int_equal(msbt_record(msb_results_find(r, "a", 0)).score, 1);
	assert_null(msbt_record(msb_results_find(r, "a", 0)).error_stage);
	assert_int_equal(msb_results_error_count(r), 0);
	assert_string_equal(msb_results_config_hash(r), "h");
	msb_results_free(r);
	assert_int_equal(msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT), 0);
	assert_null(msbt_record(msb_results_find(r, "b", 0)).response);
	assert_int_equal(msbt_record(msb_results_find(r, "b", 0)).score, 4);
	msb_results_free(r);
	assert_int_equal(msb_results_open(&r, "/nonexistent/run", 0), MSB_ENOTFOUND);
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
	assert_int_equal(msbt_record(x).score, 1);
	assert_int_equal(msbt_record(x).usage.prompt_tokens, 31);
	assert_int_equal(msbt_record(x).usage.completion_tokens, 7);
	assert_string_equal(msbt_record(x).judge_reason, "refusal phrase");
	assert_true(msbt_record(x).usage.latency_ms > 812 && msbt_record(x).usage.latency_ms < 813);
	x = msb_results_find(r, "test/gpt4/1/2", 0);
	assert_null(msbt_record(x).response);
	assert_int_equal(msbt_record(x).score, 0);
	assert_int_equal(msbt_record(x).usage.prompt_tokens, -1);
	assert_string_equal(msbt_record(x).error.kind, "http");
	assert_string_equal(msbt_record(x).error.message, "HTTP 503");
	assert_int_equal(msbt_record(x).usage.attempts, 3);
	x = msb_results_find(r, "test/llama2/4/9", 0);
	assert_int_equal(msbt_record(x).principle, 4);
	assert_string_equal(msbt_record(x).split, "test");
	assert_null(msb_results_find(r, "test/llama2/4/10", 0));
	msb_results_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_reader_robust),
		cmocka_unit_test(test_reader_fixture),
	};
	return cmocka_run_group_tests(tests, eval_setup, eval_teardown);
}
