/*
 * tests/core/test_zero_options.c - zero means default (issue #15 item 1):
 * each public options struct, zeroed with only its version set, must
 * behave as its *_options_init defaults. Where the library fills defaults
 * in, the effective options (internal structs) are compared, and where it
 * shows, the behaviour (requests sent, configuration hashes, summary and
 * comparison JSON). Version 1 of msb_eval_options and msb_llm_judge_options
 * keeps its meaning (0 there is the server's / every write / no wait):
 * checked here too. The scorer and comparison: test_zero_options_stats.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/judge.h"
#include "backend/backend.h"
#include "backend/openai_backend.h"
#include "eval/eval_options.h"

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
	ZERO_IS_INIT(msb_provider_options, msb_provider_options_init, MSB_PROVIDER_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_run_summary_options, msb_run_summary_options_init,
	    MSB_RUN_SUMMARY_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_results_merge_options, msb_results_merge_options_init,
	    MSB_RESULTS_MERGE_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_mcq_load_options, msb_mcq_load_options_init, MSB_MCQ_LOAD_OPTIONS_VERSION);
	ZERO_IS_INIT(msb_mcq_prompt_options, msb_mcq_prompt_options_init,
	    MSB_MCQ_PROMPT_OPTIONS_VERSION);
	/* inputs, not options, but zero is their default as well */
	ZERO_IS_INIT(msb_judge_input, msb_judge_input_init, MSB_JUDGE_INPUT_VERSION);
	ZERO_IS_INIT(msb_score_record, msb_score_record_init, MSB_SCORE_RECORD_VERSION);
}

/* The INIT macro of a struct whose zero is its default is the zeroed struct with its version. */
#define MACRO_IS_ZERO(type, macro, ver) do { \
	type m = macro, z; \
	memset(&z, 0, sizeof z); \
	z.version = ver; \
	assert_memory_equal(&m, &z, sizeof z); \
} while (0)

