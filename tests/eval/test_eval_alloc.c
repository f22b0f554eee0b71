/*
 * tests/eval/test_eval_alloc.c - allocation-failure injection over a whole
 * run: fail the Nth allocation for every N (from any thread), and check
 * that the run ends with 0 or a clean error, leaks nothing (ASan), and
 * leaves a folder that resume finishes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "fakes.h"

static int n_allocs, fail_at; /* atomics: runner threads allocate too */

static void *count_malloc(size_t size, void *ud)
{
	(void)ud;
	if (__atomic_add_fetch(&n_allocs, 1, __ATOMIC_SEQ_CST) == __atomic_load_n(&fail_at, __ATOMIC_SEQ_CST))
		return NULL;
	return malloc(size);
}

static void *count_realloc(void *p, size_t size, void *ud)
{
	(void)ud;
	if (__atomic_add_fetch(&n_allocs, 1, __ATOMIC_SEQ_CST) == __atomic_load_n(&fail_at, __ATOMIC_SEQ_CST))
		return NULL;
	return realloc(p, size);
}

static void count_free(void *p, void *ud)
{
	(void)ud;
	free(p);
}

static int one_run(const char *dir, int resume, int fail, int use_cache)
{
	msb_dataset *ds = fake_dataset(6, 0);
	fake_sync fb = { 0 };
	fake_judge fj = { 0 };
	msb_backend *b = NULL;
	msb_judge *j = NULL;
	msb_eval_options o;
	char cache[512];
	int rc;

	assert_non_null(ds);
	assert_int_equal(msb_backend_from_callback(&b, "fake", fake_sync_generate, &fb, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_from_callback(&j, "refusal-fake", fake_judge_fn, &fj, MSB_JUDGE_THREADSAFE), 0);
	msb_eval_options_init(&o, MSB_EVAL_OPTIONS_VERSION);
	snprintf(cache, sizeof cache, "%s.cache", dir);
	o.out_dir = dir;
	o.cache_dir = use_cache ? cache : NULL;
	o.concurrency = 2;
	o.judge_concurrency = 2;
	o.resume = resume;
	o.force = !resume;
	__atomic_store_n(&n_allocs, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&fail_at, fail, __ATOMIC_SEQ_CST);
	rc = msb_eval_run_simple(NULL, ds, b, j, &o);
	__atomic_store_n(&fail_at, 0, __ATOMIC_SEQ_CST);
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	return rc;
}

static void test_every_allocation_fails_once(void **state)
{
	char *base = fake_tmpdir(), dir[512];
	int total, n, failed = 0;
	(void)state;

	snprintf(dir, sizeof dir, "%s/run", base);
	assert_int_equal(one_run(dir, 0, 0, 0), 0);
	total = __atomic_load_n(&n_allocs, __ATOMIC_SEQ_CST);
	assert_int_equal(one_run(dir, 0, 0, 1), 0); /* cold cache: the most allocations */
	if (__atomic_load_n(&n_allocs, __ATOMIC_SEQ_CST) > total)
		total = __atomic_load_n(&n_allocs, __ATOMIC_SEQ_CST);
	assert_true(total > 10);
	printf("# %d allocations in one run\n", total);
	for (n = 1; n <= total + 20; n++) {
		int rc = one_run(dir, 0, n, n % 2);
		assert_true(rc == 0 || rc == MSB_ENOMEM || rc == MSB_ERROR || rc == MSB_EIO);
		failed += rc != 0;
		/* whatever happened, resume finishes the run */
		assert_int_equal(one_run(dir, 1, 0, 0), 0);
		{
			msb_results *r;
			assert_int_equal(msb_results_open(&r, dir, 0), 0);
			assert_int_equal(msb_results_count(r), 6);
			msb_results_free(r);
		}
	}
	printf("# %d of %d runs failed cleanly, the others recorded the failure as an item error\n", failed, total + 20);
	assert_true(failed > 0);
	fake_rmrf(base);
	free(base);
}

int main(void)
{
	msb_allocator a = { MSB_ALLOCATOR_VERSION, count_malloc, count_realloc, count_free, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_fails_once),
	};
	int rc;

	if (msb_set_allocator(&a) || msb_init() < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	msb_shutdown();
	return rc;
}
