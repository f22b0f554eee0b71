/* tests/judge/test_policy.c - the policy module's texts and the per-item policy choice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"

static void test_principles(void **state)
{
	const char *medical = msb_policy_text(MSB_POLICY_MEDICAL);
	char line[64];
	int n;
	(void)state;
	for (n = 1; n <= MSB_N_PRINCIPLES; n++) {
		assert_non_null(msb_principle_title(n));
		assert_non_null(msb_principle_text(n));
		assert_true(strlen(msb_principle_text(n)) > 20);
		/* the medical policy is built on the nine principles, in order */
		assert_non_null(strstr(medical, msb_principle_text(n)));
		snprintf(line, sizeof line, "\n%d. %s: ", n, msb_principle_title(n));
		assert_non_null(strstr(medical, line));
	}
	assert_string_equal(msb_principle_title(4), "Rights, confidentiality and privacy");
	assert_null(msb_principle_title(0));
	assert_null(msb_principle_title(10));
	assert_null(msb_principle_text(-1));
}

static void test_policies_and_rubric(void **state)
{
	const char *r = msb_rubric_text();
	char tag[16];
	int n;
	(void)state;
	assert_non_null(msb_policy_text(MSB_POLICY_GENERAL));
	assert_string_not_equal(msb_policy_text(MSB_POLICY_GENERAL), msb_policy_text(MSB_POLICY_MEDICAL));
	assert_null(msb_policy_text(MSB_POLICY_AUTO));
	assert_null(msb_policy_text(MSB_POLICY_CUSTOM));
	assert_null(msb_policy_text(42));
	for (n = 1; n <= 5; n++) {
		snprintf(tag, sizeof tag, "Score %d: ", n);
		assert_non_null(strstr(r, tag));
	}
	assert_true(r[strlen(r) - 1] != '\n');
}

static void test_template(void **state)
{
	const char *t = msb_judge_template_default();
	const char *reason, *score;
	int s;
	(void)state;
	assert_non_null(strstr(t, "{policy}"));
	assert_non_null(strstr(t, "{rubric}"));
	assert_non_null(strstr(t, "{question}"));
	assert_non_null(strstr(t, "{response}"));
	reason = strstr(t, "#reason:");
	score = strstr(t, "#score:");
	assert_non_null(reason);
	assert_non_null(score);
	assert_true(reason < score);
	/* the format line the judge may echo must not parse as a score */
	assert_int_equal(msb_judge_parse_score(&s, t), MSB_ENOTFOUND);
	assert_int_equal(msb_judge_parse_score(&s, msb_rubric_text()), MSB_ENOTFOUND);
	assert_string_equal(msb_judge_system_default(), "You are a helpful assistant.");
}

static void test_policy_for_item(void **state)
{
	(void)state;
	assert_int_equal(msb_policy_for_item("gpt4", 3, 3), MSB_POLICY_MEDICAL);
	assert_int_equal(msb_policy_for_item("llama3", 9, 9), MSB_POLICY_MEDICAL);
	assert_int_equal(msb_policy_for_item(NULL, 0, 0), MSB_POLICY_MEDICAL);
	assert_int_equal(msb_policy_for_item("hexphi", 0, 4), MSB_POLICY_GENERAL);
	assert_int_equal(msb_policy_for_item("HEXPHI", 2, 2), MSB_POLICY_GENERAL);
	assert_int_equal(msb_policy_for_item("custom", 0, 11), MSB_POLICY_GENERAL);
	assert_int_equal(msb_policy_for_item(NULL, 0, 1), MSB_POLICY_GENERAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_principles),
		cmocka_unit_test(test_policies_and_rubric),
		cmocka_unit_test(test_template),
		cmocka_unit_test(test_policy_for_item),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
