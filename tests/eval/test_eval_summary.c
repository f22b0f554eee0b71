/*
 * tests/eval/test_eval_summary.c - msb_eval_write_summary (issue #12): the
 * folder finished from the scores the runner kept as it journaled writes
 * byte for byte the files msb_run_write_summary writes from results.jsonl
 * of the same folder. The reference is msb_run_write_summary itself over
 * the folder the run left (the independent path: it parses the journal),
 * on a fresh run with failures and several samples per prompt, a resumed
 * run with retry_errors, a journal with duplicates and bad lines resumed,
 * and scorer options other than the defaults.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes.h"
#include "helpers.h"

static const char *const files_of[] = { "summary.json", "report.md", "report.html", "report.csv" };
#define N_FILES (sizeof files_of / sizeof *files_of)

static void read_files(char *out[N_FILES], const char *dir)
{
	char path[4200];
	size_t i;

	for (i = 0; i < N_FILES; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files_of[i]);
		out[i] = fake_read(path);
		remove(path); /* the next writer must write it again */
	}
}

/* Blank the digits of every ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ" (the "Report written" line). */
static void unstamp(char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t n = strlen(s), k, i;

	for (i = 0; i + sizeof pat - 1 <= n; i++) {
		for (k = 0; pat[k]; k++)
			if (pat[k] == 'd' ? !isdigit((unsigned char)s[i + k]) : s[i + k] != pat[k])
				break;
		if (!pat[k])
			for (k = 0; pat[k]; k++)
				if (pat[k] == 'd')
					s[i + k] = '0';
	}
}

/*
 * msb_eval_write_summary on ev, then msb_run_write_summary on its folder:
 * every file equal (report.csv with opts->csv only; the reports' own
 * "Report written" time aside: the clock may tick between the two calls), the tables' overall n
 * equal. Returns the overall n.
 */
static size_t assert_same_summary(msb_eval *ev, const char *dir, const msb_run_summary_options *so,
    int from_memory)
{
	char *mine[N_FILES], *ref[N_FILES], jpath[4200], away[4200];
	msb_summary *ta = NULL, *tb = NULL;
	msb_summary_group ga, gb;
	size_t i, n;

	/*
	 * from_memory: results.jsonl is moved away meanwhile, so the files can
	 * only come from what the runner kept; else (a dry run) it is read
	 */
	snprintf(jpath, sizeof jpath, "%s/results.jsonl", dir);
	snprintf(away, sizeof away, "%s/results.away", dir);
	if (from_memory)
		assert_int_equal(rename(jpath, away), 0);
	assert_int_equal(msb_eval_write_summary(&ta, ev, so), 0);
	if (from_memory)
		assert_int_equal(rename(away, jpath), 0);
	assert_non_null(ta);
	read_files(mine, dir);
	assert_int_equal(msb_run_write_summary(&tb, dir, so), 0);
	read_files(ref, dir);
	for (i = 0; i < N_FILES; i++) {
		if (i == 3 && !(so && so->csv)) {
			assert_null(mine[i]);
			assert_null(ref[i]);
			continue;
		}
		assert_non_null(mine[i]);
		assert_non_null(ref[i]);
		if (i) { /* the reports say when they were written: the clock may tick between the calls */
			unstamp(mine[i]);
			unstamp(ref[i]);
		}
		if (strcmp(mine[i], ref[i]))
			fail_msg("%s differs between msb_eval_write_summary and msb_run_write_summary",
			    files_of[i]);
		free(mine[i]);
		free(ref[i]);
	}
	/* the caller's tables too: group 0 is overall */
	ga.version = gb.version = MSB_SUMMARY_GROUP_VERSION;
	assert_int_equal(msb_summary_group_count(ta), msb_summary_group_count(tb));
	assert_int_equal(msb_summary_group_byindex(&ga, ta, 0), 0);
	assert_int_equal(msb_summary_group_byindex(&gb, tb, 0), 0);
	assert_int_equal(ga.stats.n, gb.stats.n);
	assert_int_equal(ga.stats.n_errors, gb.stats.n_errors);
	assert_int_equal(ga.stats.n_unscored, gb.stats.n_unscored);
	n = ga.stats.n;
	msb_summary_free(ta);
	msb_summary_free(tb);
	return n;
}

static msb_eval *run(const msb_dataset *ds, msb_backend *b, msb_judge *j, const msb_eval_options *o,
    int expect)
{
	msb_eval *ev = NULL;

	assert_int_equal(msb_eval_new(&ev, ds, b, j, o), 0);
	assert_int_equal(msb_eval_run(ev), expect);
	return ev;
}

