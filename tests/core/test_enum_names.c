/*
 * test_enum_names.c - every public msb_<enum>_name / msb_<enum>_from_name
 * pair keeps the one contract of docs/conventions.md ("Enumerations"):
 * _name(v) is a static string for every value of the enum and NULL just
 * outside it; _from_name(_name(v)) == v, also in upper case; an unknown
 * or NULL name gives MSB_EINVAL with a message naming it. The expected
 * names are written out here (not read back from the library), so a
 * renamed string fails the test: they are written into files and flags.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <medsafety/medsafety.h>

typedef struct pair {
	const char *what;
	const char *(*name)(int);
	int (*from_name)(const char *);
	int first;                 /* the lowest value */
	const char *names[10];     /* names[i] is the value first + i; NULL ends */
} pair;

static const pair pairs[] = {
	{ "kind", msb_kind_name, msb_kind_from_name, 0, { "harmful", "benign" } },
	{ "format", msb_format_name, msb_format_from_name, 0,
	    { "auto", "medsafetybench", "csv", "text", "json", "jsonl", "hexphi", "openai-chat",
	        "alpaca" } },
	{ "stage", msb_stage_name, msb_stage_from_name, 0, { "model", "judge" } },
	{ "group kind", msb_group_kind_name, msb_group_kind_from_name, 0,
	    { "overall", "principle", "source", "split", "category" } },
	{ "unpaired", msb_unpaired_kind_name, msb_unpaired_kind_from_name, 0,
	    { "only_a", "only_b", "unscored" } },
	{ "jury", msb_jury_method_name, msb_jury_method_from_name, 0, { "median", "mean", "max" } },
	{ "mcq format", msb_mcq_format_name, msb_mcq_format_from_name, 0,
	    { "auto", "medqa", "medmcqa", "pubmedqa", "mmlu", "generic" } },
	{ "policy", msb_policy_kind_name, msb_policy_kind_from_name, 0,
	    { "auto", "medical", "general", "custom" } },
	{ "report", msb_report_format_name, msb_report_format_from_name, 0,
	    { "json", "markdown", "csv", "html" } },
	{ "prompt", msb_prompt_format_name, msb_prompt_format_from_name, 0,
	    { "plain", "llama2", "mistral", "vicuna", "medalpaca", "med42" } },
	{ "endpoint", msb_openai_endpoint_name, msb_openai_endpoint_from_name, 0,
	    { "chat", "completions" } },
	{ "dialect", msb_openai_dialect_name, msb_openai_dialect_from_name, 0,
	    { "openai", "anthropic", "azure" } },
	{ "paper family", msb_paper_family_name, msb_paper_family_from_name, 0,
	    { "gpt", "llama", "medalpaca", "med42", "mistral", "vicuna", "pythia" } },
	{ "clean counter", msb_clean_counter_name, msb_clean_counter_from_name, 1,
	    { "tokens", "quotes", "duplicates" } },
	{ "mcq cop", msb_mcq_cop_name, msb_mcq_cop_from_name, 0, { "auto", "one", "zero" } },
	{ "paper text", msb_paper_text_id_name, msb_paper_text_id_from_name, 0,
	    { "judge_template", "rubric", "policy_medical", "policy_general", "judge_system",
	        "target_system", "demo_template" } },
};

static void test_round_trip(void **state)
{
	size_t p;
	(void)state;
	for (p = 0; p < sizeof pairs / sizeof *pairs; p++) {
		const pair *e = &pairs[p];
		int i;
		for (i = 0; i < 10 && e->names[i]; i++) {
			char upper[64];
			size_t k;
			const char *n = e->name(e->first + i);
			assert_non_null(n);
			assert_string_equal(n, e->names[i]);
			assert_int_equal(e->from_name(e->names[i]), e->first + i);
			for (k = 0; e->names[i][k] && k + 1 < sizeof upper; k++)
				upper[k] = (char)toupper((unsigned char)e->names[i][k]);
			upper[k] = '\0';
			assert_int_equal(e->from_name(upper), e->first + i);
		}
		/* just outside the enum: NULL, never a made-up string */
		assert_null(e->name(e->first - 1));
		assert_null(e->name(e->first + i));
		assert_int_equal(e->from_name("no-such-name"), MSB_EINVAL);
		assert_non_null(strstr(msb_error_last()->message, "no-such-name"));
		assert_int_equal(e->from_name(NULL), MSB_EINVAL);
		assert_int_equal(e->from_name(""), MSB_EINVAL);
	}
}

/* the enums written in files keep their numbers (0.1.0's #define values) */
static void test_numbers(void **state)
{
	(void)state;
	assert_int_equal(MSB_STAGE_MODEL, 0);
	assert_int_equal(MSB_STAGE_JUDGE, 1);
	assert_int_equal(MSB_GROUP_CATEGORY, 4);
	assert_int_equal(MSB_PROMPT_MED42, 5);
	assert_int_equal(MSB_OPENAI_COMPLETIONS, 1);
	assert_int_equal(MSB_OPENAI_DIALECT_AZURE, 2);
	assert_int_equal(MSB_COMPARE_ADJUST_NONE, -1);
	assert_int_equal(MSB_COMPARE_ADJUST_HOLM, 1);
	assert_int_equal(MSB_MCQ_COP_ZERO, 2);
	/* the paper's aliases map onto their family */
	assert_int_equal(msb_paper_family_from_name("llama2"), MSB_PAPER_FAMILY_LLAMA);
	assert_int_equal(msb_report_format_from_name("md"), MSB_REPORT_MARKDOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_numbers),
	};
	if (msb_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
