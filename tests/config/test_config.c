/* tests/config/test_config.c - config internals: scalars, and every allocation failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "core/error.h"
#include "config/node.h"

static void test_scalars(void **state)
{
	long long i;
	double d;
	int b;
	(void)state;

	assert_int_equal(msb__scalar_int(&i, "-12"), 0);
	assert_int_equal(i, -12);
	assert_int_equal(msb__scalar_int(&i, " 3"), MSB_EINVAL);
	assert_int_equal(msb__scalar_int(&i, "0x10"), MSB_EINVAL);
	assert_int_equal(msb__scalar_int(&i, "3.5"), MSB_EINVAL);
	assert_int_equal(msb__scalar_int(&i, "99999999999999999999"), MSB_EINVAL);
	assert_int_equal(msb__scalar_double(&d, ".5"), 0);
	assert_true(d == 0.5);
	assert_int_equal(msb__scalar_double(&d, "1e3"), 0);
	assert_true(d == 1000.0);
	assert_int_equal(msb__scalar_double(&d, "nan"), MSB_EINVAL);
	assert_int_equal(msb__scalar_double(&d, "inf"), MSB_EINVAL);
	assert_int_equal(msb__scalar_double(&d, "1e999"), MSB_EINVAL);
	assert_int_equal(msb__scalar_bool(&b, "Yes"), 0);
	assert_int_equal(b, 1);
	assert_int_equal(msb__scalar_bool(&b, "OFF"), 0);
	assert_int_equal(b, 0);
	assert_int_equal(msb__scalar_bool(&b, "1"), MSB_EINVAL);
	assert_true(msb__scalar_is_null_text("~"));
	assert_true(msb__scalar_is_null_text(""));
	assert_false(msb__scalar_is_null_text("nil"));
}

static int n_allocs, fail_at;
static void *count_malloc(size_t n, void *ud)
{
	(void)ud;
	if (++n_allocs == fail_at)
		return NULL;
	return malloc(n);
}
static void *count_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	if (++n_allocs == fail_at)
		return NULL;
	return realloc(p, n);
}
static void count_free(void *p, void *ud) { (void)ud; free(p); }

static const char text[] =
    "dataset:\n  source: sample\n  principles: [1, 2]\n"
    "model:\n  spec: openai/m\n  headers: {A: b}\n"
    "judge:\n  - spec: refusal\n  - spec: openai/j\n"
    "run:\n  concurrency: 3\n  cache: ~/cache\n";

/* Parse, override and export, failing the Nth allocation: a clean error, never a leak. */
static int exercise(void)
{
	msb_config *cfg;
	char *json, **list;
	int rc;

	if ((rc = msb_config_parse(&cfg, text, strlen(text), "t.yaml")) < 0)
		return rc;
	if ((rc = msb_config_set(cfg, "run.out", "~/x", "--out")) < 0 ||
	    (rc = msb_config_set(cfg, "judge.2.spec", "refusal", "--judge")) < 0 ||
	    (rc = msb_config_append(cfg, "report.formats", "md", "--format")) < 0 ||
	    (rc = msb_config_get_strings(&list, NULL, cfg, "dataset.principles")) < 0) {
		msb_config_free(cfg);
		return rc;
	}
	msb_free(list);
	rc = msb_config_to_json(&json, cfg);
	if (rc == 0)
		msb_free(json);
	msb_config_free(cfg);
	return rc;
}

static void test_allocation_failures(void **state)
{
	msb_allocator a = { MSB_ALLOCATOR_VERSION, count_malloc, count_realloc, count_free, NULL };
	int total, i, rc;
	(void)state;

	setenv("HOME", "/home/t", 1); /* "~/" expands: one more allocation to fail */
	assert_int_equal(msb_set_allocator(&a), 0);
	n_allocs = 0;
	fail_at = 0;
	assert_int_equal(exercise(), 0);
	total = n_allocs;
	assert_true(total > 10);
	for (i = 1; i <= total; i++) {
		n_allocs = 0;
		fail_at = i;
		rc = exercise();
		if (rc != MSB_ENOMEM)
			fail_msg("allocation %d of %d: got %d (%s)", i, total, rc,
			    msb_error_last()->message);
	}
	assert_int_equal(msb_set_allocator(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
