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
#include "medsafety/openai.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "eval/batch.h"
#include "backend/completion.h"

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
	assert_int_equal(msb__batch_journal_submitted(&j, "model", "openai", "batch_1", "file-1", ids1, 2), 0);
	memset(&st, 0, sizeof st);
	strcpy(st.status, "expired");
	assert_int_equal(msb__batch_journal_ended(&j, 0, &st, 1, 1, 10, 8), 0);
	assert_int_equal(msb__batch_journal_submitted(&j, "model", "openai", "batch_2", "file-3", ids2, 2), 0);
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
	assert_string_equal(j.e[0].provider, "openai");
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
	assert_int_equal(msb__batch_journal_submitted(&j, "model", "anthropic", "b1", "f1", m, 3), 0);
	assert_int_equal(msb__batch_journal_submitted(&j, "judge", "openai", "b2", "f2", jd, 1), 0);
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
	/* each stage names its provider */
	assert_string_equal(json_string_value(json_object_get(model, "provider")), "anthropic");
	assert_string_equal(json_string_value(json_object_get(judge, "provider")), "openai");
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

static msb_backend *http_backend(int dialect, const char *base)
{
	msb_openai_options o;
	msb_provider_options p;
	msb_backend *b = NULL;

	msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION);
	msb_provider_options_init(&p, MSB_PROVIDER_OPTIONS_VERSION);
	o.base_url = base;
	o.model = "m";
	o.api_key_env = "MSB_TEST_BATCH_NO_SUCH_KEY";
	p.dialect = dialect;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), 0);
	return b;
}

/* one result line through api->result and msb__batch_parse (what collect_line does) */
static msb_completion *result(msb__batch_api *api, const char *line, const char *want_cid,
    char *msg, size_t msg_size)
{
	json_t *root = NULL;
	const char *cid = NULL;
	char *body = NULL;
	msb_completion *c = NULL;
	int ok = -1;

	assert_int_equal(api->result(api, line, strlen(line), &root, &cid, &ok, &body, msg,
	    msg_size), 0);
	assert_string_equal(cid, want_cid);
	if (ok) {
		assert_non_null(body);
		assert_int_equal(msb_completion_new(&c), 0);
		assert_int_equal(msb__batch_parse(api, c, body, strlen(body)), 0);
	} else {
		assert_null(body);
	}
	msb__free(body);
	json_decref(root);
	return c;
}

/*
 * Anthropic's Message Batches (shapes from Anthropic's API reference, "Message
 * Batches" results): the input line, each result type, the Messages parser on a
 * succeeded message (thinking as reasoning, stop_reason refusal, usage).
 */
static void test_anthropic_api(void **state)
{
	msb_backend *b;
	msb__batch_api *api = NULL;
	msb_buf line = MSB_BUF_INIT;
	msb_completion *c;
	char msg[256];
	(void)state;

	assert_true(msb_init() >= 0);
	b = http_backend(MSB_OPENAI_DIALECT_ANTHROPIC, "http://127.0.0.1:9");
	assert_int_equal(msb__batch_api_new(&api, b), 0);
	assert_string_equal(api->name, "anthropic");
	assert_null(api->upload); /* the requests go inline */
	assert_int_equal(api->max_lines, 100000);
	assert_true(api->max_bytes <= 256000000u);
	assert_int_equal(api->line(api, &line, "m-ab12", "{\"model\":\"m\"}", 13), 0);
	assert_string_equal(line.ptr, "{\"custom_id\":\"m-ab12\",\"params\":{\"model\":\"m\"}}\n");
	msb_buf_dispose(&line);

	c = result(api, "{\"custom_id\":\"m-1\",\"result\":{\"type\":\"succeeded\",\"message\":"
	    "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\","
	    "\"thinking\":\"hmm\",\"signature\":\"s\"},{\"type\":\"text\",\"text\":\"No.\"}],"
	    "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":7,\"output_tokens\":3,"
	    "\"cache_read_input_tokens\":2}}}}", "m-1", msg, sizeof msg);
	assert_non_null(c);
	assert_string_equal(msb__completion_text(c), "No.");
	assert_string_equal(msb__completion_reasoning(c), "hmm");
	assert_string_equal(msb__completion_finish_reason(c), "end_turn");
	/* input 7 + cache read 2 (Anthropic's input_tokens leaves the cache out) */
	assert_int_equal(msb__completion_prompt_tokens(c), 9);
	assert_int_equal(msb__completion_completion_tokens(c), 3);
	msb_completion_free(c);

	c = result(api, "{\"custom_id\":\"m-2\",\"result\":{\"type\":\"succeeded\",\"message\":"
	    "{\"type\":\"message\",\"content\":[],\"stop_reason\":\"refusal\",\"usage\":"
	    "{\"input_tokens\":5,\"output_tokens\":0}}}}", "m-2", msg, sizeof msg);
	assert_non_null(c);
	assert_string_equal(msb__completion_finish_reason(c), "refusal");
	assert_non_null(strstr(msb__completion_text(c), "refusal"));
	msb_completion_free(c);

	assert_null(result(api, "{\"custom_id\":\"m-3\",\"result\":{\"type\":\"errored\",\"error\":"
	    "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":"
	    "\"bad max_tokens\"}}}}", "m-3", msg, sizeof msg));
	assert_string_equal(msg, "errored: invalid_request_error: bad max_tokens");
	assert_null(result(api, "{\"custom_id\":\"m-4\",\"result\":{\"type\":\"expired\"}}", "m-4",
	    msg, sizeof msg));
	assert_string_equal(msg, "expired");
	assert_null(result(api, "{\"custom_id\":\"m-5\",\"result\":{\"type\":\"canceled\"}}", "m-5",
	    msg, sizeof msg));
	assert_string_equal(msg, "canceled");
	{
		json_t *root = NULL;
		const char *cid;
		char *body;
		int ok;
		assert_int_equal(api->result(api, "not json", 8, &root, &cid, &ok, &body, msg,
		    sizeof msg), MSB_EPARSE);
		json_decref(root);
	}
	api->free(api);
	msb_backend_free(b);

	/* Azure: OpenAI's Batch API under the resource; OpenAI: its own limits */
	b = http_backend(MSB_OPENAI_DIALECT_AZURE, "https://res.openai.azure.com");
	assert_int_equal(msb__batch_api_new(&api, b), 0);
	assert_string_equal(api->name, "azure");
	assert_non_null(api->upload);
	assert_int_equal(api->max_lines, 100000);
	assert_int_equal(api->line(api, &line, "m-1", "{}", 2), 0);
	assert_non_null(strstr(line.ptr, "\"url\":\"/chat/completions\""));
	msb_buf_dispose(&line);
	api->free(api);
	msb_backend_free(b);
	b = http_backend(MSB_OPENAI_DIALECT_OPENAI, "http://127.0.0.1:9/v1");
	assert_int_equal(msb__batch_api_new(&api, b), 0);
	assert_string_equal(api->name, "openai");
	assert_int_equal(api->max_lines, 50000);
	api->free(api);
	/* each provider's constructor refuses another dialect */
	assert_int_equal(msb__batch_anthropic_new(&api, b), MSB_EINVAL);
	assert_null(api);
	msb_backend_free(b);
	msb_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_runinfo),
		cmocka_unit_test(test_run_checks),
		cmocka_unit_test(test_anthropic_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
