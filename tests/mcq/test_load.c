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
#include "../common/info.h"

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
	assert_string_equal(msbt_mcq(s, 0).id, "medqa/1");
	assert_string_equal(msbt_mcq(s, 0).source, "medqa");
	assert_string_equal(msbt_mcq(s, 0).subject, "step1");
	assert_int_equal(msbt_mcq(s, 0).n_options, 5);
	assert_string_equal(msbt_mcq_option(s, 0, 4), "Musculocutaneous nerve");
	assert_null(msbt_mcq_option(s, 0, 5));
	assert_int_equal(msbt_mcq(s, 0).answer, 2);
	assert_int_equal(msbt_mcq(s, 1).n_options, 4);
	assert_int_equal(msbt_mcq(s, 1).answer, 0);
	assert_string_equal(msbt_mcq(s, 1).subject, "step2&3");
	/* no answer_idx: the answer text names the option */
	assert_int_equal(msbt_mcq(s, 2).answer, 1);
	assert_string_equal(msbt_mcq(s, 2).context, "");
	/* out of range */
	assert_null(msbt_mcq(s, 3).id);
	assert_int_equal(msbt_mcq(s, 3).answer, -1);
	msb_mcq_set_free(s);
}

/* msb_mcq_item_info_get itself: the options array, and its errors */
static void test_item_info(void **state)
{
	msb_mcq_set *s = load("medqa.jsonl", MSB_MCQ_FORMAT_AUTO, 0);
	msb_mcq_item_info q = MSB_MCQ_ITEM_INFO_INIT;
	(void)state;
	assert_int_equal(msb_mcq_item_info_get(&q, s, 0), 0);
	assert_int_equal(q.version, MSB_MCQ_ITEM_INFO_VERSION);
	assert_int_equal(q.n_options, 5);
	assert_non_null(q.options);
	assert_string_equal(q.options[4], "Musculocutaneous nerve");
	assert_string_equal(q.options[q.answer], q.options[2]);
	assert_string_equal(q.id, "medqa/1");
	/* out of range, NULLs, an unknown version: errors, *out untouched */
	q.version = MSB_MCQ_ITEM_INFO_VERSION;
	assert_int_equal(msb_mcq_item_info_get(&q, s, 3), MSB_EINVAL);
	assert_string_equal(q.id, "medqa/1");
	assert_int_equal(msb_mcq_item_info_get(&q, NULL, 0), MSB_EINVAL);
	assert_int_equal(msb_mcq_item_info_get(NULL, s, 0), MSB_EINVAL);
	q.version = 0;
	assert_int_equal(msb_mcq_item_info_get(&q, s, 0), MSB_EVERSION);
	q.version = MSB_MCQ_ITEM_INFO_VERSION + 1;
	assert_int_equal(msb_mcq_item_info_get(&q, s, 0), MSB_EVERSION);
	msb_mcq_set_free(s);
}

static void test_medmcqa(void **state)
{
	msb_mcq_set *s;
	(void)state;
	/* the original release: cop 1..4 (this file has a 4, so AUTO says 1-based) */
	s = load("medmcqa.json", MSB_MCQ_FORMAT_AUTO, MSB_MCQ_COP_AUTO);
	assert_int_equal(msb_mcq_count(s), 2);
	assert_string_equal(msbt_mcq(s, 0).id, "mm-0001");
	assert_string_equal(msbt_mcq(s, 0).source, "medmcqa");
	assert_string_equal(msbt_mcq(s, 0).subject, "Biochemistry");
	assert_int_equal(msbt_mcq(s, 0).answer, 1); /* cop 2 -> B, Vitamin C */
	assert_string_equal(msbt_mcq_option(s, 0, 1), "Vitamin C");
	assert_int_equal(msbt_mcq(s, 1).answer, 3); /* cop 4 -> D, Nephron */
	msb_mcq_set_free(s);
	/* the Hugging Face copy: 0..3 (a 0 in the file makes AUTO say 0-based) */
	s = load("medmcqa_hf.jsonl", MSB_MCQ_FORMAT_AUTO, MSB_MCQ_COP_AUTO);
	assert_int_equal(msbt_mcq(s, 0).answer, 1); /* cop 1 -> B, Vitamin C */
	assert_int_equal(msbt_mcq(s, 1).answer, 0); /* cop 0 -> A, Pancreas */
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
	assert_string_equal(msbt_mcq(s, 0).id, "90000001");
	assert_string_equal(msbt_mcq(s, 0).source, "pubmedqa");
	assert_int_equal(msbt_mcq(s, 0).n_options, 3);
	assert_string_equal(msbt_mcq_option(s, 0, 0), "yes");
	assert_string_equal(msbt_mcq_option(s, 0, 2), "maybe");
	assert_int_equal(msbt_mcq(s, 0).answer, 0);
	assert_int_equal(msbt_mcq(s, 1).answer, 1);
	assert_int_equal(msbt_mcq(s, 2).answer, 2);
	assert_string_equal(msbt_mcq(s, 0).context,
	    "Adults walked for 30 minutes a day for twelve weeks.\n\n"
	    "Resting systolic pressure fell by a small amount compared with controls.");
	assert_string_equal(msbt_mcq(s, 2).context, "");
	msb_mcq_set_free(s);
}

