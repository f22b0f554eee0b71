/*
 * tests/backend/test_backend_alloc.c - allocation failure at every point
 * (curl's torture idea): each backend call fails cleanly with MSB_ENOMEM
 * and leaks nothing, and succeeds once allocations do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/backend.h"
#include "core/alloc.h"
#include "backend/completion.h"
#include "backend/openai.h"
#include "failalloc.h"
#include "../common/info.h"

typedef int (*op_fn)(void);

/* Run op with allocation N failing, for every N, until it succeeds. */
static void torture(op_fn op, const char *name)
{
	long n;
	int rc;

	for (n = 1; n < 1000; n++) {
		assert_int_equal(failalloc_install(), 0);
		failalloc_arm(n);
		assert_true(msb_init() >= 0);
		rc = op();
		msb_shutdown();
		assert_int_equal(msb_set_allocator(NULL), 0);
		if (failalloc_live() != 0)
			fail_msg("%s: %ld allocations leaked when allocation %ld failed", name,
			    failalloc_live(), n);
		if (rc == 0) {
			/* it did allocate, and every one of those failures was seen */
			assert_true(n > 1);
			return;
		}
		if (rc != MSB_ENOMEM)
			fail_msg("%s: allocation %ld failed: got %d, not MSB_ENOMEM", name, n, rc);
	}
	fail_msg("%s: never succeeded", name);
}

static int op_openai_new(void)
{
	static const char *const headers[] = { "X-Test: 1", "X-Other: 2" };
	msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
	msb_backend *b;
	int rc;

	setenv("MSB_ALLOC_TEST_KEY", "sk-alloc-test", 1);
	o.model = "m";
	o.base_url = "http://u:p@127.0.0.1:9/v1?x=1";
	o.api_key_env = "MSB_ALLOC_TEST_KEY";
	o.headers = headers;
	o.n_headers = 2;
	o.endpoint = MSB_OPENAI_COMPLETIONS;
	o.prompt_format = MSB_PROMPT_MED42;
	rc = msb_backend_openai_new(&b, &o);
	msb_backend_free(b);
	return rc;
}

static int op_render(void)
{
	char *s;
	int rc = msb_prompt_render(&s, MSB_PROMPT_LLAMA2, "system", "user");
	msb_free(s);
	return rc;
}

static int op_body(void)
{
	msb_request req = MSB_REQUEST_INIT;
	const char *stop[] = { "x" };
	char *body;
	size_t len;
	int rc;

	req.system = "s";
	req.prompt = "p\n\"q\"";
	req.stop = stop;
	req.n_stop = 1;
	rc = msb__openai_build_body(&body, &len, &req, "m", MSB_OPENAI_COMPLETIONS,
	    MSB_PROMPT_VICUNA, 0, 0);
	msb__free(body);
	return rc;
}

static int op_parse(void)
{
	static const char body[] = "{\"choices\":[{\"message\":{\"content\":\"<think>r</think>a\"},"
	                           "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1}}";
	msb_completion *c;
	char msg[128];
	int rc;

	if ((rc = msb_completion_new(&c)))
		return rc;
	rc = msb__openai_parse_response(c, body, sizeof body - 1, MSB_OPENAI_CHAT, msg, sizeof msg);
	if (rc == 0 && (strcmp(msbt_completion(c).text, "a") || strcmp(msbt_completion(c).reasoning, "r")))
		rc = MSB_ERROR;
	msb_completion_free(c);
	return rc;
}

/* The new shapes: thinking parts, a bad byte, \u0000, a refusal, an empty answer. */
static int op_parse_shapes(void)
{
	static const char parts[] = "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"thinking\","
	    "\"thinking\":[{\"type\":\"text\",\"text\":\"t\"}]},{\"type\":\"text\",\"text\":\"a\\u0000\xff\"}],"
	    "\"refusal\":\"r\"},\"finish_reason\":\"stop\"}]}";
	static const char cut[] = "{\"choices\":[{\"message\":{\"content\":\"<think>x\"},"
	    "\"finish_reason\":\"length\"}]}";
	msb_completion *c;
	char msg[128];
	int rc;

	if ((rc = msb_completion_new(&c)))
		return rc;
	rc = msb__openai_parse_response(c, parts, sizeof parts - 1, MSB_OPENAI_CHAT, msg, sizeof msg);
	if (rc == 0 && (strcmp(msbt_completion(c).text, "a\xEF\xBF\xBD\xEF\xBF\xBD") ||
	                   strcmp(msbt_completion(c).reasoning, "t") ||
	                   strcmp(msb__completion_refusal(c), "r") || !msb__completion_text_repaired(c)))
		rc = MSB_ERROR;
	if (rc == 0) {
		msb_completion_reset(c);
		rc = msb__openai_parse_response(c, cut, sizeof cut - 1, MSB_OPENAI_CHAT, msg, sizeof msg);
		/* the expected outcome: no answer, kind empty */
		if (rc == MSB_ERROR && msbt_completion(c).error.kind &&
		    !strcmp(msbt_completion(c).error.kind, "empty"))
			rc = 0;
		else if (rc == 0)
			rc = MSB_ERROR;
	}
	msb_completion_free(c);
	return rc;
}

static int op_replay(void)
{
	msb_backend *b;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	int rc;

	if ((rc = msb_backend_replay_new(&b, "fixed")))
		return rc;
	req.prompt = "p";
	rc = msb_backend_generate(&c, b, &req);
	msb_completion_free(c);
	msb_backend_free(b);
	return rc;
}

static void test_torture(void **state)
{
	(void)state;
	torture(op_openai_new, "msb_backend_openai_new");
	torture(op_render, "msb_prompt_render");
	torture(op_body, "msb__openai_build_body");
	torture(op_parse, "msb__openai_parse_response");
	torture(op_parse_shapes, "msb__openai_parse_response (shapes)");
	torture(op_replay, "replay generate");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_torture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
