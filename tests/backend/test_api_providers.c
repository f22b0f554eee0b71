/*
 * tests/backend/test_api_providers.c - the Anthropic and Azure dialects of
 * the HTTP backend (msb_backend_provider_new, issue #21 items 1 and 2)
 * against msb_test_server, which answers POST .../v1/messages in the
 * Anthropic shapes and refuses what the real Messages API refuses (no
 * max_tokens, a seed, a "system" role in messages): URLs, key headers,
 * anthropic-version, api-version, identity, thinking, refusal, 529.
 *
 * argv[1]: msb_test_server.
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
#include "test_server.h"
#include "../common/info.h"

static const char *server_path;

/* The string member `key` of the server's /_stats ("" when absent) into out. */
static void stat_str(const test_server *srv, const char *key, char *out, size_t size)
{
	char *s = test_server_stats(srv);
	json_t *j;

	assert_non_null(s);
	j = json_loads(s, 0, NULL);
	free(s);
	assert_non_null(j);
	snprintf(out, size, "%s", json_string_value(json_object_get(j, key)) ?
	    json_string_value(json_object_get(j, key)) : "");
	json_decref(j);
}

static long long stat_int(const test_server *srv, const char *key)
{
	char *s = test_server_stats(srv);
	json_t *j;
	long long n;

	assert_non_null(s);
	j = json_loads(s, 0, NULL);
	free(s);
	n = json_integer_value(json_object_get(j, key));
	json_decref(j);
	return n;
}

static msb_backend *make(const char *base, const char *model, int dialect, const char *key_env,
    const char *api_version)
{
	msb_openai_options o;
	msb_provider_options p;
	msb_backend *b = NULL;

	assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
	assert_int_equal(msb_provider_options_init(&p, MSB_PROVIDER_OPTIONS_VERSION), 0);
	o.base_url = base;
	o.model = model;
	o.api_key_env = key_env;
	o.backoff_base_ms = 1;
	o.backoff_max_ms = 2;
	p.dialect = dialect;
	p.api_version = api_version;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), 0);
	return b;
}

/* Generate prompt with a system prompt, max_tokens left to the server and a seed. */
static int gen(msb_backend *b, const char *prompt, msb_completion **c)
{
	msb_request req = MSB_REQUEST_INIT;

	req.prompt = prompt;
	req.system = "You are careful.";
	req.max_tokens = 0;
	req.seed = 7;
	req.has_seed = 1;
	return msb_backend_generate(c, b, &req);
}

