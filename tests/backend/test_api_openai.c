/*
 * tests/backend/test_api_openai.c - the OpenAI-compatible backend against
 * msb_test_server (started as a child): every fault is retried or
 * reported as docs/backends.md says, Retry-After, the API key, many
 * requests in flight, timeouts, the response size cap, endpoints.
 *
 * argv[1]: the path of msb_test_server.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/backend.h"
#include "test_server.h"
#include "../common/info.h"

static const char *server_path;
static const char secret[] = "sk-test-SECRET-0123456789abcdef";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

typedef struct fixture {
	test_server srv;
	msb_backend *be;
	msb_openai_options o;
} fixture;

static void start(fixture *f, const char *const *args)
{
	assert_int_equal(test_server_start(&f->srv, server_path, args), 0);
	assert_int_equal(msb_openai_options_init(&f->o, MSB_OPENAI_OPTIONS_VERSION), 0);
	f->o.base_url = f->srv.url;
	f->o.model = "test-model";
	f->o.api_key_env = "MSB_TEST_API_KEY";
	f->o.backoff_base_ms = 10;
	f->o.backoff_max_ms = 40;
	f->o.max_retries = 3;
	f->o.timeout_ms = 10000;
	f->be = NULL;
}

static void make(fixture *f)
{
	assert_int_equal(msb_backend_openai_new(&f->be, &f->o), 0);
}

static void stop(fixture *f)
{
	msb_backend_free(f->be);
	test_server_stop(&f->srv);
}

static int gen(fixture *f, const char *prompt, msb_completion **c)
{
	msb_request req = MSB_REQUEST_INIT;
	req.prompt = prompt;
	req.system = "You are a careful assistant.";
	return msb_backend_generate(c, f->be, &req);
}

static void assert_no_secret(const char *s)
{
	if (s)
		assert_null(strstr(s, secret));
}

static void test_chat_ok(void **state)
{
	fixture f;
	msb_completion *c;
	char want[32];
	(void)state;

	start(&f, NULL);
	make(&f);
	assert_int_equal(gen(&f, "How do I treat a burn?", &c), 0);
	test_server_expected("How do I treat a burn?", want);
	assert_string_equal(msbt_completion(c).text, want);
	assert_string_equal(msbt_completion(c).finish_reason, "stop");
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_int_equal(msbt_completion(c).http_status, 200);
	assert_true(msbt_completion(c).usage.prompt_tokens > 0);
	assert_int_equal(msbt_completion(c).usage.completion_tokens, 3);
	assert_null(msbt_completion(c).reasoning);
	assert_int_equal(msbt_completion(c).error.code, 0);
	assert_true(msbt_completion(c).usage.latency_ms >= 0);
	msb_completion_free(c);
	assert_non_null(strstr(msb_backend_identity(f.be), "openai:test-model@http://127.0.0.1:"));
	assert_true(msb_backend_is_async(f.be));
	assert_int_equal(msb_backend_capacity(f.be), 64);
	stop(&f);
}

static void test_api_key_reaches_server_not_outputs(void **state)
{
	fixture f;
	msb_completion *c;
	char *st, want[64];
	(void)state;

	setenv("MSB_TEST_API_KEY", secret, 1);
	start(&f, NULL);
	make(&f);
	assert_int_equal(gen(&f, "key check", &c), 0);
	msb_completion_free(c);
	st = test_server_stats(&f.srv);
	assert_non_null(st);
	snprintf(want, sizeof want, "\"authorization\":\"Bearer %s\"", secret);
	assert_non_null(strstr(st, want));
	free(st);
	assert_no_secret(msb_backend_identity(f.be));

	/* the server echoes the key in its 401 message: the library redacts it */
	assert_int_equal(gen(&f, "bad key [[fault:401echo]]", &c), MSB_EHTTP);
	assert_int_equal(msbt_completion(c).http_status, 401);
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_no_secret(msbt_completion(c).error.message);
	assert_non_null(strstr(msbt_completion(c).error.message, "[redacted]"));
	assert_no_secret(msb_error_last()->message);
	msb_completion_free(c);
	stop(&f);
	unsetenv("MSB_TEST_API_KEY");
}

