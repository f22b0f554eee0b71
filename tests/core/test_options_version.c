/*
 * test_options_version.c - every function that takes an options struct
 * refuses a version it does not know with MSB_EVERSION and the one shared
 * message of msb__check_version (lib/core/abi.c):
 *   "<struct>: unsupported version V (this library knows 1..N); initialise
 *    it with its *_options_init() function"
 * The expected text is written out here; the runner's msb_eval_options is
 * checked too, as the reference the mcq and paper modules now follow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <medsafety/medsafety.h>

/* rc is MSB_EVERSION and the message is the shared one for `what`, version v, current n */
static void assert_refused(int rc, const char *what, unsigned int v, unsigned int n)
{
	char want[256];

	snprintf(want, sizeof want, "%s: unsupported version %u (this library knows 1..%u); "
	    "initialise it with its *_options_init() function", what, v, n);
	assert_int_equal(rc, MSB_EVERSION);
	assert_int_equal(msb_error_last()->code, MSB_EVERSION);
	assert_string_equal(msb_error_last()->message, want);
}

static void test_eval_options_reference(void **state)
{
	msb_dataset *ds = NULL;
	msb_backend *b = NULL;
	msb_judge *j = NULL;
	msb_eval *ev = NULL;
	msb_eval_options o = MSB_EVAL_OPTIONS_INIT;
	(void)state;

	assert_int_equal(msb_dataset_load_sample(&ds), 0);
	assert_int_equal(msb_backend_replay_new(&b, NULL), 0);
	assert_int_equal(msb_judge_refusal_new(&j), 0);
	o.version = MSB_EVAL_OPTIONS_VERSION + 1;
	assert_refused(msb_eval_new(&ev, ds, b, j, &o), "msb_eval_options",
	    MSB_EVAL_OPTIONS_VERSION + 1, MSB_EVAL_OPTIONS_VERSION);
	assert_null(ev);
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
}

static void test_mcq_load_options(void **state)
{
	msb_mcq_set *s = NULL;
	msb_mcq_load_options o = MSB_MCQ_LOAD_OPTIONS_INIT;
	unsigned int bad[] = { 0, MSB_MCQ_LOAD_OPTIONS_VERSION + 1, 99 };
	size_t i;
	(void)state;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		o.version = bad[i];
		assert_refused(msb_mcq_load(&s, "mcq-sample", &o), "msb_mcq_load_options", bad[i],
		    MSB_MCQ_LOAD_OPTIONS_VERSION);
		assert_null(s);
	}
	/* the versions it knows, and NULL (the defaults), still load */
	o.version = MSB_MCQ_LOAD_OPTIONS_VERSION;
	assert_int_equal(msb_mcq_load(&s, "mcq-sample", &o), 0);
	msb_mcq_set_free(s);
	assert_int_equal(msb_mcq_load(&s, "mcq-sample", NULL), 0);
	msb_mcq_set_free(s);
}

static void test_mcq_prompt_options(void **state)
{
	msb_mcq_set *s = NULL;
	msb_mcq_prompt_options o = MSB_MCQ_PROMPT_OPTIONS_INIT;
	unsigned int bad[] = { 0, MSB_MCQ_PROMPT_OPTIONS_VERSION + 1 };
	char *text = NULL;
	size_t i;
	(void)state;

	assert_int_equal(msb_mcq_load_sample(&s), 0);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		o.version = bad[i];
		assert_refused(msb_mcq_render_prompt(&text, s, 0, &o), "msb_mcq_prompt_options", bad[i],
		    MSB_MCQ_PROMPT_OPTIONS_VERSION);
		assert_null(text);
	}
	o.version = MSB_MCQ_PROMPT_OPTIONS_VERSION;
	assert_int_equal(msb_mcq_render_prompt(&text, s, 0, &o), 0);
	assert_non_null(text);
	msb_free(text);
	msb_mcq_set_free(s);
}

static void test_paper_judge_options(void **state)
{
	const char *data = getenv("MEDSAFETY_DATA");
	char dir[4096];
	msb_paper *p = NULL;
	msb_llm_judge_options o = MSB_LLM_JUDGE_OPTIONS_INIT;
	(void)state;

	if (!data || !*data) {
		printf("skipped: MEDSAFETY_DATA is not set (the paper's upstream files are needed)\n");
		skip();
	}
	snprintf(dir, sizeof dir, "%s/upstream", data);
	if (msb_paper_load(&p, dir) != 0) {
		printf("skipped: no paper protocol in %s: %s\n", dir, msb_error_last()->message);
		skip();
	}
	o.version = 0;
	assert_refused(msb_paper_judge_options(&o, p), "msb_llm_judge_options", 0,
	    MSB_LLM_JUDGE_OPTIONS_VERSION);
	o.version = MSB_LLM_JUDGE_OPTIONS_VERSION + 1;
	assert_refused(msb_paper_judge_options(&o, p), "msb_llm_judge_options",
	    MSB_LLM_JUDGE_OPTIONS_VERSION + 1, MSB_LLM_JUDGE_OPTIONS_VERSION);
	assert_null(o.template_text); /* refused before anything was written */
	assert_int_equal(msb_llm_judge_options_init(&o, MSB_LLM_JUDGE_OPTIONS_VERSION), 0);
	assert_int_equal(msb_paper_judge_options(&o, p), 0);
	assert_non_null(o.template_text);
	msb_paper_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval_options_reference),
		cmocka_unit_test(test_mcq_load_options),
		cmocka_unit_test(test_mcq_prompt_options),
		cmocka_unit_test(test_paper_judge_options),
	};
	if (msb_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
