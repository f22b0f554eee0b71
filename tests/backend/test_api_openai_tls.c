/*
 * tests/backend/test_api_openai_tls.c - the OpenAI-compatible backend over
 * TLS and HTTP/2, through nginx (a TLS + HTTP/2 reverse proxy started by
 * the test, tls_proxy.c) in front of msb_test_server: certificate
 * verification and its "tls" error, ca_file / ca_path, tls_verify = 0,
 * HTTP/2 multiplexing (read back from nginx's access log), HTTP/1.1 when
 * HTTP/2 is not offered or over cleartext, and the API key.
 *
 * argv[1]: the path of msb_test_server. Exits 77 without nginx or openssl.
 * Each test tags its base URL ("?t=NAME") to find its lines in the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/backend.h"
#include "test_server.h"
#include "tls_proxy.h"
#include "../common/info.h"

static const char secret[] = "sk-tls-SECRET-0123456789abcdef";
static test_server srv;
static tls_proxy px;

static void assert_no_secret(const char *s)
{
	if (s)
		assert_null(strstr(s, secret));
}

/* Options for the proxy's port; tag marks the requests in the access log. */
static void opts(msb_openai_options *o, char *url, size_t n, const char *scheme, int port,
    const char *tag)
{
	assert_int_equal(msb_openai_options_init(o, MSB_OPENAI_OPTIONS_VERSION), 0);
	snprintf(url, n, "%s://127.0.0.1:%d/v1?t=%s", scheme, port, tag);
	o->base_url = url;
	o->model = "test-model";
	o->api_key_env = "MSB_TEST_API_KEY";
	o->backoff_base_ms = 10;
	o->backoff_max_ms = 40;
	o->max_retries = 3;
	o->timeout_ms = 15000;
}

static int gen(msb_backend *be, const char *prompt, msb_completion **c)
{
	msb_request req = MSB_REQUEST_INIT;
	req.prompt = prompt;
	req.system = "You are a careful assistant.";
	return msb_backend_generate(c, be, &req);
}

/* One request that must succeed with the server's answer. */
static void expect_ok(const msb_openai_options *o, const char *prompt)
{
	msb_backend *be;
	msb_completion *c;
	char want[32];

	assert_int_equal(msb_backend_openai_new(&be, o), 0);
	if (gen(be, prompt, &c) != 0)
		fail_msg("%s: %s", o->base_url, msbt_completion(c).error.message);
	test_server_expected(prompt, want);
	assert_string_equal(msbt_completion(c).text, want);
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_int_equal(msbt_completion(c).http_status, 200);
	msb_completion_free(c);
	msb_backend_free(be);
}

static void test_verify_rejects_self_signed(void **state)
{
	msb_openai_options o;
	msb_backend *be;
	msb_completion *c;
	tls_log_count n;
	char url[128];
	const char *msg;
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "verify");
	assert_int_equal(o.tls_verify, 1);
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	assert_int_equal(gen(be, "untrusted", &c), MSB_EHTTP);
	assert_string_equal(msbt_completion(c).error.kind, "tls");
	assert_int_equal(msbt_completion(c).error.code, MSB_EHTTP);
	/* a rejected certificate fails every time: not retried (docs/backends.md) */
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_int_equal(msbt_completion(c).http_status, 0);
	msg = msbt_completion(c).error.message;
	print_message("tls error: %s\n", msg);
	assert_non_null(strstr(msg, "POST https://127.0.0.1:"));
	assert_non_null(strstr(msg, "TLS: "));
	assert_non_null(strstr(msg, "certificate"));
	assert_non_null(strstr(msg, "ca_file"));
	assert_no_secret(msg);
	assert_no_secret(msb_error_last()->message);
	msb_completion_free(c);
	msb_backend_free(be);
	/* the handshake failed: no request reached nginx's HTTP layer */
	tls_proxy_count(&px, "t=verify", 0, &n);
	assert_int_equal(n.requests, 0);
}