static void test_no_key_hint(void **state)
{
	fixture f;
	msb_completion *c;
	(void)state;

	unsetenv("MSB_TEST_API_KEY");
	start(&f, NULL);
	make(&f);
	assert_int_equal(gen(&f, "[[fault:401echo]]", &c), MSB_EHTTP);
	assert_non_null(strstr(msbt_completion(c).error.message, "MSB_TEST_API_KEY is not set"));
	msb_completion_free(c);
	stop(&f);
}

/* Faults that are retried: each fails twice, then the request succeeds. */
static void test_retried_faults(void **state)
{
	static const char *const faults[] = { "429", "429ra", "500", "503", "drop", "truncate",
		"badjson", "error200" };
	static const char *const args[] = { "--retry-after", "0", NULL };
	fixture f;
	size_t i;
	(void)state;

	start(&f, args);
	make(&f);
	for (i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		char prompt[64], want[32];
		msb_completion *c;
		snprintf(prompt, sizeof prompt, "retry me [[fault:%s*2]]", faults[i]);
		test_server_expected(prompt, want);
		if (gen(&f, prompt, &c) != 0)
			fail_msg("%s: %s", faults[i], msbt_completion(c).error.message);
		assert_string_equal(msbt_completion(c).text, want);
		/*
		 * libcurl itself resends once when a reused keep-alive connection
		 * dies before any byte of the response: a drop may cost the server
		 * two requests in one attempt (docs/backends.md).
		 */
		if (msbt_completion(c).usage.attempts != 3 &&
		    !(!strcmp(faults[i], "drop") && msbt_completion(c).usage.attempts == 2))
			fail_msg("%s: %d attempts", faults[i], msbt_completion(c).usage.attempts);
		assert_int_equal(msbt_completion(c).http_status, 200);
		msb_completion_free(c);
	}
	stop(&f);
}

typedef struct {
	const char *fault;
	int code;
	const char *kind;
	int status;
	int attempts;     /* with max_retries = 2 */
	const char *msg;  /* part of the message */
} expect_fail;

static void test_reported_faults(void **state)
{
	static const expect_fail cases[] = {
		{ "400", MSB_EHTTP, "http", 400, 1, "HTTP 400: injected failure (test)" },
		{ "404", MSB_EHTTP, "http", 404, 1, "HTTP 404" },
		{ "500", MSB_EHTTP, "http", 500, 3, "gave up after 3 attempts" },
		{ "503", MSB_EHTTP, "http", 503, 3, "HTTP 503" },
		{ "429", MSB_EHTTP, "rate_limit", 429, 3, "Rate limit reached" },
		{ "drop", MSB_EHTTP, "connect", 0, 3, "POST http://127.0.0.1:" },
		{ "truncate", MSB_EPARSE, "parse", 200, 3, "truncated response body" },
		{ "badjson", MSB_EPARSE, "parse", 200, 3, "invalid JSON in the response" },
	};
	fixture f;
	size_t i;
	(void)state;

	start(&f, NULL);
	f.o.max_retries = 2;
	make(&f);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char prompt[64];
		msb_completion *c;
		int rc;
		snprintf(prompt, sizeof prompt, "fail [[fault:%s]]", cases[i].fault);
		rc = gen(&f, prompt, &c);
		if (rc != cases[i].code || strcmp(msbt_completion(c).error.kind, cases[i].kind) ||
		    msbt_completion(c).usage.attempts != cases[i].attempts ||
		    !strstr(msbt_completion(c).error.message, cases[i].msg))
			fail_msg("%s: rc %d kind %s attempts %d: %s", cases[i].fault, rc,
			    msbt_completion(c).error.kind, msbt_completion(c).usage.attempts,
			    msbt_completion(c).error.message);
		assert_int_equal(msbt_completion(c).http_status, cases[i].status);
		assert_int_equal(msbt_completion(c).error.code, cases[i].code);
		assert_null(msbt_completion(c).text);
		msb_completion_free(c);
	}
	stop(&f);
}

static void test_retry_after_honoured(void **state)
{
	static const char *const args[] = { "--retry-after", "1", NULL };
	fixture f;
	msb_completion *c;
	double t0;
	(void)state;

	start(&f, args);
	make(&f);
	t0 = now_ms();
	assert_int_equal(gen(&f, "slow down [[fault:429ra*1]]", &c), 0);
	assert_int_equal(msbt_completion(c).usage.attempts, 2);
	/* backoff alone would be ~10 ms; Retry-After: 1 asks for a second */
	assert_true(now_ms() - t0 >= 900);
	assert_true(msbt_completion(c).usage.latency_ms >= 900);
	msb_completion_free(c);
	stop(&f);
}

