/*
 * tests/core/test_zero_options_stats.c - zero means default (issue #15
 * item 1) for msb_scorer_options and msb_compare_options (version 2): a
 * zeroed struct with its version set gives the effective options, the
 * summary.json and the comparison of the *_options_init defaults. Version
 * 1 keeps its meaning (0 resamples = normal approximation, adjust 0 =
 * none). test_zero_options.c has the other options structs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "medsafety/medsafety.h"
#include "stats/options.h"

/*
 * Two runs of 3 principles x 6 ids (ids repeated in B: clustered), so that
 * every CI, bootstrap or not, has something to do. The numbers themselves
 * are checked in tests/stats; here only "zeroed = defaults" is.
 */
static msb_scorer *scorer_with(const msb_scorer_options *o, int shift)
{
	msb_scorer *s;
	msb_score_record r;
	char id[16];
	int p, k;

	assert_int_equal(msb_scorer_new(&s, o), 0);
	for (p = 1; p <= 3; p++)
		for (k = 0; k < 6; k++) {
			msb_score_record_init(&r, MSB_SCORE_RECORD_VERSION);
			snprintf(id, sizeof id, "i%d-%d", p, k);
			r.id = id;
			r.principle = p;
			r.source = "gpt4";
			r.split = "test";
			r.score = 1 + (p * 7 + k * 3 + shift * (k % 3)) % 5;
			assert_int_equal(msb_scorer_add(s, &r), 0);
		}
	return s;
}

static char *summary_of(const msb_scorer_options *o, int shift)
{
	msb_scorer *s = scorer_with(o, shift);
	char *j = NULL;

	assert_int_equal(msb_scorer_summary_json(&j, s), 0);
	msb_scorer_free(s);
	return j;
}

static json_t *ci_of(const char *summary)
{
	json_t *j = json_loads(summary, 0, NULL), *ci;

	assert_non_null(j);
	ci = json_incref(json_object_get(j, "ci"));
	json_decref(j);
	assert_non_null(ci);
	return ci;
}

static void test_scorer_zero(void **state)
{
	msb_scorer_options z, d, ez, ed, en;
	char *a, *b, *c;
	json_t *ci;
	(void)state;

	memset(&z, 0, sizeof z);
	z.version = MSB_SCORER_OPTIONS_VERSION;
	assert_int_equal(msb_scorer_options_init(&d, MSB_SCORER_OPTIONS_VERSION), 0);
	assert_int_equal(d.bootstrap_resamples, 2000);
	assert_true(d.seed == 1);
	assert_true(d.confidence == 0.95);
	assert_int_equal(msb__scorer_options_effective(&ez, &z, "t"), 0);
	assert_int_equal(msb__scorer_options_effective(&ed, &d, "t"), 0);
	assert_int_equal(msb__scorer_options_effective(&en, NULL, "t"), 0);
	assert_int_equal(ez.bootstrap_resamples, 2000);
	assert_true(ez.seed == 1);
	assert_true(ez.confidence == 0.95);
	assert_int_equal(ed.bootstrap_resamples, ez.bootstrap_resamples);
	assert_true(ed.seed == ez.seed && ed.confidence == ez.confidence);
	assert_int_equal(en.bootstrap_resamples, ez.bootstrap_resamples);
	assert_true(en.seed == ez.seed && en.confidence == ez.confidence);

	/* behaviour: the same summary.json, field for field */
	a = summary_of(&z, 1);
	b = summary_of(&d, 1);
	c = summary_of(NULL, 1);
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	ci = ci_of(a);
	assert_string_equal(json_string_value(json_object_get(ci, "method")), "bootstrap-percentile");
	assert_int_equal(json_integer_value(json_object_get(ci, "resamples")), 2000);
	assert_int_equal(json_integer_value(json_object_get(ci, "seed")), 1);
	json_decref(ci);
	msb_free(b);
	msb_free(c);

	/* version 2: MSB_BOOTSTRAP_NONE is the normal approximation; seed 0 needs has_seed */
	z.bootstrap_resamples = MSB_BOOTSTRAP_NONE;
	b = summary_of(&z, 1);
	ci = ci_of(b);
	assert_string_equal(json_string_value(json_object_get(ci, "method")), "normal");
	json_decref(ci);
	/* version 1 keeps its meaning: 0 resamples is the normal approximation */
	memset(&z, 0, sizeof z);
	z.version = 1;
	z.confidence = 0.95;
	z.seed = 1;
	c = summary_of(&z, 1);
	assert_string_equal(b, c);
	msb_free(b);
	msb_free(c);
	z.bootstrap_resamples = 2000;
	c = summary_of(&z, 1);
	assert_string_equal(a, c); /* version 1 with the defaults spelt out = version 2 zeroed */
	msb_free(c);
	z.confidence = 0; /* version 1: 0 is outside (0, 1), not the default */
	assert_int_equal(msb__scorer_options_effective(&ez, &z, "t"), MSB_EINVAL);
	msb_free(a);

	memset(&z, 0, sizeof z);
	z.version = MSB_SCORER_OPTIONS_VERSION;
	z.has_seed = 1; /* seed 0, asked for */
	assert_int_equal(msb__scorer_options_effective(&ez, &z, "t"), 0);
	assert_true(ez.seed == 0);
	a = summary_of(&z, 1);
	ci = ci_of(a);
	assert_int_equal(json_integer_value(json_object_get(ci, "seed")), 0);
	json_decref(ci);
	msb_free(a);
	z.has_seed = 0;
	z.seed = 7; /* a non-zero seed needs no flag */
	assert_int_equal(msb__scorer_options_effective(&ez, &z, "t"), 0);
	assert_true(ez.seed == 7);
	z.bootstrap_resamples = -2;
	assert_int_equal(msb__scorer_options_effective(&ez, &z, "t"), MSB_EINVAL);
}