/* Every public INIT macro is a designated initializer naming only non-zero defaults. */
static void test_init_macros(void **state)
{
	msb_request r = MSB_REQUEST_INIT, ri;
	msb_dataset_export_options e = MSB_DATASET_EXPORT_OPTIONS_INIT;
	(void)state;
	MACRO_IS_ZERO(msb_dataset_options, MSB_DATASET_OPTIONS_INIT, MSB_DATASET_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_dataset_filter_options, MSB_DATASET_FILTER_OPTIONS_INIT,
	    MSB_DATASET_FILTER_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_dataset_fetch_options, MSB_DATASET_FETCH_OPTIONS_INIT,
	    MSB_DATASET_FETCH_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_report_options, MSB_REPORT_OPTIONS_INIT, MSB_REPORT_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_results_merge_options, MSB_RESULTS_MERGE_OPTIONS_INIT,
	    MSB_RESULTS_MERGE_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_mcq_load_options, MSB_MCQ_LOAD_OPTIONS_INIT, MSB_MCQ_LOAD_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_mcq_prompt_options, MSB_MCQ_PROMPT_OPTIONS_INIT,
	    MSB_MCQ_PROMPT_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_judge_input, MSB_JUDGE_INPUT_INIT, MSB_JUDGE_INPUT_VERSION);
	MACRO_IS_ZERO(msb_score_record, MSB_SCORE_RECORD_INIT, MSB_SCORE_RECORD_VERSION);
	MACRO_IS_ZERO(msb_openai_options, MSB_OPENAI_OPTIONS_INIT, MSB_OPENAI_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_llm_judge_options, MSB_LLM_JUDGE_OPTIONS_INIT,
	    MSB_LLM_JUDGE_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_eval_options, MSB_EVAL_OPTIONS_INIT, MSB_EVAL_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_scorer_options, MSB_SCORER_OPTIONS_INIT, MSB_SCORER_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_compare_options, MSB_COMPARE_OPTIONS_INIT, MSB_COMPARE_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_provider_options, MSB_PROVIDER_OPTIONS_INIT, MSB_PROVIDER_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_run_summary_options, MSB_RUN_SUMMARY_OPTIONS_INIT,
	    MSB_RUN_SUMMARY_OPTIONS_VERSION);
	MACRO_IS_ZERO(msb_batch_options, MSB_BATCH_OPTIONS_INIT, MSB_BATCH_OPTIONS_VERSION);
	/* export: JSONL named (0, MSB_FORMAT_AUTO, means JSONL too: test_export_zero) */
	assert_int_equal(e.version, MSB_DATASET_EXPORT_OPTIONS_VERSION);
	assert_int_equal(e.format, MSB_FORMAT_JSONL);
	assert_null(e.system_prompt);
	/* a request is an input backends read: its 512 tokens and top_p -1 stay, as the init */
	assert_int_equal(msb_request_init(&ri, MSB_REQUEST_VERSION), 0);
	assert_int_equal(r.version, ri.version);
	assert_int_equal(r.max_tokens, 512);
	assert_int_equal(ri.max_tokens, 512);
	assert_true(r.top_p == -1.0 && ri.top_p == -1.0);
	assert_true(r.temperature == 0.0 && ri.temperature == 0.0);
	assert_null(r.prompt);
	assert_int_equal(r.has_seed, 0);
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

/* ---- msb_eval_options ---- */

/* The fields the runner reads, compared one by one (after the library filled them in). */
static void eval_same(const msb_eval_options *a, const msb_eval_options *b)
{
	assert_int_equal(a->concurrency, b->concurrency);
	assert_int_equal(a->judge_concurrency, b->judge_concurrency);
	assert_int_equal(a->workers, b->workers);
	assert_ptr_equal(a->system_prompt, b->system_prompt);
	assert_int_equal(a->max_tokens, b->max_tokens);
	assert_true(a->temperature == b->temperature);
	assert_true(a->top_p == b->top_p);
	assert_int_equal(a->epochs, b->epochs);
	assert_true(a->seed == b->seed);
	assert_int_equal(a->has_seed, b->has_seed);
	assert_int_equal(a->resume, b->resume);
	assert_int_equal(a->force, b->force);
	assert_int_equal(a->retry_errors, b->retry_errors);
	assert_true(a->max_requests == b->max_requests);
	assert_true(a->max_total_tokens == b->max_total_tokens);
	assert_int_equal(a->dry_run, b->dry_run);
	assert_int_equal(a->retries, b->retries);
	assert_int_equal(a->progress_interval_ms, b->progress_interval_ms);
	assert_int_equal(a->fsync_interval_ms, b->fsync_interval_ms);
	assert_int_equal(a->cancel_grace_ms, b->cancel_grace_ms);
	assert_int_equal(a->has_top_p, b->has_top_p);
}

/* What the requests of a run carried (the callback backend records it). */
typedef struct seen {
	int n, max_tokens;
	double top_p, temperature;
} seen;

static int record_request(const msb_request *req, msb_completion *out, void *ud)
{
	seen *s = ud;

	s->n++;
	s->max_tokens = req->max_tokens;
	s->top_p = req->top_p;
	s->temperature = req->temperature;
	return msb_completion_set_text(out, "I can't help with that.");
}

/* Run the sample dataset with `o` in a new folder: the config hash and the requests. */
static void eval_run(const msb_eval_options *o, char hash[65], seen *s)
{
	msb_dataset *ds;
	msb_backend *b;
	msb_eval *ev;
	char dir[] = "/tmp/msb-zero-XXXXXX", cmd[64];
	msb_eval_options oo = *o;

	memset(s, 0, sizeof *s);
	assert_int_equal(msb_dataset_load_sample(&ds), 0);
	assert_int_equal(msb_backend_from_callback(&b, "zero", record_request, s, 0), 0);
	assert_non_null(mkdtemp(dir));
	oo.out_dir = dir;
	oo.force = 1;
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &oo), 0);
	memcpy(hash, msb_eval_config_hash(ev), 65);
	assert_int_equal(msb_eval_run(ev), 0);
	msb_eval_free(ev);
	msb_backend_free(b);
	msb_dataset_free(ds);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_eval_zero(void **state)
{
	msb_eval_options z, d, ez, ed, en;
	char hz[65], hd[65], h[65];
	seen sz, sd, s;
	(void)state;

	memset(&z, 0, sizeof z);
	z.version = MSB_EVAL_OPTIONS_VERSION;
	assert_int_equal(msb_eval_options_init(&d, MSB_EVAL_OPTIONS_VERSION), 0);
	/* the init fills the defaults in explicitly, for programs that show them */
	assert_int_equal(d.concurrency, 16);
	assert_int_equal(d.max_tokens, 512);
	assert_int_equal(d.fsync_interval_ms, 1000);
	assert_int_equal(d.cancel_grace_ms, 2000);
	assert_true(d.top_p < 0);
	assert_int_equal(msb__eval_options_effective(&ez, &z), 0);
	assert_int_equal(msb__eval_options_effective(&ed, &d), 0);
	assert_int_equal(msb__eval_options_effective(&en, NULL), 0);
	eval_same(&ez, &ed);
	eval_same(&ez, &en);
	assert_int_equal(ez.max_tokens, 512);
	assert_true(ez.top_p == -1.0);
	assert_int_equal(ez.fsync_interval_ms, 1000);
	assert_int_equal(ez.cancel_grace_ms, 2000);
	assert_int_equal(ez.concurrency, 16);
	assert_int_equal(ez.epochs, 1);
	assert_int_equal(ez.progress_interval_ms, 500);

	/* behaviour: the same configuration hash and the same requests */
	eval_run(&z, hz, &sz);
	eval_run(&d, hd, &sd);
	assert_string_equal(hz, hd);
	assert_true(sz.n > 0 && sz.n == sd.n);
	assert_int_equal(sz.max_tokens, 512);
	assert_int_equal(sd.max_tokens, 512);
	assert_true(sz.top_p < 0 && sd.top_p < 0); /* left out */
	assert_true(sz.temperature == 0.0 && sd.temperature == 0.0); /* 0.0 sent */

	/* version 2: what 0 said in version 1 is -1 or a flag */
	z.max_tokens = -1;
	z.top_p = 0;
	z.has_top_p = 1;
	z.fsync_interval_ms = -1;
	z.cancel_grace_ms = -1;
	assert_int_equal(msb__eval_options_effective(&ez, &z), 0);
	assert_int_equal(ez.max_tokens, 0);
	assert_true(ez.top_p == 0.0);
	assert_int_equal(ez.fsync_interval_ms, 0);
	assert_int_equal(ez.cancel_grace_ms, 0);
	eval_run(&z, h, &s);
	assert_int_equal(s.max_tokens, 0); /* the server's */
	assert_true(s.top_p == 0.0);      /* sent */
	assert_string_not_equal(h, hz);
	/* a top_p above 0 is sent without the flag */
	memset(&z, 0, sizeof z);
	z.version = MSB_EVAL_OPTIONS_VERSION;
	z.top_p = 0.5;
	assert_int_equal(msb__eval_options_effective(&ez, &z), 0);
	assert_true(ez.top_p == 0.5);

	/* version 1 keeps its meaning: 0 tokens = the server's, top_p 0 sent, fsync every write */
	memset(&z, 0, sizeof z);
	z.version = 1;
	assert_int_equal(msb__eval_options_effective(&ez, &z), 0);
	assert_int_equal(ez.max_tokens, 0);
	assert_true(ez.top_p == 0.0);
	assert_int_equal(ez.fsync_interval_ms, 0);
	assert_int_equal(ez.cancel_grace_ms, 0);
	assert_int_equal(ez.concurrency, 16);
	eval_run(&z, h, &s);
	assert_int_equal(s.max_tokens, 0);
	assert_true(s.top_p == 0.0);
	/* version 1 with its init's defaults is the same run as version 2 zeroed */
	assert_int_equal(msb_eval_options_init(&d, 1), 0);
	eval_run(&d, h, &s);
	assert_string_equal(h, hz);
	assert_int_equal(s.max_tokens, 512);
}