static void test_anthropic_wire(void **state)
{
	test_server srv;
	msb_backend *b;
	msb_completion *c = NULL;
	char want[32], got[512], base[96], id[160];
	(void)state;

	assert_int_equal(test_server_start(&srv, server_path, NULL), 0);
	setenv("MSB_TEST_ANTH_KEY", "sk-ant-unit-7f3", 1);
	/* the base without /v1: POST {base}/v1/messages */
	snprintf(base, sizeof base, "http://127.0.0.1:%d", srv.port);
	b = make(base, "claude-x", MSB_OPENAI_DIALECT_ANTHROPIC, "MSB_TEST_ANTH_KEY", NULL);
	/* the identity names the base as curl normalises it (an empty path is "/") */
	snprintf(id, sizeof id, "anthropic:claude-x@%s/", base);
	assert_string_equal(msb_backend_identity(b), id);
	/* the server refuses a seed, a missing max_tokens and a system role: an answer means none was sent */
	assert_int_equal(gen(b, "a question", &c), 0);
	test_server_expected("a question", want);
	assert_string_equal(msbt_completion(c).text, want);
	assert_string_equal(msbt_completion(c).finish_reason, "end_turn");
	assert_true(msbt_completion(c).usage.prompt_tokens > 0);
	assert_int_equal(msbt_completion(c).usage.completion_tokens, 3);
	assert_int_equal(msbt_completion(c).cached_tokens, 0);
	stat_str(&srv, "authorization", got, sizeof got);
	assert_string_equal(got, "x-api-key: sk-ant-unit-7f3");
	stat_str(&srv, "anthropic_version", got, sizeof got);
	assert_string_equal(got, MSB_ANTHROPIC_VERSION_DEFAULT);
	stat_str(&srv, "last_path", got, sizeof got);
	assert_string_equal(got, "/v1/messages");
	msb_completion_free(c);
	c = NULL;

	/* thinking blocks are the reasoning; the text stays the answer */
	assert_int_equal(gen(b, "think [[fault:reasoning]]", &c), 0);
	assert_string_equal(msbt_completion(c).reasoning, "thinking it over");
	msb_completion_free(c);
	c = NULL;

	/* stop_reason refusal with no text: a refusal, with the fixed note as its text */
	assert_int_equal(gen(b, "refuse [[fault:refusal]]", &c), 0);
	assert_string_equal(msbt_completion(c).finish_reason, "refusal");
	assert_non_null(strstr(msbt_completion(c).text, "stop_reason \"refusal\""));
	msb_completion_free(c);
	c = NULL;

	/* 529 overloaded_error: retried, then answered */
	assert_int_equal(gen(b, "busy [[fault:529*1]]", &c), 0);
	assert_int_equal(msbt_completion(c).usage.attempts, 2);
	msb_completion_free(c);
	c = NULL;
	/* max_tokens cut: the stop reason is kept */
	assert_int_equal(gen(b, "long [[fault:length]]", &c), 0);
	assert_string_equal(msbt_completion(c).finish_reason, "max_tokens");
	msb_completion_free(c);
	c = NULL;
	msb_backend_free(b);

	/* the version header is overridable; a base ending in /v1 works too */
	b = make(srv.url, "claude-x", MSB_OPENAI_DIALECT_ANTHROPIC, "MSB_TEST_ANTH_KEY", "2099-01-01");
	assert_int_equal(gen(b, "again", &c), 0);
	stat_str(&srv, "anthropic_version", got, sizeof got);
	assert_string_equal(got, "2099-01-01");
	stat_str(&srv, "last_path", got, sizeof got);
	assert_string_equal(got, "/v1/messages");
	msb_completion_free(c);
	c = NULL;
	msb_backend_free(b);
	test_server_stop(&srv);
}

/* ANTHROPIC_API_KEY goes to api.anthropic.com only: a local server gets no key unless it is named. */
static void test_anthropic_default_key_stays_home(void **state)
{
	test_server srv;
	msb_backend *b;
	msb_completion *c = NULL;
	(void)state;

	assert_int_equal(test_server_start(&srv, server_path, NULL), 0);
	setenv("ANTHROPIC_API_KEY", "sk-ant-never-sent", 1);
	b = make(srv.url, "claude-x", MSB_OPENAI_DIALECT_ANTHROPIC, NULL, NULL);
	assert_int_equal(gen(b, "q", &c), 0);
	assert_int_equal(stat_int(&srv, "auth_requests"), 0);
	msb_completion_free(c);
	msb_backend_free(b);
	unsetenv("ANTHROPIC_API_KEY");
	test_server_stop(&srv);
}

