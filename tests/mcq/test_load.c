/*
 * tests/mcq/test_load.c - msb_mcq_load on our own fixtures
 * (tests/fixtures/mcq, written for these tests) in every format, and
 * the built-in mcq-sample. Expected values are read off the fixture
 * files by eye.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"

static char path_buf[1024];

static const char *fixture(const char *name)
{
	const char *root = getenv("MSB_SOURCE_ROOT");
	snprintf(path_buf, sizeof path_buf, "%s/tests/fixtures/mcq/%s", root ? root : ".", name);
	return path_buf;
}

static msb_mcq_set *load(const char *name, int format, int cop_base)
{
	msb_mcq_load_options o = MSB_MCQ_LOAD_OPTIONS_INIT;
	msb_mcq_set *set = NULL;
	int rc;
	o.format = format;
	o.cop_base = cop_base;
	rc = msb_mcq_load(&set, fixture(name), &o);
	if (rc)
		fprintf(stderr, "%s: %s\n", name, msb_error_last()->message);
	assert_int_equal(rc, 0);
	assert_non_null(set);
	return set;
}

static void test_medqa(void **state)
{
	msb_mcq_set *s = load("medqa.jsonl", MSB_MCQ_FORMAT_AUTO, 0);
	(void)state;
	assert_int_equal(msb_mcq_count(s), 3);
	assert_string_equal(msb_mcq_id(s, 0), "medqa/1");
	assert_string_equal(msb_mcq_source(s, 0), "medqa");
	assert_string_equal(msb_mcq_subject(s, 0), "step1");
	assert_int_equal(msb_mcq_n_options(s, 0), 5);
	assert_string_equal(msb_mcq_option(s, 0, 4), "Musculocutaneous nerve");
	assert_null(msb_mcq_option(s, 0, 5));
	assert_int_equal(msb_mcq_answer(s, 0), 2);
	assert_int_equal(msb_mcq_n_options(s, 1), 4);
	assert_int_equal(msb_mcq_answer(s, 1), 0);
	assert_string_equal(msb_mcq_subject(s, 1), "step2&3");
	/* no answer_idx: the answer text names the option */
	assert_int_equal(msb_mcq_answer(s, 2), 1);
	assert_string_equal(msb_mcq_context(s, 2), "");
	/* out of range */
	assert_null(msb_mcq_id(s, 3));
	assert_int_equal(msb_mcq_answer(s, 3), -1);
	msb_mcq_set_free(s);
}

static void test_medmcqa(void **state)
{
	msb_mcq_set *s;
	(void)state;
	/* the original release: cop 1..4 (this file has a 4, so AUTO says 1-based) */
	s = load("medmcqa.json", MSB_MCQ_FORMAT_AUTO, MSB_MCQ_COP_AUTO);
	assert_int_equal(msb_mcq_count(s), 2);
	assert_string_equal(msb_mcq_id(s, 0), "mm-0001");
	assert_string_equal(msb_mcq_source(s, 0), "medmcqa");
	assert_string_equal(msb_mcq_subject(s, 0), "Biochemistry");
	assert_int_equal(msb_mcq_answer(s, 0), 1); /* cop 2 -> B, Vitamin C */
	assert_string_equal(msb_mcq_option(s, 0, 1), "Vitamin C");
	assert_int_equal(msb_mcq_answer(s, 1), 3); /* cop 4 -> D, Nephron */
	msb_mcq_set_free(s);
	/* the Hugging Face copy: 0..3 (a 0 in the file makes AUTO say 0-based) */
	s = load("medmcqa_hf.jsonl", MSB_MCQ_FORMAT_AUTO, MSB_MCQ_COP_AUTO);
	assert_int_equal(msb_mcq_answer(s, 0), 1); /* cop 1 -> B, Vitamin C */
	assert_int_equal(msb_mcq_answer(s, 1), 0); /* cop 0 -> A, Pancreas */
	msb_mcq_set_free(s);
	/* forced 1-based on the same file: cop 0 is an error */
	{
		msb_mcq_load_options o = MSB_MCQ_LOAD_OPTIONS_INIT;
		msb_mcq_set *bad = NULL;
		o.cop_base = MSB_MCQ_COP_ONE;
		assert_int_equal(msb_mcq_load(&bad, fixture("medmcqa_hf.jsonl"), &o), MSB_EPARSE);
		assert_null(bad);
		assert_non_null(strstr(msb_error_last()->message, "medmcqa_hf.jsonl:2:"));
	}
	/* forced 0-based on the original file: cop 4 is an error */
	{
		msb_mcq_load_options o = MSB_MCQ_LOAD_OPTIONS_INIT;
		msb_mcq_set *bad = NULL;
		o.cop_base = MSB_MCQ_COP_ZERO;
		assert_int_equal(msb_mcq_load(&bad, fixture("medmcqa.json"), &o), MSB_EPARSE);
	}
}