/* A version-1 struct ends before has_top_p: nothing after it is read or written. */
static void test_eval_v1_size(void **state)
{
	const size_t v1 = offsetof(msb_eval_options, has_top_p);
	unsigned char buf[sizeof(msb_eval_options)];
	msb_eval_options e;
	size_t i;
	(void)state;

	memset(buf, 0xAB, sizeof buf);
	assert_int_equal(msb_eval_options_init((msb_eval_options *)(void *)buf, 1), 0);
	for (i = v1; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0xAB);
	((msb_eval_options *)(void *)buf)->top_p = 0.0;
	assert_int_equal(msb__eval_options_effective(&e, (msb_eval_options *)(void *)buf), 0);
	assert_true(e.top_p == 0.0); /* version 1: sent; the junk "has_top_p" is not read */
	assert_int_equal(e.has_top_p, 0);
	assert_int_equal(e.max_tokens, 512);
}

/* ---- msb_llm_judge_options ---- */

/* The judge's request for one input (callback backend). */
static seen judge_request(const msb_llm_judge_options *o, char hash[65])
{
	msb_backend *b;
	msb_judge *j;
	msb_verdict *v = NULL;
	msb_judge_input in;
	seen s;

	memset(&s, 0, sizeof s);
	assert_int_equal(msb_backend_from_callback(&b, "zero-judge", record_request, &s, 0), 0);
	assert_int_equal(msb_judge_llm_new(&j, b, o), 0);
	msb_judge_input_init(&in, MSB_JUDGE_INPUT_VERSION);
	in.prompt = "a request";
	in.response = "an answer";
	assert_int_equal(msb_judge_evaluate(&v, j, &in), 0);
	msb_verdict_free(v);
	snprintf(hash, 65, "%s", msb_judge_config_hash(j));
	msb_judge_free(j);
	msb_backend_free(b);
	return s;
}

