/*
 * tests/config/test_config_redact.c - the CLI's run.json redaction
 * (cli/config/redact.c) follows the library's rules (lib/core/redact.c):
 * the CLI cannot call the library's internal functions, so it has its own
 * copy, and this test keeps the two in step. It links the library's
 * internal static library and the cli/config sources side by side (their
 * names differ: msb__* and cfg__*) and compares the answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "core/redact.h"
#include "config/util.h"

static void test_urls_agree(void **state)
{
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
	size_t i;
	(void)state;

	for (i = 0; i < sizeof urls / sizeof *urls; i++) {
		char *lib = msb__redact_url(urls[i]), *cli = cfg__redact_url(urls[i]);
		assert_non_null(lib);
		assert_non_null(cli);
		if (strcmp(lib, cli))
			fail_msg("'%s': the library gives '%s', the CLI '%s'", urls[i], lib, cli);
		msb_free(lib);
		free(cli);
	}
	/* and the rule itself, written out: user:password and query values go */
	{
		char *cli = cfg__redact_url("http://me:pw@h/v1?api-key=abc&x");
		assert_string_equal(cli, "http://h/v1?api-key=<redacted>&<redacted>");
		free(cli);
	}
}

static void test_headers_agree(void **state)
{
	static const char *const names[] = {
		"Authorization", "authorization", "Proxy-Authorization", "Cookie", "X-Api-Key",
		"api-key", "Accept", "accept-encoding", "Accept-Language", "Content-Type", "Expect",
		"User-Agent", "Cache-Control", "Connection", "OpenAI-Beta", "anthropic-version",
		"api-version", "HTTP-Referer", "X-Title", "X-Custom", "Accept ", "Content-Type: x",
		"", "acceptx",
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (msb__redact_header_harmless(names[i]) != cfg__header_harmless(names[i]))
			fail_msg("header '%s': the library says %d, the CLI %d", names[i],
			    msb__redact_header_harmless(names[i]), cfg__header_harmless(names[i]));
	assert_int_equal(cfg__header_harmless("Accept"), 1);
	assert_int_equal(cfg__header_harmless("Authorization"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls_agree),
		cmocka_unit_test(test_headers_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
