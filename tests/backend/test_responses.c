/*
 * tests/backend/test_responses.c - every recorded response shape of
 * tests/fixtures/responses/ (cases.json names each body, its status,
 * header and public source, and what must come of it) served by
 * msb_test_server --body to the HTTP backend, one server per case:
 * text, reasoning, refusal, repair flag, error kind, message, and the
 * number of attempts, counted by the backend and by the server.
 *
 * argv[1]: msb_test_server; argv[2]: the fixtures folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/backend.h"
#include "backend/completion.h"
#include "test_server.h"
#include "../common/info.h"

static const char *server_path;
static const char *fixtures;

static const char *expect_str(const json_t *e, const char *key)
{
	return json_string_value(json_object_get(e, key));
}

/* The number of completion requests the server answered. */
static long long served(const test_server *srv)
{
	char *s = test_server_stats(srv);
	json_t *j;
	long long n;

	assert_non_null(s);
	j = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(j);
	n = json_integer_value(json_object_get(j, "completions"));
	json_decref(j);
	return n;
}

static void run_case(const json_t *cs)
{
	const char *name = expect_str(cs, "name"), *hdr = expect_str(cs, "header");
	const char *ctype = expect_str(cs, "content_type"), *ep = expect_str(cs, "endpoint");
	const json_t *e = json_object_get(cs, "expect");
	const char *args[16];
	char path[1024], status[16];
	int n = 0, rc;
	long long want_attempts = json_integer_value(json_object_get(e, "attempts"));
	test_server srv;
	msb_openai_options o;
	msb_provider_options p;
	msb_backend *b;
	msb_request req = MSB_REQUEST_INIT;
	msb_completion *c = NULL;
	const char *want, *dialect = expect_str(cs, "dialect");

	print_message("case %s\n", name);
	snprintf(path, sizeof path, "%s/%s", fixtures, expect_str(cs, "file"));
	snprintf(status, sizeof status, "%lld", json_integer_value(json_object_get(cs, "status")));
	args[n++] = "--body";
	args[n++] = path;
	args[n++] = "--body-status";
	args[n++] = status;
	if (hdr) {
		args[n++] = "--body-header";
		args[n++] = hdr;
	}
	if (ctype) {
		args[n++] = "--body-content-type";
		args[n++] = ctype;
	}
	args[n] = NULL;
	assert_int_equal(test_server_start(&srv, server_path, args), 0);

	assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
	o.base_url = srv.url;
	o.model = "m";
	o.api_key_env = "MSB_TEST_NO_SUCH_KEY";
	o.max_retries = 2;
	o.backoff_base_ms = 1;
	o.backoff_max_ms = 2;
	o.timeout_ms = 10000;
	o.endpoint = ep && !strcmp(ep, "completions") ? MSB_OPENAI_COMPLETIONS : MSB_OPENAI_CHAT;
	/* "dialect": the provider whose wire shape the body is (default OpenAI) */
	assert_int_equal(msb_provider_options_init(&p, MSB_PROVIDER_OPTIONS_VERSION), 0);
	if (dialect)
		p.dialect = !strcmp(dialect, "anthropic") ? MSB_OPENAI_DIALECT_ANTHROPIC :
		    !strcmp(dialect, "azure") ? MSB_OPENAI_DIALECT_AZURE : -1;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), 0);
	req.prompt = "a request";
	rc = msb_backend_generate(&c, b, &req);
	assert_non_null(c);
	if (rc)
		print_message("  %s: %s\n", msbt_completion(c).error.kind, msbt_completion(c).error.message);

	if ((want = expect_str(e, "kind")) != NULL) {
		if (rc == 0 || !msbt_completion(c).error.kind || strcmp(msbt_completion(c).error.kind, want))
			fail_msg("%s: kind %s, want %s (text %s)", name,
			    msbt_completion(c).error.kind ? msbt_completion(c).error.kind : "none", want,
			    msbt_completion(c).text ? msbt_completion(c).text : "NULL");
		/* no text: an error is never judged */
		assert_null(msbt_completion(c).text);
		if ((want = expect_str(e, "message_has")) != NULL &&
		    !strstr(msbt_completion(c).error.message, want))
			fail_msg("%s: message \"%s\" lacks \"%s\"", name, msbt_completion(c).error.message,
			    want);
	} else {
		if (rc != 0)
			fail_msg("%s: failed: %s", name, msbt_completion(c).error.message);
		assert_string_equal(msbt_completion(c).text, expect_str(e, "text"));
	}
	if ((want = expect_str(e, "reasoning")) != NULL) {
		assert_non_null(msbt_completion(c).reasoning);
		assert_string_equal(msbt_completion(c).reasoning, want);
	}
	if ((want = expect_str(e, "finish_reason")) != NULL)
		assert_string_equal(msbt_completion(c).finish_reason, want);
	if ((want = expect_str(e, "refusal")) != NULL) {
		assert_non_null(msb__completion_refusal(c));
		assert_string_equal(msb__completion_refusal(c), want);
	} else if ((want = expect_str(e, "refusal_has")) != NULL) {
		assert_non_null(msb__completion_refusal(c));
		assert_non_null(strstr(msb__completion_refusal(c), want));
	} else {
		assert_null(msb__completion_refusal(c));
	}
	assert_int_equal(msb__completion_text_repaired(c),
	    json_is_true(json_object_get(e, "repaired")) ? 1 : 0);
	if (json_object_get(e, "prompt_tokens"))
		assert_int_equal(msbt_completion(c).usage.prompt_tokens,
		    json_integer_value(json_object_get(e, "prompt_tokens")));
	if (json_object_get(e, "completion_tokens"))
		assert_int_equal(msbt_completion(c).usage.completion_tokens,
		    json_integer_value(json_object_get(e, "completion_tokens")));
	/* reasoning and cached tokens: -1 (not reported) unless the case gives them */
	assert_int_equal(msbt_completion(c).cached_tokens, json_object_get(e, "cached_tokens") ?
	    json_integer_value(json_object_get(e, "cached_tokens")) : -1);
	assert_int_equal(msbt_completion(c).reasoning_tokens, json_object_get(e, "reasoning_tokens") ?
	    json_integer_value(json_object_get(e, "reasoning_tokens")) : -1);
	if (msbt_completion(c).usage.attempts != want_attempts)
		fail_msg("%s: %d attempts, want %lld (%s)", name, msbt_completion(c).usage.attempts,
		    want_attempts, msbt_completion(c).error.message ? msbt_completion(c).error.message : "");
	assert_int_equal(served(&srv), want_attempts);

	msb_completion_free(c);
	msb_backend_free(b);
	test_server_stop(&srv);
}

