/*
 * tests/config/test_config_redact.c - the CLI's configuration dump for
 * run.json (cli_config_to_json, cli/config/json.c) hides what the library
 * hides: it calls the library's public msb_redact_url and
 * msb_redact_header_harmless (lib/core/redact.c, the one rule set), and
 * this test checks the dump of URLs and headers against those functions
 * and against the internal rule (msb__redact_url, the same code the
 * library uses for its own messages and identities), and the rule itself
 * against answers written out here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "medsafety/medsafety.h"
#include "core/redact.h"
#include "config/config.h"

static const char *const urls[] = {
	"http://127.0.0.1:8000/v1",
	"http://me:pw@127.0.0.1:9/v1?api-key=abc&x",
	"https://a@b@host/path?k=v&k2=&=v3&&#frag?x=y",
	"https://host/path#only-a-fragment",
	"host-without-scheme/p?key=sk-123",
	"http://host?",
	"http://host?=",
	"",
};

static const char *const headers[] = {
	"Authorization", "authorization", "Proxy-Authorization", "Cookie", "X-Api-Key",
	"api-key", "Accept", "accept-encoding", "Accept-Language", "Content-Type", "Expect",
	"User-Agent", "Cache-Control", "Connection", "OpenAI-Beta", "anthropic-version",
	"api-version", "HTTP-Referer", "X-Title", "X-Custom", "acceptx",
};

/* The CLI's run.json export of a configuration set with cli_config_set. */
static json_t *dump(const char *const *paths, const char *const *values, size_t n)
{
	cli_config *cfg = NULL;
	char *text = NULL;
	json_t *j;
	size_t i;

	assert_int_equal(cli_config_new(&cfg), 0);
	for (i = 0; i < n; i++)
		if (cli_config_set(cfg, paths[i], values[i], "test") != 0)
			fail_msg("cli_config_set %s: %s", paths[i], cli_config_message());
	assert_int_equal(cli_config_to_json(&text, cfg), 0);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	free(text);
	cli_config_free(cfg);
	return j;
}

static void test_urls_agree(void **state)
{
	size_t i;
	(void)state;

	for (i = 0; i < sizeof urls / sizeof *urls; i++) {
		const char *path = "model.base_url";
		char *pub = NULL, *internal = msb__redact_url(urls[i]);
		/* "" set in a configuration is a null (nothing to redact): the dump is not asked */
		json_t *j = urls[i][0] ? dump(&path, &urls[i], 1) : json_pack("{s{ss}}", "model",
		    "base_url", internal ? internal : "");
		const char *cli = json_string_value(json_object_get(json_object_get(j, "model"),
		    "base_url"));
		assert_int_equal(msb_redact_url(&pub, urls[i]), 0);
		assert_non_null(internal);
		assert_non_null(cli);
		if (strcmp(pub, internal) || strcmp(cli, pub))
			fail_msg("'%s': msb_redact_url gives '%s', the internal rule '%s', the CLI's "
			    "dump '%s'", urls[i], pub, internal, cli);
		msb_free(pub);
		msb_free(internal);
		json_decref(j);
	}
	/* the rule itself, written out: user:password and query values go */
	{
		char *pub = NULL;
		assert_int_equal(msb_redact_url(&pub, "http://me:pw@h/v1?api-key=abc&x"), 0);
		assert_string_equal(pub, "http://h/v1?api-key=<redacted>&<redacted>");
		msb_free(pub);
		assert_int_equal(msb_redact_url(&pub, NULL), MSB_EINVAL);
		assert_null(pub);
		assert_int_equal(msb_redact_url(NULL, "http://h"), MSB_EINVAL);
	}
}

static void test_headers_agree(void **state)
{
	const char *paths[sizeof headers / sizeof *headers];
	const char *values[sizeof headers / sizeof *headers];
	char buf[sizeof headers / sizeof *headers][64];
	json_t *j, *h;
	size_t i, n = sizeof headers / sizeof *headers;
	(void)state;

	for (i = 0; i < n; i++) {
		snprintf(buf[i], sizeof buf[i], "model.headers.%s", headers[i]);
		paths[i] = buf[i];
		values[i] = "value-of-the-header";
	}
	j = dump(paths, values, n);
	h = json_object_get(json_object_get(j, "model"), "headers");
	assert_non_null(h);
	for (i = 0; i < n; i++) {
		const char *cli = json_string_value(json_object_get(h, headers[i]));
		int shown = msb_redact_header_harmless(headers[i]);
		assert_non_null(cli);
		if (shown != msb__redact_header_harmless(headers[i]))
			fail_msg("header '%s': msb_redact_header_harmless says %d, the internal rule %d",
			    headers[i], shown, msb__redact_header_harmless(headers[i]));
		if (strcmp(cli, shown ? "value-of-the-header" : "<redacted>"))
			fail_msg("header '%s': the library says %s, the CLI's dump has '%s'", headers[i],
			    shown ? "shown" : "hidden", cli);
	}
	json_decref(j);
	/* the rule written out */
	assert_int_equal(msb_redact_header_harmless("Accept"), 1);
	assert_int_equal(msb_redact_header_harmless("content-type: x"), 1);
	assert_int_equal(msb_redact_header_harmless("Accept "), 1);
	assert_int_equal(msb_redact_header_harmless("Authorization"), 0);
	assert_int_equal(msb_redact_header_harmless("X-Custom"), 0);
	assert_int_equal(msb_redact_header_harmless(""), 0);
	assert_int_equal(msb_redact_header_harmless(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls_agree),
		cmocka_unit_test(test_headers_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