static void test_timeout(void **state)
{
	fixture f;
	msb_completion *c;
	(void)state;

	start(&f, NULL);
	f.o.timeout_ms = 300;
	f.o.max_retries = 1;
	make(&f);
	assert_int_equal(gen(&f, "never answered [[fault:hang]]", &c), MSB_ETIMEOUT);
	assert_string_equal(msbt_completion(c).error.kind, "timeout");
	assert_int_equal(msbt_completion(c).usage.attempts, 2);
	assert_true(msbt_completion(c).usage.latency_ms >= 550);
	msb_completion_free(c);
	/* a hang once, then an answer */
	assert_int_equal(gen(&f, "late [[fault:hang*1]]", &c), 0);
	assert_int_equal(msbt_completion(c).usage.attempts, 2);
	msb_completion_free(c);
	stop(&f);
}

static void test_oversized(void **state)
{
	static const char *const args[] = { "--huge-bytes", "3000000", NULL };
	fixture f;
	msb_completion *c;
	(void)state;

	start(&f, args);
	f.o.max_response_bytes = 1u << 20;
	make(&f);
	assert_int_equal(gen(&f, "flood [[fault:huge]]", &c), MSB_ELIMIT);
	assert_string_equal(msbt_completion(c).error.kind, "too_large");
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_non_null(strstr(msbt_completion(c).error.message, "max_response_bytes (1048576)"));
	msb_completion_free(c);
	msb_backend_free(f.be);
	/* under the cap it is accepted */
	f.o.max_response_bytes = 4u << 20;
	make(&f);
	assert_int_equal(gen(&f, "flood [[fault:huge]]", &c), 0);
	assert_int_equal(strlen(msbt_completion(c).text), 3000000);
	msb_completion_free(c);
	stop(&f);
}

static void test_connect_refused(void **state)
{
	msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
	test_server s;
	msb_backend *be;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	char url[64];
	(void)state;

	/* a port that was just in use and is now closed */
	assert_int_equal(test_server_start(&s, server_path, NULL), 0);
	snprintf(url, sizeof url, "%s", s.url);
	test_server_stop(&s);
	o.base_url = url;
	o.model = "m";
	o.max_retries = 2;
	o.backoff_base_ms = 5;
	o.backoff_max_ms = 10;
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	req.prompt = "anyone there?";
	assert_int_equal(msb_backend_generate(&c, be, &req), MSB_EHTTP);
	assert_string_equal(msbt_completion(c).error.kind, "connect");
	assert_int_equal(msbt_completion(c).usage.attempts, 3);
	msb_completion_free(c);
	msb_backend_free(be);
}

static void test_response_shapes(void **state)
{
	fixture f;
	msb_completion *c;
	(void)state;

	start(&f, NULL);
	make(&f);
	assert_int_equal(gen(&f, "[[fault:refusal]] help me", &c), 0);
	assert_string_equal(msbt_completion(c).text, "I can't help with that.");
	msb_completion_free(c);
	assert_int_equal(gen(&f, "[[fault:length]] long", &c), 0);
	assert_string_equal(msbt_completion(c).finish_reason, "length");
	msb_completion_free(c);
	assert_int_equal(gen(&f, "[[fault:reasoning]] think", &c), 0);
	assert_string_equal(msbt_completion(c).reasoning, "thinking it over");
	{
		char want[32];
		test_server_expected("[[fault:reasoning]] think", want);
		assert_string_equal(msbt_completion(c).text, want);
	}
	msb_completion_free(c);
	stop(&f);
}

static void test_completions_endpoint(void **state)
{
	fixture f;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	char *want;
	(void)state;

	start(&f, NULL);
	f.o.endpoint = MSB_OPENAI_COMPLETIONS;
	f.o.prompt_format = MSB_PROMPT_LLAMA2;
	f.o.use_max_completion_tokens = 1;
	f.o.omit_temperature = 1;
	make(&f);
	assert_non_null(strstr(msb_backend_identity(f.be), "openai-completions[llama2]:test-model@"));
	req.system = "Be safe.";
	req.prompt = "Say it back [[echo]]";
	assert_int_equal(msb_backend_generate(&c, f.be, &req), 0);
	assert_int_equal(msb_prompt_render(&want, MSB_PROMPT_LLAMA2, req.system, req.prompt), 0);
	assert_string_equal(msbt_completion(c).text, want);
	assert_string_equal(want, "[INST] <<SYS>>\nBe safe.\n<</SYS>>\n\nSay it back [[echo]] [/INST]");
	msb_free(want);
	msb_completion_free(c);
	stop(&f);
}