static void test_all_cases(void **state)
{
	char path[1024];
	json_error_t err;
	json_t *cases, *cs;
	size_t i;
	(void)state;

	snprintf(path, sizeof path, "%s/cases.json", fixtures);
	cases = json_load_file(path, 0, &err);
	if (!cases)
		fail_msg("%s: %s", path, err.text);
	/* the issues name 13 failing shapes plus the common good ones: at least 25 bodies */
	assert_true(json_array_size(cases) >= 25);
	json_array_foreach(cases, i, cs) {
		assert_non_null(expect_str(cs, "source"));
		run_case(cs);
	}
	json_decref(cases);
}

/* --body-times 1: the first answer is the bad shape, the retry gets a good one. */
static void test_retried_then_answered(void **state)
{
	static const char *const shapes[] = { "finish_reason_error.json", "groq_498_capacity.json",
		"openrouter_error_in_200.json" };
	static const int statuses[] = { 200, 498, 200 };
	size_t k;
	(void)state;

	for (k = 0; k < sizeof shapes / sizeof *shapes; k++) {
		char path[1024], st[8], want[32];
		const char *args[] = { "--body", path, "--body-status", st, "--body-times", "1", NULL };
		test_server srv;
		msb_openai_options o;
		msb_backend *b;
		msb_request req = MSB_REQUEST_INIT;
		msb_completion *c = NULL;

		snprintf(path, sizeof path, "%s/%s", fixtures, shapes[k]);
		snprintf(st, sizeof st, "%d", statuses[k]);
		assert_int_equal(test_server_start(&srv, server_path, args), 0);
		assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
		o.base_url = srv.url;
		o.model = "m";
		o.api_key_env = "MSB_TEST_NO_SUCH_KEY";
		o.backoff_base_ms = 1;
		o.backoff_max_ms = 2;
		assert_int_equal(msb_backend_openai_new(&b, &o), 0);
		req.prompt = "p";
		assert_int_equal(msb_backend_generate(&c, b, &req), 0);
		test_server_expected("p", want);
		assert_string_equal(msbt_completion(c).text, want);
		assert_int_equal(msbt_completion(c).usage.attempts, 2);
		msb_completion_free(c);
		msb_backend_free(b);
		test_server_stop(&srv);
	}
}

static void count_done(msb_completion *c, int status, void *ctx)
{
	(void)c;
	(void)status;
	++*(int *)ctx;
}

/* The window after 16 requests in flight that all get `status` (no retries). */
static int window_after(const char *body, const char *status)
{
	enum { N = 16 };
	char path[1024];
	const char *args[] = { "--body", path, "--body-status", status, NULL };
	test_server srv;
	msb_openai_options o;
	msb_backend *b;
	msb_request req = MSB_REQUEST_INIT;
	msb_completion *c[N];
	int i, done = 0, cap;

	snprintf(path, sizeof path, "%s/%s", fixtures, body);
	assert_int_equal(test_server_start(&srv, server_path, args), 0);
	assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
	o.base_url = srv.url;
	o.model = "m";
	o.api_key_env = "MSB_TEST_NO_SUCH_KEY";
	o.max_retries = -1;
	o.max_in_flight = N;
	assert_int_equal(msb_backend_openai_new(&b, &o), 0);
	req.prompt = "p";
	for (i = 0; i < N; i++) {
		assert_int_equal(msb_completion_new(&c[i]), 0);
		assert_int_equal(msb_backend_submit(c[i], b, &req, count_done, &done), 0);
	}
	while (done < N)
		assert_true(msb_backend_poll(b, 1000) >= 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(msbt_completion(c[i]).usage.attempts, 1);
		msb_completion_free(c[i]);
	}
	cap = msb_backend_capacity(b);
	msb_backend_free(b);
	test_server_stop(&srv);
	return cap;
}

/* #12 item 7: the window shrinks on overload (503, 429, 529), not on every 500. */
static void test_window_on_overload_only(void **state)
{
	(void)state;
	assert_int_equal(window_after("server_error_500.json", "500"), 16);
	assert_true(window_after("unavailable_503_retry_after.json", "503") < 16);
	assert_true(window_after("anthropic_529_overloaded.json", "529") < 16);
	assert_true(window_after("rate_limit_retry_after_long.json", "429") < 16);
	/* billing is no overload */
	assert_int_equal(window_after("insufficient_quota.json", "429"), 16);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_cases),
		cmocka_unit_test(test_retried_then_answered),
		cmocka_unit_test(test_window_on_overload_only),
	};
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MSB_TEST_SERVER FIXTURES-DIR\n", argv[0]);
		return 2;
	}
	server_path = argv[1];
	fixtures = argv[2];
	if (msb_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msb_shutdown();
	return rc;
}
