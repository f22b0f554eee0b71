/*
 * tests/eval/test_batch.c - the batch stage's journal (OUT/batch/batches.jsonl) and the
 * argument checks of msb_batch_run. The HTTP side (a fake Batch API, kill and resume) is
 * tested through the installed CLI: tests/cli/test_batch.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "medsafety/medsafety.h"
#include "eval/batch.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/msb-batch-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void rm_rf(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_options(void **state)
{
	msb_batch_options o;
	(void)state;

	assert_int_equal(msb_batch_options_init(&o, MSB_BATCH_OPTIONS_VERSION), 0);
	/* OpenAI's limits and a 30 s poll are the defaults; both stages off */
	assert_int_equal(o.model, 0);
	assert_int_equal(o.judge, 0);
	assert_int_equal(o.poll_interval_ms, 30000);
	assert_int_equal(o.retry, 0);
	assert_int_equal(o.max_lines, 50000);
	assert_int_equal(o.max_bytes, 200000000u);
	assert_int_equal(msb_batch_options_init(&o, 99), MSB_EVERSION);
	assert_int_equal(msb_batch_options_init(NULL, MSB_BATCH_OPTIONS_VERSION), MSB_EINVAL);
}

/* submitted + ended lines; a torn last line; reopened: what a resumed stage sees */
static void test_journal(void **state)
{
	char *dir = tmpdir(), path[600];
	const char *ids1[] = { "m-aa", "m-bb" }, *ids2[] = { "m-bb", "m-cc" };
	msb__batch_journal j;
	msb__batch_state st;
	FILE *f;
	(void)state;

	assert_int_equal(msb__batch_journal_open(&j, dir, 0), 0);
	assert_int_equal(msb__batch_journal_submitted(&j, "model", "batch_1", "file-1", ids1, 2), 0);
	memset(&st, 0, sizeof st);
	strcpy(st.status, "expired");
	assert_int_equal(msb__batch_journal_ended(&j, 0, &st, 1, 1, 10, 8), 0);
	assert_int_equal(msb__batch_journal_submitted(&j, "model", "batch_2", "file-3", ids2, 2), 0);
	msb__batch_journal_close(&j);
	/* a kill in the middle of writing a third line */
	snprintf(path, sizeof path, "%s/batches.jsonl", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"event\":\"submitted\",\"stage\":\"model\",\"batch\":\"batch_3\",\"custo", f);
	fclose(f);

	assert_int_equal(msb__batch_journal_open(&j, dir, 1), 0);
	assert_int_equal(j.n, 2); /* the torn line is not a batch */
	assert_string_equal(j.e[0].batch_id, "batch_1");
	assert_int_equal(j.e[0].ended, 1);
	assert_string_equal(j.e[0].status, "expired");
	assert_int_equal(j.e[0].succeeded, 1);
	assert_int_equal(j.e[0].prompt_tokens, 10);
	assert_string_equal(j.e[1].batch_id, "batch_2");
	assert_int_equal(j.e[1].ended, 0); /* open: the resumed stage polls it */
	/* m-bb was in both batches */
	assert_int_equal(msb__batch_journal_subs(&j, "m-aa"), 1);
	assert_int_equal(msb__batch_journal_subs(&j, "m-bb"), 2);
	assert_int_equal(msb__batch_journal_subs(&j, "m-cc"), 1);
	assert_int_equal(msb__batch_journal_subs(&j, "m-dd"), 0);
	msb__batch_journal_close(&j);

	/* the torn tail was cut: the file ends with the second line */
	{
		char *text = NULL;
		size_t n = 0;
		f = fopen(path, "r");
		assert_non_null(f);
		assert_true(getdelim(&text, &n, '\0', f) > 0);
		fclose(f);
		assert_null(strstr(text, "batch_3"));
		assert_int_equal(text[strlen(text) - 1], '\n');
		free(text);
	}
	/* without resume the journal starts empty */
	assert_int_equal(msb__batch_journal_open(&j, dir, 0), 0);
	assert_int_equal(j.n, 0);
	msb__batch_journal_close(&j);
	rm_rf(dir);
	free(dir);
}

/* run.json's block: counts summed per stage, open batches named "open" */
static void test_runinfo(void **state)
{
	char *dir = tmpdir(), sub[600];
	const char *m[] = { "m-1", "m-2", "m-3" }, *jd[] = { "j-1" };
	msb__batch_journal j;
	msb__batch_state st;
	json_t *o, *model, *judge;
	(void)state;

	assert_null(msb__batch_runinfo(dir)); /* no batch folder: no block */
	snprintf(sub, sizeof sub, "%s/batch", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(msb__batch_journal_open(&j, sub, 0), 0);
	assert_int_equal(msb__batch_journal_submitted(&j, "model", "b1", "f1", m, 3), 0);
	assert_int_equal(msb__batch_journal_submitted(&j, "judge", "b2", "f2", jd, 1), 0);
	memset(&st, 0, sizeof st);
	strcpy(st.status, "completed");
	assert_int_equal(msb__batch_journal_ended(&j, 0, &st, 2, 1, 20, 16), 0);
	msb__batch_journal_close(&j);
	o = msb__batch_runinfo(dir);
	assert_non_null(o);
	assert_true(json_real_value(json_object_get(o, "discount")) == 0.5);
	model = json_object_get(o, "model");
	judge = json_object_get(o, "judge");
	assert_int_equal(json_integer_value(json_object_get(model, "requests")), 3);
	assert_int_equal(json_integer_value(json_object_get(model, "succeeded")), 2);
	assert_int_equal(json_integer_value(json_object_get(model, "failed")), 1);
	assert_int_equal(json_integer_value(json_object_get(model, "completion_tokens")), 16);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(judge,
	    "batches"), 0), "status")), "open");
	json_decref(o);
	rm_rf(dir);
	free(dir);
}

/* the stage needs an OpenAI-compatible backend; nothing to do is 0 and writes nothing */
static void test_run_checks(void **state)
{
	char *dir = tmpdir(), out[600];
	msb_dataset *ds = NULL;
	msb_backend *replay = NULL;
	msb_eval_options eo;
	msb_batch_options bo;
	(void)state;

	assert_true(msb_init() >= 0);
	assert_int_equal(msb_dataset_load_sample(&ds), 0);
	assert_int_equal(msb_backend_replay_new(&replay, NULL), 0);
	msb_eval_options_init(&eo, MSB_EVAL_OPTIONS_VERSION);
	snprintf(out, sizeof out, "%s/run", dir);
	eo.out_dir = out;
	msb_batch_options_init(&bo, MSB_BATCH_OPTIONS_VERSION);
	assert_int_equal(msb_batch_run(NULL, ds, replay, NULL, &eo, &bo), 0);
	assert_int_equal(access(out, F_OK), -1); /* neither stage: nothing written */
	bo.model = 1;
	assert_int_equal(msb_batch_run(NULL, ds, replay, NULL, &eo, &bo), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "openai/MODEL"));
	bo.model = 0;
	bo.judge = 1; /* no LLM judge */
	assert_int_equal(msb_batch_run(NULL, ds, replay, NULL, &eo, &bo), MSB_EINVAL);
	bo.version = 7;
	assert_int_equal(msb_batch_run(NULL, ds, replay, NULL, &eo, &bo), MSB_EVERSION);
	assert_int_equal(msb_batch_run(NULL, NULL, replay, NULL, &eo, &bo), MSB_EINVAL);
	msb_backend_free(replay);
	msb_dataset_free(ds);
	msb_shutdown();
	rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_runinfo),
		cmocka_unit_test(test_run_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