static void test_azure_wire(void **state)
{
	test_server srv;
	msb_backend *b;
	msb_completion *c = NULL;
	char want[32], got[512], base[96], id[200];
	(void)state;

	assert_int_equal(test_server_start(&srv, server_path, NULL), 0);
	setenv("MSB_TEST_AZ_KEY", "az-unit-key-91c", 1);
	snprintf(base, sizeof base, "http://127.0.0.1:%d/", srv.port);
	b = make(base, "my-dep", MSB_OPENAI_DIALECT_AZURE, "MSB_TEST_AZ_KEY", NULL);
	snprintf(id, sizeof id, "azure[%s]:my-dep@http://127.0.0.1:%d/", MSB_AZURE_API_VERSION_DEFAULT,
	    srv.port);
	assert_string_equal(msb_backend_identity(b), id);
	assert_int_equal(gen(b, "a question", &c), 0);
	test_server_expected("a question", want);
	assert_string_equal(msbt_completion(c).text, want);
	stat_str(&srv, "last_path", got, sizeof got);
	assert_string_equal(got, "/openai/deployments/my-dep/chat/completions?api-version="
	    MSB_AZURE_API_VERSION_DEFAULT);
	stat_str(&srv, "authorization", got, sizeof got);
	assert_string_equal(got, "api-key: az-unit-key-91c");
	msb_completion_free(c);
	c = NULL;
	/* the content filter (HTTP 400, code content_filter; finish_reason content_filter) is a refusal */
	assert_int_equal(gen(b, "x [[fault:filter400]]", &c), 0);
	assert_string_equal(msbt_completion(c).finish_reason, "content_filter");
	assert_non_null(strstr(msbt_completion(c).text, "content filter"));
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	msb_completion_free(c);
	c = NULL;
	assert_int_equal(gen(b, "y [[fault:filter]]", &c), 0);
	assert_string_equal(msbt_completion(c).finish_reason, "content_filter");
	msb_completion_free(c);
	c = NULL;
	msb_backend_free(b);

	/* api-version given; the base's own query parameters are kept after it */
	snprintf(base, sizeof base, "http://127.0.0.1:%d?x=1", srv.port);
	b = make(base, "dep 2", MSB_OPENAI_DIALECT_AZURE, "MSB_TEST_AZ_KEY", "2025-01-01-preview");
	assert_int_equal(gen(b, "q", &c), 0);
	stat_str(&srv, "last_path", got, sizeof got);
	assert_string_equal(got, "/openai/deployments/dep%202/chat/completions"
	    "?api-version=2025-01-01-preview&x=1");
	msb_completion_free(c);
	msb_backend_free(b);
	test_server_stop(&srv);
}

static void test_bad_provider_options(void **state)
{
	msb_openai_options o;
	msb_provider_options p;
	msb_backend *b = NULL;
	(void)state;

	assert_int_equal(msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION), 0);
	assert_int_equal(msb_provider_options_init(&p, MSB_PROVIDER_OPTIONS_VERSION), 0);
	assert_int_equal(p.dialect, MSB_OPENAI_DIALECT_OPENAI);
	o.model = "m";
	p.dialect = 42;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), MSB_EINVAL);
	/* Azure needs the resource URL */
	p.dialect = MSB_OPENAI_DIALECT_AZURE;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "base URL"));
	/* Messages has no completions endpoint */
	p.dialect = MSB_OPENAI_DIALECT_ANTHROPIC;
	o.endpoint = MSB_OPENAI_COMPLETIONS;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), MSB_EINVAL);
	o.endpoint = MSB_OPENAI_CHAT;
	/* an api_version cannot smuggle a header or a query parameter */
	p.api_version = "2023-06-01\r\nX-Injected: 1";
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), MSB_EINVAL);
	p.api_version = "v&api-key=x";
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), MSB_EINVAL);
	/* the default base of Anthropic */
	p.api_version = NULL;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), 0);
	assert_string_equal(msb_backend_identity(b), "anthropic:m@" MSB_ANTHROPIC_BASE_URL_DEFAULT "/");
	msb_backend_free(b);
	/* a newer version than the library knows */
	p.version = MSB_PROVIDER_OPTIONS_VERSION + 1;
	assert_int_equal(msb_backend_provider_new(&b, &o, &p), MSB_EVERSION);
	/* NULL provider: the OpenAI backend */
	assert_int_equal(msb_backend_provider_new(&b, &o, NULL), 0);
	assert_non_null(strstr(msb_backend_identity(b), "openai:m@"));
	msb_backend_free(b);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anthropic_wire),
		cmocka_unit_test(test_anthropic_default_key_stays_home),
		cmocka_unit_test(test_azure_wire),
		cmocka_unit_test(test_bad_provider_options),
	};
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s MSB_TEST_SERVER\n", argv[0]);
		return 2;
	}
	server_path = argv[1];
	if (msb_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msb_shutdown();
	return rc;
}