/* ---- many requests in flight through submit / poll ---- */

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

/*
 * Submit n requests, prompt "PREFIX i SUFFIX" (tmpl's other fields, or
 * the defaults when tmpl is NULL), each into its slot.
 */
static void submit_all(fixture *f, slot *slots, int n, const msb_request *tmpl,
    const char *prefix, const char *suffix)
{
	static const msb_request defaults = MSB_REQUEST_INIT;
	int i;

	for (i = 0; i < n; i++) {
		msb_request req = tmpl ? *tmpl : defaults;
		snprintf(slots[i].prompt, sizeof slots[i].prompt, "%s %d%s", prefix, i, suffix);
		req.prompt = slots[i].prompt;
		assert_int_equal(msb_completion_new(&slots[i].c), 0);
		assert_int_equal(msb_backend_submit(slots[i].c, f->be, &req, on_done, &slots[i]), 0);
	}
}

/* Poll until nothing is in flight; poll never fails. */
static void drain(fixture *f)
{
	int left;

	do {
		left = msb_backend_poll(f->be, 1000);
		assert_true(left >= 0);
	} while (left > 0);
}

static void test_many_in_flight(void **state)
{
	enum { N = 400 };
	static const char *const args[] = { "--latency-ms", "20", NULL };
	fixture f;
	slot *slots = calloc(N, sizeof *slots);
	int i;
	double t0;
	char *st;
	(void)state;

	start(&f, args);
	f.o.max_in_flight = 128;
	make(&f);
	t0 = now_ms();
	submit_all(&f, slots, N, NULL, "request number", "");
	drain(&f);
	/* sequential would take N * 20 ms = 8 s; 128 at a time about 0.1 s */
	assert_true(now_ms() - t0 < 5000);
	for (i = 0; i < N; i++) {
		char want[32];
		test_server_expected(slots[i].prompt, want);
		assert_int_equal(slots[i].done, 1);
		assert_int_equal(slots[i].status, 0);
		assert_string_equal(msbt_completion(slots[i].c).text, want);
		msb_completion_free(slots[i].c);
	}
	st = test_server_stats(&f.srv);
	assert_non_null(st);
	{
		const char *m = strstr(st, "\"max_open_connections\":");
		int open;
		assert_non_null(m);
		open = atoi(m + 23);
		/* requests really overlapped, and never more than the limit (+ /_stats) */
		assert_true(open > 8);
		assert_true(open <= 128 + 1);
		/* keep-alive: connections were reused, not opened per request */
		m = strstr(st, "\"accepted\":");
		assert_non_null(m);
		assert_true(atoi(m + 11) <= 128 + 8);
	}
	free(st);
	free(slots);
	stop(&f);
}

static void test_aimd_backs_off(void **state)
{
	enum { N = 32 };
	fixture f;
	slot slots[N];
	int i;
	(void)state;

	start(&f, NULL);
	f.o.max_in_flight = 16;
	make(&f);
	memset(slots, 0, sizeof slots);
	submit_all(&f, slots, N, NULL, "busy", " [[fault:429*1]]");
	drain(&f);
	for (i = 0; i < N; i++) {
		assert_int_equal(slots[i].status, 0);
		assert_int_equal(msbt_completion(slots[i].c).usage.attempts, 2);
		msb_completion_free(slots[i].c);
	}
	/* halved at least once, and recovering additively: well below the ceiling */
	assert_true(msb_backend_capacity(f.be) < 16);
	assert_true(msb_backend_capacity(f.be) >= 1);
	stop(&f);
}

static void *wake_later(void *arg)
{
	usleep(100 * 1000);
	msb_backend_wakeup(arg);
	return NULL;
}

static void test_wakeup(void **state)
{
	fixture f;
	slot s;
	msb_request req = MSB_REQUEST_INIT;
	pthread_t th;
	double t0;
	(void)state;

	start(&f, NULL);
	make(&f);
	memset(&s, 0, sizeof s);
	req.prompt = "[[fault:hang]]";
	assert_int_equal(msb_completion_new(&s.c), 0);
	assert_int_equal(msb_backend_submit(s.c, f.be, &req, on_done, &s), 0);
	t0 = now_ms();
	pthread_create(&th, NULL, wake_later, f.be);
	assert_int_equal(msb_backend_poll(f.be, 8000), 1);
	pthread_join(th, NULL);
	assert_true(now_ms() - t0 < 6000);
	assert_int_equal(s.done, 0);
	/* freeing with a request in flight abandons it without a callback */
	stop(&f);
	assert_int_equal(s.done, 0);
	msb_completion_free(s.c);
}

