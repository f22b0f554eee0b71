/*
 * tests/judge/test_paper_prompt.c - loading the benchmark's upstream judge
 * template, policies and rubric (from MEDSAFETY_DATA/judge, never copied
 * into the repository) reproduces the paper's judge prompt byte for byte.
 * The expected prompt is built here by plain string replacement over the
 * files' bytes, independently of the library's renderer. Skips (77) when
 * the data is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "judge_test_util.h"
#include "../common/info.h"

/* One buffer per file, so that options may keep pointing at them. */
enum { TEMPLATE, MEDICAL, GENERAL, RUBRIC, REQUESTS, N_FILES };
static const char *const rel[N_FILES] = {
	"judge/judge_prompt_template.txt", "judge/usage_policy_medical.txt",
	"judge/usage_policy_general.txt", "judge/rubric.txt",
	"datasets/med_harm_llama3/category_1.txt",
};
static char paths[N_FILES][1200];

/* The first line of a file, malloc'd (a real request from the benchmark). */
static char *first_line(const char *path)
{
	char *all = slurp(path), *nl;
	if (!all)
		return NULL;
	if ((nl = strchr(all, '\n')))
		*nl = '\0';
	return all;
}

static void check_one(int policy_file, int principle, int category, const char *source,
    const msb_llm_judge_options *o)
{
	char *tmpl = slurp(paths[TEMPLATE]);
	char *policy = slurp(paths[policy_file]);
	char *rubric = slurp(paths[RUBRIC]);
	char *question = first_line(paths[REQUESTS]);
	const char *response = "I'm sorry, but I can't help with that.\n\n  It would put \"patients\" at risk. ";
	capture cap = { 0 };
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	msb_backend *b;
	msb_judge *j;
	msb_verdict *v;
	char *expected, *rendered;

	assert_non_null(tmpl);
	assert_non_null(policy);
	assert_non_null(rubric);
	assert_non_null(question);
	/* the replacement below is only independent if no value holds a placeholder */
	assert_null(strchr(policy, '{'));
	assert_null(strchr(rubric, '{'));
	assert_null(strchr(question, '{'));
	/* the upstream quirks that exact substitution must keep */
	assert_int_equal(tmpl[0], '"');
	assert_non_null(strstr(tmpl, "\n        {policy}"));
	assert_true(tmpl[strlen(tmpl) - 1] != '\n');

	in.prompt = question;
	in.response = response;
	in.principle = principle;
	in.category = category;
	in.source = source;
	cap.reply = "#reason: x\n#score: 1";
	assert_int_equal(msb_backend_from_callback(&b, "paper-judge", capture_fn, &cap, 0), 0);
	assert_int_equal(msb_judge_llm_new(&j, b, o), 0);
	assert_int_equal(msb_judge_evaluate(&v, j, &in), 0);
	assert_int_equal(msbt_verdict(v).score, 1);
	msb_verdict_free(v);

	expected = fill_template(tmpl, policy, rubric, question, response);
	assert_int_equal(strlen(cap.prompt), strlen(expected));
	assert_memory_equal(cap.prompt, expected, strlen(expected));
	/* the paper's call: system prompt, temperature 0, 512 tokens */
	assert_string_equal(cap.system, "You are a helpful assistant.");
	assert_true(cap.temperature == 0.0);
	assert_int_equal(cap.max_tokens, 512);
	/* what the CLI shows is what is sent */
	assert_int_equal(msb_judge_llm_render(&rendered, j, &in), 0);
	assert_string_equal(rendered, expected);
	msb_free(rendered);

	free(expected);
	free(tmpl);
	free(policy);
	free(rubric);
	free(question);
	capture_reset(&cap);
	msb_judge_free(j);
	msb_backend_free(b);
}

/* --judge-template T --judge-policy FILE --judge-rubric R: that policy for every item */
static void test_explicit_policy_file(void **state)
{
	msb_llm_judge_options o = MSB_LLM_JUDGE_OPTIONS_INIT;
	(void)state;
	o.template_file = paths[TEMPLATE];
	o.policy_file = paths[MEDICAL];
	o.rubric_file = paths[RUBRIC];
	check_one(MEDICAL, 1, 1, "llama3", &o);
	check_one(MEDICAL, 0, 2, "hexphi", &o);
	o.policy_file = paths[GENERAL];
	check_one(GENERAL, 5, 5, "gpt4", &o);
}

/* the paper's own choice: medical policy for medical items, general for HEx-PHI */
static void test_per_item_policy_files(void **state)
{
	msb_llm_judge_options o = MSB_LLM_JUDGE_OPTIONS_INIT;
	(void)state;
	o.template_file = paths[TEMPLATE];
	o.medical_policy_file = paths[MEDICAL];
	o.general_policy_file = paths[GENERAL];
	o.rubric_file = paths[RUBRIC];
	check_one(MEDICAL, 3, 3, "gpt4", &o);
	check_one(GENERAL, 0, 7, "hexphi", &o);
}

/* A fragment of `s` (40 bytes from `at`) found in `ours`? */
static int shares(const char *ours, const char *s, size_t at)
{
	char frag[41];
	memcpy(frag, s + at, 40);
	frag[40] = '\0';
	return strstr(ours, frag) != NULL;
}

/*
 * Our built-in texts are our own words: no run of 40 bytes of an upstream
 * policy, rubric or template appears in them.
 */
static void test_own_words(void **state)
{
	const char *ours[5];
	int f, k;
	(void)state;
	ours[0] = msb_policy_text(MSB_POLICY_MEDICAL);
	ours[1] = msb_policy_text(MSB_POLICY_GENERAL);
	ours[2] = msb_rubric_text();
	ours[3] = msb_judge_template_default();
	ours[4] = NULL;
	for (f = TEMPLATE; f <= RUBRIC; f++) {
		char *up = slurp(paths[f]);
		size_t at, n;
		assert_non_null(up);
		n = strlen(up);
		for (at = 0; at + 40 <= n; at += 7)
			for (k = 0; ours[k]; k++)
				if (shares(ours[k], up, at))
					fail_msg("%s shares \"%.40s\" with built-in text %d", rel[f], up + at, k);
		free(up);
	}
	for (k = 1; k <= MSB_N_PRINCIPLES; k++) {
		char *up = slurp(paths[MEDICAL]);
		assert_null(strstr(up, msb_principle_text(k)));
		free(up);
	}
}

int main(void)
{
	const char *data = getenv("MEDSAFETY_DATA");
	FILE *f;
	int i;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explicit_policy_file),
		cmocka_unit_test(test_per_item_policy_files),
		cmocka_unit_test(test_own_words),
	};

	if (!data || !*data) {
		printf("SKIP: MEDSAFETY_DATA is not set (the benchmark data folder)\n");
		return 77;
	}
	for (i = 0; i < N_FILES; i++) {
		snprintf(paths[i], sizeof paths[i], "%s/%s", data, rel[i]);
		if (!(f = fopen(paths[i], "rb"))) {
			printf("SKIP: %s not found (benchmark data absent)\n", paths[i]);
			return 77;
		}
		fclose(f);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
