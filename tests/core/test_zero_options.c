/*
 * tests/core/test_zero_options.c - zero means default (issue #15 item 1):
 * each public options struct, zeroed with only its version set, must
 * behave as its *_options_init defaults. Where the library fills defaults
 * in, the effective options (internal structs) are compared.
 *
 * Not yet true, and so not asserted here (docs/reliability.md lists
 * them): msb_eval_options (max_tokens, top_p, fsync_interval_ms,
 * cancel_grace_ms), msb_llm_judge_options (max_tokens), msb_scorer_options
 * and msb_compare_options (bootstrap_resamples, seed, confidence, alpha,
 * adjust): their zero has a meaning of its own in version 1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "backend/backend.h"
#include "backend/openai_backend.h"

/* The struct from *_options_init equals the zeroed one: every default is 0 / NULL. */
#define ZERO_IS_INIT(type, init, ver) do { \
	type z, d; \
	memset(&z, 0, sizeof z); \
	z.version = ver; \
	memset(&d, 0xAB, sizeof d); \
	assert_int_equal(init(&d, ver), 0); \
	assert_memory_equal(&z, &d, sizeof z); \
} while (0)

static void test_all_zero_defaults(void **state)
{
	(void)state;
	ZERO_IS_INIT(msb_dataset_options, msb_dataset_options_init, MSB_DATASET_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_dataset_filter_options, msb_dataset_filter_options_init,
	    MSB_DATASET_FILTER_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_dataset_fetch_options, msb_dataset_fetch_options_init,
	    MSB_DATASET_FETCH_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_report_options, msb_report_options_init, MSB_REPORT_OPTIONS_VERSION);
}

/* export: format 0 (MSB_FORMAT_AUTO) means the default, JSONL. */
static void test_export_zero(void **state)
{
	msb_dataset *ds;
	msb_dataset_export_options z, d;
	char *a = NULL, *b = NULL;
	(void)state;

	assert_int_equal(msb_dataset_load_sample(&ds), 0);
	memset(&z, 0, sizeof z);
	z.version = MSB_DATASET_EXPORT_OPTIONS_VERSION;
	assert_int_equal(msb_dataset_export_options_init(&d, MSB_DATASET_EXPORT_OPTIONS_VERSION), 0);
	assert_int_equal(d.format, MSB_FORMAT_JSONL);
	assert_int_equal(msb_dataset_export_string(&a, ds, &z), 0);
	assert_int_equal(msb_dataset_export_string(&b, ds, &d), 0);
	assert_string_equal(a, b);
	msb_free(a);
	msb_free(b);
	msb_dataset_free(ds);
}

static const msb_openai_options *effective(msb_backend *b)
{
	return &((const oa *)b->userdata)->o;
}