static void test_mmlu(void **state)
{
	msb_mcq_set *s = load("anatomy_test.csv", MSB_MCQ_FORMAT_AUTO, 0);
	(void)state;
	assert_int_equal(msb_mcq_count(s), 2);
	assert_string_equal(msbt_mcq(s, 0).id, "mmlu/anatomy/1");
	assert_string_equal(msbt_mcq(s, 0).subject, "anatomy");
	assert_string_equal(msbt_mcq(s, 0).source, "mmlu");
	assert_int_equal(msbt_mcq(s, 0).answer, 3);
	assert_string_equal(msbt_mcq(s, 1).question,
	    "Which valve separates the left atrium from the left ventricle, in the \"left heart\"?");
	assert_int_equal(msbt_mcq(s, 1).answer, 0);
	msb_mcq_set_free(s);
}

static void test_generic(void **state)
{
	msb_mcq_set *s = load("generic.jsonl", MSB_MCQ_FORMAT_AUTO, 0);
	(void)state;
	assert_int_equal(msb_mcq_count(s), 3);
	assert_string_equal(msbt_mcq(s, 0).id, "g1");
	assert_string_equal(msbt_mcq(s, 0).source, "generic"); /* the file stem */
	assert_string_equal(msbt_mcq(s, 0).subject, "immunology");
	assert_int_equal(msbt_mcq(s, 0).n_options, 3);
	assert_int_equal(msbt_mcq(s, 0).answer, 0); /* letter */
	assert_string_equal(msbt_mcq(s, 1).id, "generic/2");
	assert_string_equal(msbt_mcq(s, 1).subject, "");
	assert_int_equal(msbt_mcq(s, 1).answer, 1); /* 0-based index */
	assert_int_equal(msbt_mcq(s, 2).answer, 0); /* text of a choice */
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
	assert_string_equal(msbt_mcq(s, 1).source, "mine");
	assert_string_equal(msbt_mcq(s, 1).id, "mine/2");
	assert_string_equal(msbt_mcq(s, 1).subject, "fallback");
	assert_string_equal(msbt_mcq(s, 0).subject, "immunology");
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
		int n = msbt_mcq(s, i).n_options, a = msbt_mcq(s, i).answer, k;
		assert_true(n >= 3 && n <= 4);
		assert_true(a >= 0 && a < n);
		assert_string_equal(msbt_mcq(s, i).source, "mcq-sample");
		assert_true(strlen(msbt_mcq(s, i).subject) > 0);
		for (k = 0; k < n; k++)
			assert_true(strlen(msbt_mcq_option(s, i, k)) > 0);
		by_letter[a]++;
	}
	/* the documented spread (lib/mcq/sample.c, docs/mcq.md) */
	assert_int_equal(by_letter[0], 10);
	assert_int_equal(by_letter[1], 14);
	assert_int_equal(by_letter[2], 8);
	assert_int_equal(by_letter[3], 4);
	/* spot checks, by hand: scurvy -> Vitamin C */
	assert_string_equal(msbt_mcq_option(s, 0, msbt_mcq(s, 0).answer), "Vitamin C");
	msb_mcq_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_medqa),
		cmocka_unit_test(test_item_info),
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