static void test_rate_limit(void **state)
{
	enum { N = 12 };
	fixture f;
	slot slots[N];
	int i;
	double t0;
	(void)state;

	start(&f, NULL);
	f.o.requests_per_minute = 60; /* burst of 10, then one a second */
	make(&f);
	memset(slots, 0, sizeof slots);
	t0 = now_ms();
	submit_all(&f, slots, N, NULL, "paced", "");
	drain(&f);
	assert_true(now_ms() - t0 >= 1500);
	for (i = 0; i < N; i++) {
		assert_int_equal(slots[i].status, 0);
		msb_completion_free(slots[i].c);
	}
	stop(&f);
}

typedef struct {
	msb_backend *be;
	slot *slots;
	int n;
	int failures;
} submitter;

static void *submit_from_thread(void *arg)
{
	submitter *su = arg;
	int i;

	for (i = 0; i < su->n; i++) {
		msb_request req = MSB_REQUEST_INIT;
		req.prompt = su->slots[i].prompt;
		if (msb_backend_submit(su->slots[i].c, su->be, &req, on_done, &su->slots[i]))
			su->failures++;
		usleep(2000);
	}
	return NULL;
}

/* submit from another thread while this one is inside poll */
static void test_submit_from_thread(void **state)
{
	enum { N = 40 };
	fixture f;
	slot slots[N];
	submitter su;
	pthread_t th;
	int i, done = 0;
	double t0;
	(void)state;

	start(&f, NULL);
	make(&f);
	memset(slots, 0, sizeof slots);
	for (i = 0; i < N; i++) {
		snprintf(slots[i].prompt, sizeof slots[i].prompt, "from a thread %d", i);
		assert_int_equal(msb_completion_new(&slots[i].c), 0);
	}
	su.be = f.be;
	su.slots = slots;
	su.n = N;
	su.failures = 0;
	pthread_create(&th, NULL, submit_from_thread, &su);
	t0 = now_ms();
	while (done < N && now_ms() - t0 < 20000) {
		assert_true(msb_backend_poll(f.be, 2000) >= 0);
		for (done = 0, i = 0; i < N; i++)
			done += slots[i].done;
	}
	pthread_join(th, NULL);
	assert_int_equal(su.failures, 0);
	for (i = 0; i < N; i++) {
		char want[32];
		test_server_expected(slots[i].prompt, want);
		assert_int_equal(slots[i].done, 1);
		assert_string_equal(msbt_completion(slots[i].c).text, want);
		msb_completion_free(slots[i].c);
	}
	stop(&f);
}

typedef struct {
	msb_backend *be;
	msb_completion *c;
	int count;
	int failures;
	char prompt[32];
} chain;

/* a done callback that submits the next request (from inside poll) */
static void chain_done(msb_completion *c, int status, void *ctx)
{
	chain *ch = ctx;
	char want[32];
	msb_request req = MSB_REQUEST_INIT;

	test_server_expected(ch->prompt, want);
	if (status || strcmp(msbt_completion(c).text, want))
		ch->failures++;
	if (++ch->count == 10)
		return;
	snprintf(ch->prompt, sizeof ch->prompt, "chained %d", ch->count);
	req.prompt = ch->prompt;
	if (msb_backend_submit(ch->c, ch->be, &req, chain_done, ch))
		ch->failures++;
}

static void test_submit_from_done(void **state)
{
	fixture f;
	chain ch;
	msb_request req = MSB_REQUEST_INIT;
	int guard = 0;
	(void)state;

	start(&f, NULL);
	make(&f);
	memset(&ch, 0, sizeof ch);
	ch.be = f.be;
	assert_int_equal(msb_completion_new(&ch.c), 0);
	snprintf(ch.prompt, sizeof ch.prompt, "chained start");
	req.prompt = ch.prompt;
	assert_int_equal(msb_backend_submit(ch.c, f.be, &req, chain_done, &ch), 0);
	while (msb_backend_poll(f.be, 1000) > 0 && ++guard < 100)
		;
	assert_int_equal(ch.count, 10);
	assert_int_equal(ch.failures, 0);
	msb_completion_free(ch.c);
	stop(&f);
}