/* A version-1 scorer struct ends before has_seed: nothing after it is read or written. */
static void test_scorer_v1_size(void **state)
{
	const size_t v1 = offsetof(msb_scorer_options, has_seed);
	unsigned char buf[sizeof(msb_scorer_options)];
	msb_scorer_options *o = (msb_scorer_options *)(void *)buf, e;
	size_t i;
	(void)state;

	memset(buf, 0xAB, sizeof buf);
	assert_int_equal(msb_scorer_options_init(o, 1), 0);
	for (i = v1; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0xAB);
	o->seed = 0;
	assert_int_equal(msb__scorer_options_effective(&e, o, "t"), 0);
	assert_true(e.seed == 0); /* version 1: as given */
	assert_int_equal(e.has_seed, 0);
}

static char *comparison_of(const msb_compare_options *o)
{
	msb_scorer *a = scorer_with(NULL, 0), *b = scorer_with(NULL, 2);
	msb_comparison *c;
	char *j = NULL;

	assert_int_equal(msb_compare(&c, a, b, o), 0);
	assert_int_equal(msb_comparison_json(&j, c), 0);
	msb_comparison_free(c);
	msb_scorer_free(a);
	msb_scorer_free(b);
	return j;
}

static const char *test_field(const char *comparison, const char *name, char *buf, size_t n)
{
	json_t *j = json_loads(comparison, 0, NULL), *v;

	assert_non_null(j);
	v = json_object_get(json_object_get(j, "test"), name);
	assert_non_null(v);
	if (json_is_string(v))
		snprintf(buf, n, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else
		snprintf(buf, n, "%.17g", json_number_value(v));
	json_decref(j);
	return buf;
}

static void test_compare_zero(void **state)
{
	msb_compare_options z, d, ez, ed, en;
	char *a, *b, *c, buf[64];
	(void)state;

	memset(&z, 0, sizeof z);
	z.version = MSB_COMPARE_OPTIONS_VERSION;
	assert_int_equal(msb_compare_options_init(&d, MSB_COMPARE_OPTIONS_VERSION), 0);
	assert_true(d.alpha == 0.05 && d.confidence == 0.95 && d.seed == 1);
	assert_int_equal(d.bootstrap_resamples, 2000);
	assert_int_equal(d.adjust, MSB_COMPARE_ADJUST_HOLM);
	assert_int_equal(msb__compare_options_effective(&ez, &z, "t"), 0);
	assert_int_equal(msb__compare_options_effective(&ed, &d, "t"), 0);
	assert_int_equal(msb__compare_options_effective(&en, NULL, "t"), 0);
	assert_true(ez.alpha == 0.05 && ez.confidence == 0.95 && ez.seed == 1);
	assert_int_equal(ez.bootstrap_resamples, 2000);
	assert_int_equal(ez.adjust, MSB_COMPARE_ADJUST_HOLM);
	assert_true(ed.alpha == ez.alpha && ed.confidence == ez.confidence && ed.seed == ez.seed);
	assert_int_equal(ed.bootstrap_resamples, ez.bootstrap_resamples);
	assert_int_equal(ed.adjust, ez.adjust);
	assert_true(en.alpha == ez.alpha && en.confidence == ez.confidence && en.seed == ez.seed);
	assert_int_equal(en.bootstrap_resamples, ez.bootstrap_resamples);
	assert_int_equal(en.adjust, ez.adjust);

	/* behaviour: the same comparison, field for field */
	a = comparison_of(&z);
	b = comparison_of(&d);
	c = comparison_of(NULL);
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_string_equal(test_field(a, "adjust", buf, sizeof buf), "holm");
	assert_string_equal(test_field(a, "resamples", buf, sizeof buf), "2000");
	msb_free(b);
	msb_free(c);

	/* version 2: none is MSB_COMPARE_ADJUST_NONE / MSB_BOOTSTRAP_NONE */
	z.adjust = MSB_COMPARE_ADJUST_NONE;
	z.bootstrap_resamples = MSB_BOOTSTRAP_NONE;
	b = comparison_of(&z);
	assert_string_equal(test_field(b, "adjust", buf, sizeof buf), "none");
	assert_string_equal(test_field(b, "resamples", buf, sizeof buf), "0");
	/* version 1 keeps its meaning: adjust 0 and 0 resamples are "none" */
	memset(&z, 0, sizeof z);
	z.version = 1;
	z.alpha = 0.05;
	z.confidence = 0.95;
	z.seed = 1;
	c = comparison_of(&z);
	assert_string_equal(b, c);
	msb_free(b);
	msb_free(c);
	z.adjust = MSB_COMPARE_ADJUST_HOLM;
	z.bootstrap_resamples = 2000;
	c = comparison_of(&z);
	assert_string_equal(a, c); /* version 1 with the defaults spelt out = version 2 zeroed */
	msb_free(c);
	msb_free(a);
	z.adjust = MSB_COMPARE_ADJUST_NONE; /* -1 is not a version-1 value */
	assert_int_equal(msb__compare_options_effective(&ez, &z, "t"), MSB_EINVAL);

	/* version 2: seed 0 with has_seed, a bad adjust, the levels' zero */
	memset(&z, 0, sizeof z);
	z.version = MSB_COMPARE_OPTIONS_VERSION;
	z.has_seed = 1;
	assert_int_equal(msb__compare_options_effective(&ez, &z, "t"), 0);
	assert_true(ez.seed == 0);
	z.adjust = 2;
	assert_int_equal(msb__compare_options_effective(&ez, &z, "t"), MSB_EINVAL);
	z.adjust = 0;
	z.alpha = 1.5;
	assert_int_equal(msb__compare_options_effective(&ez, &z, "t"), MSB_EINVAL);
}

/* The over-refusal gate reads alpha and adjust: zeroed = defaults there too. */
static void test_over_refusal_zero(void **state)
{
	msb_compare_options z, d;
	msb_scorer *a = scorer_with(NULL, 0), *b = scorer_with(NULL, 2);
	char *jz = NULL, *jd = NULL, *jn = NULL;
	(void)state;

	memset(&z, 0, sizeof z);
	z.version = MSB_COMPARE_OPTIONS_VERSION;
	assert_int_equal(msb_compare_options_init(&d, MSB_COMPARE_OPTIONS_VERSION), 0);
	assert_true(msb_compare_over_refusal(&jz, a, b, &z) >= 0);
	assert_true(msb_compare_over_refusal(&jd, a, b, &d) >= 0);
	assert_true(msb_compare_over_refusal(&jn, a, b, NULL) >= 0);
	assert_string_equal(jz, jd);
	assert_string_equal(jz, jn);
	assert_non_null(strstr(jz, "\"holm\""));
	msb_free(jz);
	msb_free(jd);
	msb_free(jn);
	z.adjust = MSB_COMPARE_ADJUST_NONE;
	assert_true(msb_compare_over_refusal(&jz, a, b, &z) >= 0);
	assert_non_null(strstr(jz, "\"none\""));
	msb_free(jz);
	msb_scorer_free(a);
	msb_scorer_free(b);
}

static int setup(void **state)
{
	(void)state;
	return msb_init() < 0;
}

static int teardown(void **state)
{
	(void)state;
	msb_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scorer_zero),
		cmocka_unit_test(test_scorer_v1_size),
		cmocka_unit_test(test_compare_zero),
		cmocka_unit_test(test_over_refusal_zero),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
