/*
 * tests/stats/test_api_info.c - the one-struct getters of a record, a
 * completion and a verdict (msb_record_info_get, msb_completion_info_get,
 * msb_verdict_info_get): every field equals what was written or set (the
 * values are in the fixture below), and each agrees with the per-field
 * accessors it supersedes; NULLs and versions.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <medsafety/medsafety.h>
#include "../common/info.h"

/* Two records of results.jsonl as the journal writes them: one answered, one failed. */
static const char *const lines =
    "{\"id\":\"p1-7\",\"sample\":2,\"principle\":4,\"category\":4,\"source\":\"gpt4\","
    "\"split\":\"test\",\"prompt\":\"the question\",\"response\":\"the answer\",\"score\":2,"
    "\"judge\":{\"name\":\"refusal\",\"reason\":\"declined\",\"raw\":\"SCORE: 2\"},"
    "\"error\":null,\"attempts\":3,\"latency_ms\":125.5,"
    "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":12},\"config_hash\":\"abc\"}\n"
    "{\"id\":\"b-1\",\"kind\":\"benign\",\"principle\":0,\"source\":\"xstest\",\"prompt\":\"q\","
    "\"response\":null,\"score\":null,\"judge\":null,"
    "\"error\":{\"stage\":\"model\",\"kind\":\"http\",\"message\":\"HTTP 500\"},"
    "\"attempts\":1,\"latency_ms\":8,\"usage\":{\"prompt_tokens\":null,\"completion_tokens\":null},"
    "\"config_hash\":\"abc\"}\n";

static void test_record_info(void **state)
{
	char dir[] = "/tmp/msb-info-XXXXXX", path[64];
	msb_results *r = NULL;
	msb_record_info info;
	const msb_record *rec;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(lines, f);
	fclose(f);
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_int_equal(msb_results_count(r), 2);

	rec = msb_results_record(r, 0);
	memset(&info, 0, sizeof info);
	info.version = MSB_RECORD_INFO_VERSION;
	assert_int_equal(msb_record_info_get(&info, rec), 0);
	assert_int_equal(info.version, MSB_RECORD_INFO_VERSION);
	assert_string_equal(info.id, "p1-7");
	assert_int_equal(info.sample, 2);
	assert_int_equal(info.kind, MSB_KIND_HARMFUL);
	assert_int_equal(info.principle, 4);
	assert_int_equal(info.category, 4);
	assert_string_equal(info.source, "gpt4");
	assert_string_equal(info.split, "test");
	assert_string_equal(info.prompt, "the question");
	assert_string_equal(info.response, "the answer");
	assert_int_equal(info.score, 2);
	assert_string_equal(info.judge_name, "refusal");
	assert_string_equal(info.judge_reason, "declined");
	assert_string_equal(info.judge_raw, "SCORE: 2");
	assert_null(info.error_stage);
	assert_int_equal(info.error.code, 0);
	assert_null(info.error.kind);
	assert_null(info.error.message);
	assert_int_equal(info.usage.attempts, 3);
	assert_true(info.usage.latency_ms == 125.5);
	assert_int_equal(info.usage.prompt_tokens, 40);
	assert_int_equal(info.usage.completion_tokens, 12);
	assert_string_equal(info.config_hash, "abc");
	/* borrowed: the same pointers as the accessors it supersedes */
	assert_ptr_equal(info.id, msbt_record(rec).id);
	assert_ptr_equal(info.prompt, msbt_record(rec).prompt);

	rec = msb_results_record(r, 1);
	assert_int_equal(msb_record_info_get(&info, rec), 0);
	assert_string_equal(info.id, "b-1");
	assert_int_equal(info.kind, MSB_KIND_BENIGN);
	assert_null(info.response);
	assert_int_equal(info.score, 0);
	assert_string_equal(info.error_stage, "model");
	assert_int_equal(info.error.code, MSB_ERROR);
	assert_string_equal(info.error.kind, "http");
	assert_string_equal(info.error.message, "HTTP 500");
	assert_int_equal(info.usage.prompt_tokens, -1);
	assert_int_equal(info.usage.completion_tokens, -1);
	assert_int_equal(info.usage.attempts, msbt_record(rec).usage.attempts);

	assert_int_equal(msb_record_info_get(NULL, rec), MSB_EINVAL);
	assert_int_equal(msb_record_info_get(&info, NULL), MSB_EINVAL);
	assert_int_equal(msb_error_last()->code, MSB_EINVAL);
	info.version = MSB_RECORD_INFO_VERSION + 1;
	assert_int_equal(msb_record_info_get(&info, rec), MSB_EVERSION);
	info.version = 0;
	assert_int_equal(msb_record_info_get(&info, rec), MSB_EVERSION);
	msb_results_free(r);
	unlink(path);
	rmdir(dir);
}