/* openai, version 3: a zeroed struct (+ model) is the defaults: TLS verified, HTTP/2, 5 retries. */
static void test_openai_zero(void **state)
{
	msb_openai_options z, d;
	msb_backend *bz, *bd;
	const msb_openai_options *ez, *ed;
	(void)state;

	memset(&z, 0, sizeof z);
	z.version = MSB_OPENAI_OPTIONS_VERSION;
	z.model = "m";
	assert_int_equal(msb_openai_options_init(&d, MSB_OPENAI_OPTIONS_VERSION), 0);
	d.model = "m";
	assert_int_equal(msb_backend_openai_new(&bz, &z), 0);
	assert_int_equal(msb_backend_openai_new(&bd, &d), 0);
	ez = effective(bz);
	ed = effective(bd);
	assert_int_equal(ez->tls_verify, 1);
	assert_int_equal(ez->http2, 1);
	assert_int_equal(ez->max_retries, 5);
	assert_int_equal(ez->insecure_skip_verify, 0);
	/* every field the backend uses, compared one by one (pointers are cleared by the backend) */
	assert_int_equal(ez->endpoint, ed->endpoint);
	assert_int_equal(ez->prompt_format, ed->prompt_format);
	assert_int_equal(ez->use_max_completion_tokens, ed->use_max_completion_tokens);
	assert_int_equal(ez->omit_temperature, ed->omit_temperature);
	assert_int_equal(ez->connect_timeout_ms, ed->connect_timeout_ms);
	assert_int_equal(ez->timeout_ms, ed->timeout_ms);
	assert_int_equal(ez->max_retries, ed->max_retries);
	assert_int_equal(ez->backoff_base_ms, ed->backoff_base_ms);
	assert_int_equal(ez->backoff_max_ms, ed->backoff_max_ms);
	assert_int_equal(ez->max_retry_after_ms, ed->max_retry_after_ms);
	assert_int_equal(ez->max_in_flight, ed->max_in_flight);
	assert_true(ez->requests_per_minute == ed->requests_per_minute);
	assert_true(ez->tokens_per_minute == ed->tokens_per_minute);
	assert_int_equal(ez->tls_verify, ed->tls_verify);
	assert_int_equal(ez->max_response_bytes, ed->max_response_bytes);
	assert_int_equal(ez->http2, ed->http2);
	assert_string_equal(msb_backend_identity(bz), msb_backend_identity(bd));
	msb_backend_free(bz);
	msb_backend_free(bd);

	/* version 2 keeps its meaning: a zero tls_verify / http2 is off, max_retries 0 none */
	memset(&z, 0, sizeof z);
	z.version = 2;
	z.model = "m";
	assert_int_equal(msb_backend_openai_new(&bz, &z), 0);
	assert_int_equal(effective(bz)->tls_verify, 0);
	assert_int_equal(effective(bz)->http2, 0);
	assert_int_equal(effective(bz)->max_retries, 0);
	msb_backend_free(bz);

	/* version 3: only insecure_skip_verify turns verification off; http2 -1 is off */
	memset(&z, 0, sizeof z);
	z.version = MSB_OPENAI_OPTIONS_VERSION;
	z.model = "m";
	z.insecure_skip_verify = 1;
	z.http2 = -1;
	z.max_retries = -1;
	assert_int_equal(msb_backend_openai_new(&bz, &z), 0);
	assert_int_equal(effective(bz)->tls_verify, 0);
	assert_int_equal(effective(bz)->http2, 0);
	assert_int_equal(effective(bz)->max_retries, 0);
	msb_backend_free(bz);
}

/* The C API rejects CR/LF in headers and keys (MSB_EINVAL), naming no value (issue #15 item 3). */
static void test_openai_injection(void **state)
{
	const char *bad[] = { "X-A: v\r\nX-Injected: yes" }, *bad_name[] = { "X-\nB: v" };
	msb_openai_options o;
	msb_backend *b = NULL;
	(void)state;

	assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
	o.model = "m";
	o.base_url = "http://127.0.0.1:9/v1";
	o.headers = bad;
	o.n_headers = 1;
	assert_int_equal(msb_backend_openai_new(&b, &o), MSB_EINVAL);
	assert_null(strstr(msb_error_last()->message, "Injected"));
	assert_non_null(strstr(msb_error_last()->message, "X-A"));
	o.headers = bad_name;
	assert_int_equal(msb_backend_openai_new(&b, &o), MSB_EINVAL);
	o.headers = NULL;
	o.n_headers = 0;
	setenv("MSB_ZERO_TEST_KEY", "sk-zero\r\nX-Injected: yes", 1);
	o.api_key_env = "MSB_ZERO_TEST_KEY";
	assert_int_equal(msb_backend_openai_new(&b, &o), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "MSB_ZERO_TEST_KEY"));
	assert_null(strstr(msb_error_last()->message, "sk-zero"));
	/* blanks around a key are trimmed */
	setenv("MSB_ZERO_TEST_KEY", "  sk-zero-key \n", 1);
	assert_int_equal(msb_backend_openai_new(&b, &o), 0);
	assert_string_equal(((const oa *)b->userdata)->key, "sk-zero-key");
	msb_backend_free(b);
	/* a server that is not OpenAI's gets no OPENAI_API_KEY unless it is named */
	setenv("OPENAI_API_KEY", "sk-zero-openai", 1);
	o.api_key_env = NULL;
	assert_int_equal(msb_backend_openai_new(&b, &o), 0);
	assert_null(((const oa *)b->userdata)->key);
	msb_backend_free(b);
	o.base_url = NULL; /* OpenAI's own API */
	assert_int_equal(msb_backend_openai_new(&b, &o), 0);
	assert_string_equal(((const oa *)b->userdata)->key, "sk-zero-openai");
	msb_backend_free(b);
	unsetenv("OPENAI_API_KEY");
	unsetenv("MSB_ZERO_TEST_KEY");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_zero_defaults),
		cmocka_unit_test(test_export_zero),
		cmocka_unit_test(test_openai_zero),
		cmocka_unit_test(test_openai_injection),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