static void test_pubmedqa(void **state)
{
	msb_mcq_set *s = load("ori_pqal.json", MSB_MCQ_FORMAT_AUTO, 0);
	(void)state;
	assert_int_equal(msb_mcq_count(s), 3);
	assert_string_equal(msb_mcq_id(s, 0), "90000001");
	assert_string_equal(msb_mcq_source(s, 0), "pubmedqa");
	assert_int_equal(msb_mcq_n_options(s, 0), 3);
	assert_string_equal(msb_mcq_option(s, 0, 0), "yes");
	assert_string_equal(msb_mcq_option(s, 0, 2), "maybe");
	assert_int_equal(msb_mcq_answer(s, 0), 0);
	assert_int_equal(msb_mcq_answer(s, 1), 1);
	assert_int_equal(msb_mcq_answer(s, 2), 2);
	assert_string_equal(msb_mcq_context(s, 0),
	    "Adults walked for 30 minutes a day for twelve weeks.\n\n"
	    "Resting systolic pressure fell by a small amount compared with controls.");
	assert_string_equal(msb_mcq_context(s, 2), "");
	msb_mcq_set_free(s);
}

static void test_mmlu(void **state)
{
	msb_mcq_set *s = load("anatomy_test.csv", MSB_MCQ_FORMAT_AUTO, 0);
	(void)state;
	assert_int_equal(msb_mcq_count(s), 2);
	assert_string_equal(msb_mcq_id(s, 0), "mmlu/anatomy/1");
	assert_string_equal(msb_mcq_subject(s, 0), "anatomy");
	assert_string_equal(msb_mcq_source(s, 0), "mmlu");
	assert_int_equal(msb_mcq_answer(s, 0), 3);
	assert_string_equal(msb_mcq_question(s, 1),
	    "Which valve separates the left atrium from the left ventricle, in the \"left heart\"?");
	assert_int_equal(msb_mcq_answer(s, 1), 0);
	msb_mcq_set_free(s);
}

static void test_generic(void **state)
{
	msb_mcq_set *s = load("generic.jsonl", MSB_MCQ_FORMAT_AUTO, 0);
	(void)state;
	assert_int_equal(msb_mcq_count(s), 3);
	assert_string_equal(msb_mcq_id(s, 0), "g1");
	assert_string_equal(msb_mcq_source(s, 0), "generic"); /* the file stem */
	assert_string_equal(msb_mcq_subject(s, 0), "immunology");
	assert_int_equal(msb_mcq_n_options(s, 0), 3);
	assert_int_equal(msb_mcq_answer(s, 0), 0); /* letter */
	assert_string_equal(msb_mcq_id(s, 1), "generic/2");
	assert_string_equal(msb_mcq_subject(s, 1), "");
	assert_int_equal(msb_mcq_answer(s, 1), 1); /* 0-based index */
	assert_int_equal(msb_mcq_answer(s, 2), 0); /* text of a choice */
	msb_mcq_set_free(s);
}