static void test_judge_zero(void **state)
{
	msb_llm_judge_options z, d;
	char hz[65], hd[65], h[65];
	seen sz, sd, s;
	(void)state;

	memset(&z, 0, sizeof z);
	z.version = MSB_LLM_JUDGE_OPTIONS_VERSION;
	assert_int_equal(msb_llm_judge_options_init(&d, MSB_LLM_JUDGE_OPTIONS_VERSION), 0);
	assert_int_equal(d.max_tokens, 512);
	assert_int_equal(d.policy, MSB_POLICY_AUTO);
	sz = judge_request(&z, hz);
	sd = judge_request(&d, hd);
	assert_int_equal(sz.n, 1);
	assert_int_equal(sz.max_tokens, 512);
	assert_int_equal(sd.max_tokens, 512);
	assert_true(sz.temperature == 0.0 && sd.temperature == 0.0);
	assert_string_equal(hz, hd);
	/* NULL options: the same judge */
	{
		msb_backend *b;
		msb_judge *j;

		assert_int_equal(msb_backend_from_callback(&b, "zero-judge", record_request, &s, 0), 0);
		assert_int_equal(msb_judge_llm_new(&j, b, NULL), 0);
		assert_string_equal(msb_judge_config_hash(j), hz);
		msb_judge_free(j);
		msb_backend_free(b);
	}
	/* version 2: -1 leaves the limit to the server */
	z.max_tokens = -1;
	s = judge_request(&z, h);
	assert_int_equal(s.max_tokens, 0);
	assert_string_not_equal(h, hz);
	/* version 1 keeps its meaning: 0 is the server's, the same judge as version 2's -1 */
	memset(&z, 0, sizeof z);
	z.version = 1;
	s = judge_request(&z, hd);
	assert_int_equal(s.max_tokens, 0);
	assert_string_equal(hd, h);
	/* a version-1 init is the default judge */
	assert_int_equal(msb_llm_judge_options_init(&d, 1), 0);
	s = judge_request(&d, h);
	assert_int_equal(s.max_tokens, 512);
	assert_string_equal(h, hz);
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
		cmocka_unit_test(test_init_macros),
		cmocka_unit_test(test_eval_zero),
		cmocka_unit_test(test_eval_v1_size),
		cmocka_unit_test(test_judge_zero),
		cmocka_unit_test(test_export_zero),
		cmocka_unit_test(test_openai_zero),
		cmocka_unit_test(test_openai_injection),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