static void test_completion_info(void **state)
{
	msb_completion *c = NULL;
	msb_completion_info info;

	(void)state;
	assert_int_equal(msb_completion_new(&c), 0);
	memset(&info, 0, sizeof info);
	info.version = MSB_COMPLETION_INFO_VERSION;
	/* a new completion: nothing set, tokens unknown */
	assert_int_equal(msb_completion_info_get(&info, c), 0);
	assert_null(info.text);
	assert_int_equal(info.error.code, 0);
	assert_null(info.error.kind);
	assert_int_equal(info.usage.prompt_tokens, -1);
	assert_int_equal(info.usage.completion_tokens, -1);

	assert_int_equal(msb_completion_set_text(c, "hello"), 0);
	assert_int_equal(msb_completion_set_reasoning(c, "thinking"), 0);
	assert_int_equal(msb_completion_set_finish_reason(c, "stop"), 0);
	msb_completion_set_usage(c, 10, 20);
	msb_completion_set_attempts(c, 2);
	msb_completion_set_latency_ms(c, 33.25);
	msb_completion_set_http_status(c, 429);
	assert_int_equal(msb_completion_set_error(c, MSB_EHTTP, "rate_limit", "HTTP 429"), 0);
	assert_int_equal(msb_completion_info_get(&info, c), 0);
	assert_string_equal(info.text, "hello");
	assert_string_equal(info.reasoning, "thinking");
	assert_string_equal(info.finish_reason, "stop");
	assert_int_equal(info.usage.prompt_tokens, 10);
	assert_int_equal(info.usage.completion_tokens, 20);
	assert_int_equal(info.usage.attempts, 2);
	assert_true(info.usage.latency_ms == 33.25);
	assert_int_equal(info.http_status, 429);
	assert_int_equal(info.error.code, MSB_EHTTP);
	assert_string_equal(info.error.kind, "rate_limit");
	assert_string_equal(info.error.message, "HTTP 429");
	assert_ptr_equal(info.text, msbt_completion(c).text);

	assert_int_equal(msb_completion_info_get(&info, NULL), MSB_EINVAL);
	assert_int_equal(msb_completion_info_get(NULL, c), MSB_EINVAL);
	info.version = 2;
	assert_int_equal(msb_completion_info_get(&info, c), MSB_EVERSION);
	assert_int_equal(msb_error_last()->code, MSB_EVERSION);
	msb_completion_free(c);
}

static void test_verdict_info(void **state)
{
	msb_verdict *v = NULL;
	msb_verdict_info info;

	(void)state;
	assert_int_equal(msb_verdict_new(&v), 0);
	assert_int_equal(msb_verdict_set_score(v, 4), 0);
	assert_int_equal(msb_verdict_set_reason(v, "complied"), 0);
	assert_int_equal(msb_verdict_set_raw(v, "SCORE: 4"), 0);
	msb_verdict_set_usage(v, 300, 15);
	msb_verdict_set_attempts(v, 1);
	msb_verdict_set_latency_ms(v, 2.5);
	memset(&info, 0, sizeof info);
	info.version = MSB_VERDICT_INFO_VERSION;
	assert_int_equal(msb_verdict_info_get(&info, v), 0);
	assert_int_equal(info.score, 4);
	assert_string_equal(info.reason, "complied");
	assert_string_equal(info.raw, "SCORE: 4");
	assert_int_equal(info.usage.prompt_tokens, 300);
	assert_int_equal(info.usage.completion_tokens, 15);
	assert_int_equal(info.usage.attempts, 1);
	assert_true(info.usage.latency_ms == 2.5);
	assert_int_equal(info.error.code, 0);
	assert_null(info.error.message);

	assert_int_equal(msb_verdict_set_error(v, MSB_ETIMEOUT, "timeout", "judge timed out"), 0);
	assert_int_equal(msb_verdict_info_get(&info, v), 0);
	assert_int_equal(info.error.code, MSB_ETIMEOUT);
	assert_string_equal(info.error.kind, "timeout");
	assert_string_equal(info.error.message, "judge timed out");
	assert_int_equal(info.error.code, msbt_verdict(v).error.code);

	assert_int_equal(msb_verdict_info_get(&info, NULL), MSB_EINVAL);
	info.version = 0;
	assert_int_equal(msb_verdict_info_get(&info, v), MSB_EVERSION);
	msb_verdict_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_info),
		cmocka_unit_test(test_completion_info),
		cmocka_unit_test(test_verdict_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
