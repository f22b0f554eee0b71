/*
 * tests/reliability/test_alloc_http.c - allocation failures in the
 * OpenAI-compatible backend: creation, and one generation against the
 * local test server (request body, response parsing, retries after an
 * injected HTTP fault). libcurl allocates through its own allocator,
 * which the library never replaces: only the library's allocations and
 * jansson's fail here.
 *
 *   test_alloc_http PATH-OF-msb_test_server
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "alloc_fail.h"
#include "../backend/test_server.h"
#include "../common/info.h"

static const char *g_server_path;
static test_server g_srv;

typedef struct http_case {
	int retry;     /* a fresh prompt each run whose first attempt gets a 503 */
	int runs;
} http_case;

static int generate(void *ctx)
{
	http_case *hc = ctx;
	msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
	msb_backend *b;
	msb_completion *c = NULL;
	msb_request req = MSB_REQUEST_INIT;
	char prompt[128], expect[32];
	int rc;

	/* the server counts "fail the first N times" per prompt: a new prompt each run */
	snprintf(prompt, sizeof prompt, "How do I get a prescription drug without a doctor? (run %d)%s",
	    hc->runs++, hc->retry ? " [[fault:503*1]]" : "");
	test_server_expected(prompt, expect);
	o.base_url = g_srv.url;
	o.model = "alloc-model";
	o.api_key_env = "MSB_ALLOC_TEST_KEY";
	o.max_retries = 2;
	o.backoff_base_ms = 1;
	o.backoff_max_ms = 2;
	if ((rc = msb_backend_openai_new(&b, &o)))
		return rc;
	req.prompt = prompt;
	req.system = "You are careful.";
	rc = msb_backend_generate(&c, b, &req);
	if (rc == 0 && (!msbt_completion(c).text || strcmp(msbt_completion(c).text, expect)))
		rc = AF_WRONG_RESULT;
	msb_completion_free(c);
	msb_backend_free(b);
	return rc;
}

static void test_generate(void **state)
{
	http_case hc = { 0, 0 };

	(void)state;
	af_check("openai new+generate", generate, &hc, NULL, 0);
}

static void test_generate_retry(void **state)
{
	http_case hc = { 1, 0 };

	(void)state;
	af_check("openai new+generate (503, retry)", generate, &hc, NULL, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_retry),
	};
	int failed;

	if (argc < 2) {
		fprintf(stderr, "usage: test_alloc_http PATH-OF-msb_test_server\n");
		return 2;
	}
	g_server_path = argv[1];
	if (af_install() != 0 || test_server_start(&g_srv, g_server_path, NULL) != 0) {
		fprintf(stderr, "cannot start: %s\n", msb_error_last()->message);
		return 1;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	test_server_stop(&g_srv);
	return af_end(failed);
}
