/*
 * tests/backend/test_identity_model.c - msb__identity_model_len: the part
 * of a backend identity that names the model (issue 17, replicas). The
 * expected lengths are counted by hand from the strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "backend/backend.h"

static void test_model_len(void **state)
{
	(void)state;
	/* the server goes: "openai:llama" is 12 characters */
	assert_int_equal(msb__identity_model_len("openai:llama@http://a:8000/v1"), 12);
	assert_int_equal(msb__identity_model_len("openai:llama@https://b.example/v1"), 12);
	/* two replicas, one model */
	assert_int_equal(msb__identity_model_len("openai:m@http://x/v1"),
	    msb__identity_model_len("openai:m@http://y:9/v1"));
	/* the prompt format stays: "openai-completions[llama3]:m" is 28 characters */
	assert_int_equal(msb__identity_model_len("openai-completions[llama3]:m@http://h/v1"), 28);
	/* an @ inside the model name stays; only "@http(s)://" starts the server */
	assert_int_equal(msb__identity_model_len("openai:org/m@v2@http://h/v1"), 15);
	/* no server: all of it */
	assert_int_equal(msb__identity_model_len("replay"), 6);
	assert_int_equal(msb__identity_model_len("host@fn"), 7);
	assert_int_equal(msb__identity_model_len("openai:m@httpish"), 16);
	assert_int_equal(msb__identity_model_len(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