static void test_ca_file(void **state)
{
	msb_openai_options o;
	tls_log_count n;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "cafile");
	o.ca_file = px.ca_file;
	expect_ok(&o, "trusted through ca_file");
	tls_proxy_count(&px, "t=cafile", 1, &n);
	assert_int_equal(n.requests, 1);
	assert_int_equal(n.http2, 1);
	assert_int_equal(n.port, px.h2_port);
}

static void test_ca_path(void **state)
{
	msb_openai_options o;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "capath");
	o.ca_path = px.ca_path;
	expect_ok(&o, "trusted through ca_path");
}

static void test_ca_file_missing(void **state)
{
	msb_openai_options o;
	msb_backend *be = (msb_backend *)1;
	char url[128], missing[160];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "missing");
	snprintf(missing, sizeof missing, "%s/no-such-ca.pem", px.dir);
	o.ca_file = missing;
	assert_int_equal(msb_backend_openai_new(&be, &o), MSB_EINVAL);
	assert_null(be);
	assert_non_null(strstr(msb_error_last()->message, "ca_file"));
	assert_non_null(strstr(msb_error_last()->message, "no-such-ca.pem"));
	o.ca_file = "";   /* empty: the system's store */
	o.ca_path = missing;
	assert_int_equal(msb_backend_openai_new(&be, &o), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "ca_path"));
}

static void test_no_verify(void **state)
{
	msb_openai_options o;
	tls_log_count n;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "noverify");
	o.insecure_skip_verify = 1;
	expect_ok(&o, "verification off");
	tls_proxy_count(&px, "t=noverify", 1, &n);
	assert_int_equal(n.http2, 1);
}

/*
 * Options version 3: tls_verify = 0 (a zeroed field) no longer turns
 * verification off; version 2 keeps its meaning.
 */
static void test_tls_verify_zero(void **state)
{
	msb_openai_options o;
	msb_backend *be;
	msb_completion *c;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "zero3");
	o.tls_verify = 0;
	o.max_retries = -1;
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	assert_int_equal(gen(be, "zero3", &c), MSB_EHTTP);
	assert_string_equal(msbt_completion(c).error.kind, "tls");
	msb_completion_free(c);
	msb_backend_free(be);

	opts(&o, url, sizeof url, "https", px.h2_port, "zero2");
	o.version = 2;
	o.tls_verify = 0;
	expect_ok(&o, "version 2: tls_verify = 0 is off");
}

/* A version 1 caller's struct ends before ca_file: nothing past it is read or written. */
static void test_options_version_1(void **state)
{
	unsigned char raw[sizeof(msb_openai_options) + 16];
	msb_openai_options *o = (msb_openai_options *)(void *)raw;
	size_t v1 = offsetof(msb_openai_options, ca_file), i;
	msb_backend *be;
	char url[128];
	(void)state;

	memset(raw, 0xAB, sizeof raw);
	assert_int_equal(msb_openai_options_init(o, 1), 0);
	assert_int_equal(o->version, 1);
	assert_int_equal(o->tls_verify, 1);
	for (i = v1; i < sizeof raw; i++)
		assert_int_equal(raw[i], 0xAB);
	/* garbage where ca_file / ca_path would be: ignored for version 1 */
	snprintf(url, sizeof url, "https://127.0.0.1:%d/v1?t=v1", px.h2_port);
	o->base_url = url;
	o->model = "test-model";
	o->tls_verify = 0;
	assert_int_equal(msb_backend_openai_new(&be, o), 0);
	msb_backend_free(be);
}

/*
 * Faults on HTTP/2 streams (nginx turns a dropped or truncated upstream
 * answer into a 502 or a reset stream): each fails twice, then succeeds.
 */