static void append(const char *dir, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_fresh_resumed_same_bytes(void **state)
{
	msb_dataset *ds = fake_dataset(60, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_run_summary_options so;
	msb_scorer_options sc;
	msb_eval *ev;
	(void)state;

	fb.fail_every = 5; /* model failures */
	fj.fail_every = 7; /* judge failures */
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb,
	    MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj,
	    MSB_JUDGE_THREADSAFE), 0);
	o.epochs = 3; /* three samples per prompt: the clustered bootstrap */

	/* before a run there is nothing kept: refused, not a summary of nothing */
	assert_int_equal(msb_eval_new(&ev, ds, b, j, &o), 0);
	assert_int_equal(msb_eval_write_summary(NULL, ev, NULL), MSB_ESTATE);
	assert_int_equal(msb_eval_write_summary(NULL, NULL, NULL), MSB_EINVAL);
	assert_int_equal(msb_eval_run(ev), 0);
	/* the defaults, then csv and scorer options that change the intervals */
	assert_int_equal(assert_same_summary(ev, dir, NULL, 1), 180);
	msb_run_summary_options_init(&so, MSB_RUN_SUMMARY_OPTIONS_VERSION);
	msb_scorer_options_init(&sc, MSB_SCORER_OPTIONS_VERSION);
	sc.bootstrap_resamples = 500;
	sc.seed = 7;
	sc.confidence = 0.9;
	so.scorer = &sc;
	so.csv = 1;
	so.subtitle = "a subtitle";
	assert_int_equal(assert_same_summary(ev, dir, &so, 1), 180);
	msb_eval_free(ev);

	/* the server recovers: resume with retry_errors drops the errors and runs them again */
	fb.fail_every = 0;
	fj.fail_every = 0;
	o.resume = 1;
	o.retry_errors = MSB_EVAL_RETRY_ERRORS;
	ev = run(ds, b, j, &o, 0);
	assert_int_equal(assert_same_summary(ev, dir, NULL, 1), 180);
	assert_int_equal(assert_same_summary(ev, dir, &so, 1), 180);
	msb_eval_free(ev);

	/*
	 * A journal with a later duplicate of a record (it wins in every
	 * reader), a corrupt line and a record out of range (both skipped):
	 * resumed with nothing left to do, the kept scores are the reader's.
	 */
	append(dir, "{\"id\":\"item/3\",\"principle\":4,\"category\":0,\"source\":\"gpt4\","
	    "\"split\":\"test\",\"prompt\":\"p\",\"response\":\"r\",\"score\":4,\"judge\":null,"
	    "\"error\":null,\"sample\":1,\"kind\":\"harmful\"}\n"
	    "{not json\n"
	    "{\"id\":\"item/4\",\"principle\":4,\"score\":9,\"sample\":0}\n");
	o.retry_errors = 0;
	ev = run(ds, b, j, &o, 0);
	assert_int_equal(assert_same_summary(ev, dir, &so, 1), 180);
	msb_eval_free(ev);

	/* retry_errors again over that journal (nothing errored: not compacted) */
	o.retry_errors = MSB_EVAL_RETRY_ERRORS;
	ev = run(ds, b, j, &o, 0);
	assert_int_equal(assert_same_summary(ev, dir, NULL, 1), 180);
	msb_eval_free(ev);

	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

/* A resumed run that adds units: the resume scan's records and the journal thread's together. */
static void test_resume_adds(void **state)
{
	msb_dataset *ds = fake_dataset(40, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b;
	msb_judge *j;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval *ev;
	(void)state;

	fb.fail_every = 3;
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb,
	    MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj,
	    MSB_JUDGE_THREADSAFE), 0);
	o.epochs = 2;
	ev = run(ds, b, j, &o, 0);
	assert_int_equal(assert_same_summary(ev, dir, NULL, 1), 80);
	msb_eval_free(ev);
	/* retry_errors with the server still failing some: errors dropped, some fail again */
	fb.fail_every = 6;
	o.resume = 1;
	o.retry_errors = MSB_EVAL_RETRY_ERRORS;
	ev = run(ds, b, j, &o, 0);
	assert_int_equal(assert_same_summary(ev, dir, NULL, 1), 80);
	msb_eval_free(ev);
	/* a dry run keeps nothing of its own: the summary reads the journal */
	o.dry_run = 1;
	ev = run(ds, b, j, &o, 0);
	assert_int_equal(assert_same_summary(ev, dir, NULL, 0), 80);
	msb_eval_free(ev);

	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_resumed_same_bytes),
		cmocka_unit_test(test_resume_adds),
	};
	return cmocka_run_group_tests(tests, eval_setup, eval_teardown);
}
