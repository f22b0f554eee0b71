/* tests/backend/test_api_prompt_format.c - prompt formats render exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "medsafety/medsafety.h"

static void check(int format, const char *sys, const char *user, const char *want)
{
	char *got = NULL;
	assert_int_equal(msb_prompt_render(&got, format, sys, user), 0);
	assert_string_equal(got, want);
	msb_free(got);
}

static void test_formats(void **state)
{
	(void)state;
	check(MSB_PROMPT_PLAIN, "S", "U", "S\n\nU");
	check(MSB_PROMPT_PLAIN, NULL, "U", "U");
	check(MSB_PROMPT_PLAIN, "", "U", "U");
	check(MSB_PROMPT_LLAMA2, "S", "U", "[INST] <<SYS>>\nS\n<</SYS>>\n\nU [/INST]");
	check(MSB_PROMPT_LLAMA2, NULL, "U", "[INST] U [/INST]");
	check(MSB_PROMPT_MISTRAL, "S", "U", "[INST] S\n\nU [/INST]");
	check(MSB_PROMPT_MISTRAL, NULL, "U", "[INST] U [/INST]");
	check(MSB_PROMPT_VICUNA, "S", "U", "S USER: U ASSISTANT:");
	check(MSB_PROMPT_VICUNA, NULL, "U",
	    "A chat between a curious user and an artificial intelligence assistant. The assistant "
	    "gives helpful, detailed, and polite answers to the user's questions. USER: U ASSISTANT:");
	check(MSB_PROMPT_MEDALPACA, "S", "U", "Context: S\n\nQuestion: U\n\nAnswer: ");
	check(MSB_PROMPT_MEDALPACA, NULL, "U", "Question: U\n\nAnswer: ");
	check(MSB_PROMPT_MED42, "S", "U", "<|system|>: S\n<|prompter|>: U\n<|assistant|>:");
	check(MSB_PROMPT_MED42, NULL, "U", "<|prompter|>: U\n<|assistant|>:");
	/* percent signs and long text pass through untouched */
	check(MSB_PROMPT_LLAMA2, "100%s", "%d%n", "[INST] <<SYS>>\n100%s\n<</SYS>>\n\n%d%n [/INST]");
}

static void test_names(void **state)
{
	static const char *const names[] = { "plain", "llama2", "mistral", "vicuna", "medalpaca",
		"med42" };
	int i;
	char *out = (char *)1;
	(void)state;
	for (i = 0; i < 6; i++) {
		assert_int_equal(msb_prompt_format_from_name(names[i]), i);
		assert_string_equal(msb_prompt_format_name(i), names[i]);
	}
	assert_int_equal(msb_prompt_format_from_name("Med42"), MSB_PROMPT_MED42); /* case ignored */
	assert_int_equal(msb_prompt_format_from_name(NULL), MSB_EINVAL);
	assert_int_equal(msb_prompt_format_from_name("chatml"), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "chatml"));
	assert_null(msb_prompt_format_name(6));
	assert_null(msb_prompt_format_name(-1));
	assert_int_equal(msb_prompt_render(&out, 9, NULL, "U"), MSB_EINVAL);
	assert_null(out);
	assert_int_equal(msb_prompt_render(&out, 0, NULL, NULL), MSB_EINVAL);
	assert_int_equal(msb_prompt_render(NULL, 0, NULL, "U"), MSB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
