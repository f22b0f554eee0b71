/*
 * tests/config/test_config_internals.c - cli/config internals: scalars,
 * and every allocation failing. The configuration code allocates with
 * plain malloc (it is the CLI's, outside the library's allocator hook), so
 * this test is linked with -Wl,--wrap for the allocation functions: the
 * wrappers below count the calls the cli/config objects make and fail the
 * Nth (libc, libyaml and jansson inside keep their own allocations).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/node.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t n, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t n, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static int n_allocs, fail_at;

/* 1 when this allocation is the one to fail. */
static int fails(void)
{
	if (++n_allocs == fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *__wrap_malloc(size_t n) { return fails() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fails() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fails() ? NULL : __real_realloc(p, n); }
void *__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return fails() ? NULL : __real_reallocarray(p, n, size);
}
char *__wrap_strdup(const char *s) { return fails() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fails() ? NULL : __real_strndup(s, n); }

static void test_scalars(void **state)
{
	long long i;
	double d;
	int b;
	(void)state;

	assert_int_equal(cfg__scalar_int(&i, "-12"), 0);
	assert_int_equal(i, -12);
	assert_int_equal(cfg__scalar_int(&i, " 3"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_int(&i, "0x10"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_int(&i, "3.5"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_int(&i, "99999999999999999999"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_double(&d, ".5"), 0);
	assert_true(d == 0.5);
	assert_int_equal(cfg__scalar_double(&d, "1e3"), 0);
	assert_true(d == 1000.0);
	assert_int_equal(cfg__scalar_double(&d, "nan"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_double(&d, "inf"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_double(&d, "1e999"), MSB_EINVAL);
	assert_int_equal(cfg__scalar_bool(&b, "Yes"), 0);
	assert_int_equal(b, 1);
	assert_int_equal(cfg__scalar_bool(&b, "OFF"), 0);
	assert_int_equal(b, 0);
	assert_int_equal(cfg__scalar_bool(&b, "1"), MSB_EINVAL);
	assert_true(cfg__scalar_is_null_text("~"));
	assert_true(cfg__scalar_is_null_text(""));
	assert_false(cfg__scalar_is_null_text("nil"));
}

static const char text[] =
    "dataset:\n  source: sample\n  principles: [1, 2]\n"
    "model:\n  spec: openai/m\n  base_url: http://u:p@h/v1?key=s\n  headers: {A: b}\n"
    "judge:\n  - spec: refusal\n  - spec: openai/j\n"
    "run:\n  concurrency: 3\n  cache: ~/cache\n";

/* Parse, override and export, failing the Nth allocation: a clean error, never a leak. */
static int exercise(void)
{
	cli_config *cfg;
	char *json, **list;
	int rc;

	if ((rc = cli_config_parse(&cfg, text, strlen(text), "t.yaml")) < 0)
		return rc;
	if ((rc = cli_config_set(cfg, "run.out", "~/x", "--out")) < 0 ||
	    (rc = cli_config_set(cfg, "judge.2.spec", "refusal", "--judge")) < 0 ||
	    (rc = cli_config_append(cfg, "report.formats", "md", "--format")) < 0 ||
	    (rc = cli_config_get_strings(&list, NULL, cfg, "dataset.principles")) < 0) {
		cli_config_free(cfg);
		return rc;
	}
	free(list);
	rc = cli_config_to_json(&json, cfg);
	if (rc == 0)
		free(json);
	cli_config_free(cfg);
	return rc;
}

/* Load a file, check, override, read and export; the JSON must be the same every time. */
static int exercise_file(char **first_json)
{
	char path[4096], *json = NULL;
	const char *root = getenv("MSB_SOURCE_ROOT"), *s;
	cli_config *cfg;
	int rc;

	snprintf(path, sizeof path, "%s/tests/fixtures/config/run.yaml", root ? root : ".");
	if ((rc = cli_config_load(&cfg, path)) < 0)
		return rc;
	if (!(rc = cli_config_validate(cfg)) &&
	    !(rc = cli_config_set(cfg, "run.concurrency", "8", "--concurrency")) &&
	    !(rc = cli_config_get_string(&s, cfg, "model.spec")) &&
	    !(rc = cli_config_to_json(&json, cfg))) {
		if (!*first_json)
			*first_json = strdup(json); /* not counted: the test's own */
		else if (strcmp(*first_json, json))
			rc = -1000;
	}
	free(json);
	cli_config_free(cfg);
	return rc;
}

static void test_allocation_failures_file(void **state)
{
	char *first = NULL;
	int total, i, rc;
	(void)state;

	n_allocs = 0;
	fail_at = 0;
	assert_int_equal(exercise_file(&first), 0);
	assert_non_null(first);
	total = n_allocs - 1; /* the strdup of the first JSON */
	assert_true(total > 10);
	for (i = 1; i <= total; i++) {
		n_allocs = 0;
		fail_at = i;
		rc = exercise_file(&first);
		if (rc != MSB_ENOMEM)
			fail_msg("allocation %d of %d: got %d (%s)", i, total, rc, cli_config_message());
	}
	fail_at = 0;
	free(first);
}

static void test_allocation_failures(void **state)
{
	int total, i, rc;
	(void)state;

	setenv("HOME", "/home/t", 1); /* "~/" expands: one more allocation to fail */
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
			fail_msg("allocation %d of %d: got %d (%s)", i, total, rc, cli_config_message());
		assert_int_equal(cli_config_code(), MSB_ENOMEM);
		assert_non_null(strstr(cli_config_message(), "out of memory"));
	}
	fail_at = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_allocation_failures),
		cmocka_unit_test(test_allocation_failures_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