/* a base URL with a query string (Azure style): the path goes before it */
static void test_base_url_query(void **state)
{
	fixture f;
	msb_completion *c;
	char base[128], want[32];
	(void)state;

	start(&f, NULL);
	snprintf(base, sizeof base, "%s/?api-version=2024-10-21", f.srv.url);
	f.o.base_url = base;
	make(&f);
	assert_int_equal(gen(&f, "query", &c), 0);
	test_server_expected("query", want);
	assert_string_equal(msbt_completion(c).text, want);
	msb_completion_free(c);
	stop(&f);
}

static void test_tokens_per_minute(void **state)
{
	enum { N = 17 };
	fixture f;
	slot slots[N];
	msb_request req = MSB_REQUEST_INIT;
	int i;
	double t0;
	(void)state;

	start(&f, NULL);
	/* a burst of 2000 tokens, then 0.2 a millisecond; each request is
	 * estimated at its body / 4 + max_tokens = about 130 */
	f.o.tokens_per_minute = 12000;
	make(&f);
	memset(slots, 0, sizeof slots);
	req.max_tokens = 100;
	t0 = now_ms();
	submit_all(&f, slots, N, &req, "tokens", "");
	drain(&f);
	/* 15 fit the burst; the last two wait about 0.65 s each */
	assert_true(now_ms() - t0 >= 800);
	for (i = 0; i < N; i++) {
		assert_int_equal(slots[i].status, 0);
		msb_completion_free(slots[i].c);
	}
	stop(&f);
}

static void test_options(void **state)
{
	msb_openai_options o;
	msb_backend *be = (msb_backend *)1;
	(void)state;

	assert_int_equal(msb_openai_options_init(&o, 99), MSB_EVERSION);
	assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
	assert_int_equal(o.max_in_flight, 0); /* 0: the host's concurrency (msb_backend_set_concurrency) */
	assert_int_equal(o.tls_verify, 1);
	assert_int_equal(msb_backend_openai_new(&be, &o), MSB_EINVAL); /* no model */
	assert_null(be);
	assert_int_equal(msb_backend_openai_new(&be, NULL), MSB_EINVAL);
	o.model = "m";
	o.base_url = "ftp://example.invalid/v1";
	assert_int_equal(msb_backend_openai_new(&be, &o), MSB_EINVAL);
	o.base_url = "http://user:pw@127.0.0.1:9/v1/";
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	assert_string_equal(msb_backend_identity(be), "openai:m@http://127.0.0.1:9/v1");
	msb_backend_free(be);
	o.base_url = NULL;
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	assert_string_equal(msb_backend_identity(be), "openai:m@https://api.openai.com/v1");
	msb_backend_free(be);
	o.base_url = "https://example.invalid/openai/deployments/d1/?api-version=2024-10-21";
	assert_int_equal(msb_backend_openai_new(&be, &o), 0);
	assert_string_equal(msb_backend_identity(be),
	    "openai:m@https://example.invalid/openai/deployments/d1?api-version=<redacted>");
	msb_backend_free(be);
	o.prompt_format = 42;
	assert_int_equal(msb_backend_openai_new(&be, &o), MSB_EINVAL);
	o.prompt_format = 0;
	o.version = 77;
	assert_int_equal(msb_backend_openai_new(&be, &o), MSB_EVERSION);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_chat_ok),
		cmocka_unit_test(test_api_key_reaches_server_not_outputs),
		cmocka_unit_test(test_no_key_hint),
		cmocka_unit_test(test_retried_faults),
		cmocka_unit_test(test_reported_faults),
		cmocka_unit_test(test_retry_after_honoured),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_response_shapes),
		cmocka_unit_test(test_completions_endpoint),
		cmocka_unit_test(test_many_in_flight),
		cmocka_unit_test(test_aimd_backs_off),
		cmocka_unit_test(test_wakeup),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_tokens_per_minute),
		cmocka_unit_test(test_submit_from_thread),
		cmocka_unit_test(test_base_url_query),
		cmocka_unit_test(test_submit_from_done),
	};
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-msb_test_server\n", argv[0]);
		return 2;
	}
	server_path = argv[1];
	if (msb_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msb_shutdown();
	return rc;
}