static void test_faults_over_http2(void **state)
{
	static const char *const faults[] = { "429", "500", "503", "drop", "truncate", "badjson",
		"error200", "hang" };
	msb_openai_options o;
	msb_backend *be;
	tls_log_count n;
	char url[128];
	size_t i;
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "h2faults");
	o.ca_file = px.ca_file;
	o.timeout_ms = 1000; /* for "hang" */
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	for (i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		char prompt[64], want[32];
		msb_completion *c;
		snprintf(prompt, sizeof prompt, "h2 retry [[fault:%s*2]]", faults[i]);
		test_server_expected(prompt, want);
		if (gen(be, prompt, &c) != 0)
			fail_msg("%s: %s", faults[i], msbt_completion(c).error.message);
		assert_string_equal(msbt_completion(c).text, want);
		/* nginx itself may retry a dropped keep-alive upstream connection once */
		if (msbt_completion(c).usage.attempts != 3 &&
		    !(!strcmp(faults[i], "drop") && msbt_completion(c).usage.attempts == 2))
			fail_msg("%s: %d attempts", faults[i], msbt_completion(c).usage.attempts);
		msb_completion_free(c);
	}
	msb_backend_free(be);
	tls_proxy_count(&px, "t=h2faults", 1, &n);
	assert_int_equal(n.http2, n.requests);
}

/* ---- many requests in flight ---- */

typedef struct {
	msb_completion *c;
	char prompt[48];
	int status;
	int done;
} slot;

static void on_done(msb_completion *c, int status, void *ctx)
{
	slot *s = ctx;
	(void)c;
	s->status = status;
	s->done++;
}

/* Run n requests with at most `in_flight` at a time; all must succeed. */
static void run_many(const msb_openai_options *o, int n, const char *prefix)
{
	msb_backend *be;
	slot *slots = calloc((size_t)n, sizeof *slots);
	int i, left;

	assert_non_null(slots);
	assert_int_equal(msb_backend_openai_new(&be, o), 0);
	for (i = 0; i < n; i++) {
		msb_request req = MSB_REQUEST_INIT;
		snprintf(slots[i].prompt, sizeof slots[i].prompt, "%s %d", prefix, i);
		req.prompt = slots[i].prompt;
		assert_int_equal(msb_completion_new(&slots[i].c), 0);
		assert_int_equal(msb_backend_submit(slots[i].c, be, &req, on_done, &slots[i]), 0);
	}
	do {
		left = msb_backend_poll(be, 1000);
		assert_true(left >= 0);
	} while (left > 0);
	for (i = 0; i < n; i++) {
		char want[32];
		test_server_expected(slots[i].prompt, want);
		assert_int_equal(slots[i].done, 1);
		if (slots[i].status != 0)
			fail_msg("%s: %s", slots[i].prompt, msbt_completion(slots[i].c).error.message);
		assert_string_equal(msbt_completion(slots[i].c).text, want);
		msb_completion_free(slots[i].c);
	}
	free(slots);
	msb_backend_free(be);
}

static void test_http2_multiplexed(void **state)
{
	enum { N = 200 };
	msb_openai_options o;
	tls_log_count n;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "h2many");
	o.ca_file = px.ca_file;
	o.max_in_flight = 64;
	run_many(&o, N, "multiplexed");
	tls_proxy_count(&px, "t=h2many", N, &n);
	assert_int_equal(n.requests, N);
	assert_int_equal(n.status_200, N);
	assert_int_equal(n.http2, N);
	/* streams shared connections: without multiplexing there would be up to 64 */
	if (n.connections > 3)
		fail_msg("%d requests used %d connections", N, n.connections);
}