static void test_options(void **state)
{
	msb_mcq_load_options o;
	msb_mcq_set *s = NULL;
	(void)state;
	assert_int_equal(msb_mcq_load_options_init(&o, MSB_MCQ_LOAD_OPTIONS_VERSION), 0);
	assert_int_equal(o.format, MSB_MCQ_FORMAT_AUTO);
	o.source = "mine";
	o.subject = "fallback";
	assert_int_equal(msb_mcq_load(&s, fixture("generic.jsonl"), &o), 0);
	assert_string_equal(msb_mcq_source(s, 1), "mine");
	assert_string_equal(msb_mcq_id(s, 1), "mine/2");
	assert_string_equal(msb_mcq_subject(s, 1), "fallback");
	assert_string_equal(msb_mcq_subject(s, 0), "immunology");
	msb_mcq_set_free(s);
	/* an explicit format that does not fit the file */
	o.format = MSB_MCQ_FORMAT_MEDQA;
	assert_int_equal(msb_mcq_load(&s, fixture("generic.jsonl"), &o), MSB_EPARSE);
	o.format = 99;
	assert_int_equal(msb_mcq_load(&s, fixture("generic.jsonl"), &o), MSB_EINVAL);
	o.format = 0;
	o.version = 99;
	assert_int_equal(msb_mcq_load(&s, fixture("generic.jsonl"), &o), MSB_EVERSION);
}

static void test_errors(void **state)
{
	msb_mcq_set *s = NULL;
	(void)state;
	assert_int_equal(msb_mcq_load(&s, fixture("bad_answer.jsonl"), NULL), MSB_EPARSE);
	assert_null(s);
	assert_non_null(strstr(msb_error_last()->message, "bad_answer.jsonl:2:"));
	assert_int_equal(msb_mcq_load(&s, fixture("unknown.jsonl"), NULL), MSB_EUNSUPPORTED);
	assert_int_equal(msb_mcq_load(&s, fixture("no-such-file.jsonl"), NULL), MSB_ENOTFOUND);
	assert_int_equal(msb_mcq_load(NULL, fixture("generic.jsonl"), NULL), MSB_EINVAL);
	assert_int_equal(msb_mcq_load(&s, NULL, NULL), MSB_EINVAL);
	msb_mcq_set_free(NULL);
	assert_int_equal(msb_mcq_count(NULL), 0);
}

static void test_sample(void **state)
{
	msb_mcq_set *s = NULL;
	size_t i, by_letter[4] = { 0 };
	(void)state;
	assert_int_equal(msb_mcq_load(&s, "mcq-sample", NULL), 0);
	assert_true(msb_mcq_count(s) >= 30);
	for (i = 0; i < msb_mcq_count(s); i++) {
		int n = msb_mcq_n_options(s, i), a = msb_mcq_answer(s, i), k;
		assert_true(n >= 3 && n <= 4);
		assert_true(a >= 0 && a < n);
		assert_string_equal(msb_mcq_source(s, i), "mcq-sample");
		assert_true(strlen(msb_mcq_subject(s, i)) > 0);
		for (k = 0; k < n; k++)
			assert_true(strlen(msb_mcq_option(s, i, k)) > 0);
		by_letter[a]++;
	}
	/* the documented spread (lib/mcq/sample.c, docs/mcq.md) */
	assert_int_equal(by_letter[0], 10);
	assert_int_equal(by_letter[1], 14);
	assert_int_equal(by_letter[2], 8);
	assert_int_equal(by_letter[3], 4);
	/* spot checks, by hand: scurvy -> Vitamin C */
	assert_string_equal(msb_mcq_option(s, 0, msb_mcq_answer(s, 0)), "Vitamin C");
	msb_mcq_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_medqa),
		cmocka_unit_test(test_medmcqa),
		cmocka_unit_test(test_pubmedqa),
		cmocka_unit_test(test_mmlu),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