/* HTTP/2 wanted but not offered (ALPN says http/1.1): HTTP/1.1 with keep-alive. */
static void test_http11_when_not_offered(void **state)
{
	enum { N = 40 };
	msb_openai_options o;
	tls_log_count n;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h1_port, "h1only");
	o.ca_file = px.ca_file;
	o.max_in_flight = 8;
	assert_int_equal(o.http2, 1);
	run_many(&o, N, "no alpn h2");
	tls_proxy_count(&px, "t=h1only", N, &n);
	assert_int_equal(n.requests, N);
	assert_int_equal(n.http11, N);
	assert_int_equal(n.port, px.h1_port);
	/* keep-alive: connections reused, at most one per request in flight */
	assert_true(n.connections <= 8);
}

static void test_http2_off(void **state)
{
	msb_openai_options o;
	tls_log_count n;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "h2off");
	o.ca_file = px.ca_file;
	o.http2 = -1; /* version 3: 0 is the default (on) */
	expect_ok(&o, "http2 option off");
	tls_proxy_count(&px, "t=h2off", 1, &n);
	assert_int_equal(n.http11, 1);
}

static void test_cleartext(void **state)
{
	enum { N = 40 };
	msb_openai_options o;
	tls_log_count n;
	char url[128];
	(void)state;

	opts(&o, url, sizeof url, "http", px.clear_port, "clear");
	o.max_in_flight = 8;
	run_many(&o, N, "cleartext");
	tls_proxy_count(&px, "t=clear", N, &n);
	assert_int_equal(n.requests, N);
	assert_int_equal(n.http11, N);
	assert_int_equal(n.port, px.clear_port);
	assert_true(n.connections <= 8);
}

static void test_api_key_through_tls(void **state)
{
	msb_openai_options o;
	msb_backend *be;
	msb_completion *c;
	char url[128], want[64], *st;
	(void)state;

	opts(&o, url, sizeof url, "https", px.h2_port, "key");
	o.ca_file = px.ca_file;
	expect_ok(&o, "key over h2");
	st = test_server_stats(&srv);
	assert_non_null(st);
	snprintf(want, sizeof want, "\"authorization\":\"Bearer %s\"", secret);
	assert_non_null(strstr(st, want));
	free(st);

	/* the server echoes the key in a 401: redacted, not retried */
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	assert_no_secret(msb_backend_identity(be));
	assert_int_equal(gen(be, "bad key [[fault:401echo]]", &c), MSB_EHTTP);
	assert_int_equal(msbt_completion(c).http_status, 401);
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_no_secret(msbt_completion(c).error.message);
	assert_non_null(strstr(msbt_completion(c).error.message, "[redacted]"));
	assert_no_secret(msb_error_last()->message);
	msb_completion_free(c);
	msb_backend_free(be);
}

int main(int argc, char **argv)
{
	static const char *const args[] = { "--latency-ms", "5", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_rejects_self_signed),
		cmocka_unit_test(test_ca_file),
		cmocka_unit_test(test_ca_path),
		cmocka_unit_test(test_ca_file_missing),
		cmocka_unit_test(test_no_verify),
		cmocka_unit_test(test_options_version_1),
		cmocka_unit_test(test_tls_verify_zero),
		cmocka_unit_test(test_faults_over_http2),
		cmocka_unit_test(test_http2_multiplexed),
		cmocka_unit_test(test_http11_when_not_offered),
		cmocka_unit_test(test_http2_off),
		cmocka_unit_test(test_cleartext),
		cmocka_unit_test(test_api_key_through_tls),
	};
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-msb_test_server\n", argv[0]);
		return 2;
	}
	if (msb_init() < 0)
		return 1;
	setenv("MSB_TEST_API_KEY", secret, 1);
	if (test_server_start(&srv, argv[1], args)) {
		fprintf(stderr, "cannot start %s\n", argv[1]);
		return 1;
	}
	rc = tls_proxy_start(&px, srv.port);
	if (rc) {
		tls_proxy_stop(&px);
		test_server_stop(&srv);
		msb_shutdown();
		return rc == 77 ? 77 : 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tls_proxy_stop(&px);
	test_server_stop(&srv);
	msb_shutdown();
	return rc;
}
