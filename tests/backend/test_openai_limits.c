/* tests/backend/test_openai_limits.c - AIMD in-flight limit and token buckets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "backend/openai_limits.h"

static void test_aimd(void **state)
{
	msb__aimd a;
	int i;
	(void)state;

	msb__aimd_init(&a, 64);
	assert_int_equal(msb__aimd_limit(&a), 64);
	msb__aimd_backoff(&a, 10, 100);
	assert_int_equal(msb__aimd_limit(&a), 32);
	/* more 429s for requests started before the cut: one burst, one halving */
	msb__aimd_backoff(&a, 50, 101);
	msb__aimd_backoff(&a, 99, 102);
	assert_int_equal(msb__aimd_limit(&a), 32);
	/* a request started after the cut halves again */
	msb__aimd_backoff(&a, 150, 200);
	assert_int_equal(msb__aimd_limit(&a), 16);
	/* additive increase: about one per window of successes */
	for (i = 0; i < 16; i++)
		msb__aimd_success(&a);
	assert_int_equal(msb__aimd_limit(&a), 16); /* 16 + 16 steps of 1/16.x: just under 17 */
	msb__aimd_success(&a);
	assert_int_equal(msb__aimd_limit(&a), 17);
	for (i = 0; i < 10000; i++)
		msb__aimd_success(&a);
	assert_int_equal(msb__aimd_limit(&a), 64);
	for (i = 0; i < 20; i++)
		msb__aimd_backoff(&a, 1000.0 + i * 10, 1000.0 + i * 10 + 1);
	assert_int_equal(msb__aimd_limit(&a), 1);
	msb__aimd_init(&a, 0);
	assert_int_equal(msb__aimd_limit(&a), 1);
}

static void test_bucket(void **state)
{
	msb__bucket b;
	(void)state;

	msb__bucket_init(&b, 0, 0);
	assert_true(msb__bucket_wait_ms(&b, 1e9, 0) == 0);
	msb__bucket_take(&b, 1e9, 0);
	assert_true(msb__bucket_wait_ms(&b, 1, 0) == 0);

	msb__bucket_init(&b, 60, 0); /* one a second, burst 10 */
	for (int i = 0; i < 10; i++) {
		assert_true(msb__bucket_wait_ms(&b, 1, 0) == 0);
		msb__bucket_take(&b, 1, 0);
	}
	assert_true(msb__bucket_wait_ms(&b, 1, 0) > 999 && msb__bucket_wait_ms(&b, 1, 0) < 1001);
	assert_true(msb__bucket_wait_ms(&b, 1, 500) > 499 && msb__bucket_wait_ms(&b, 1, 500) < 501);
	assert_true(msb__bucket_wait_ms(&b, 1, 1000) == 0);
	/* never more than the burst saved up */
	assert_true(msb__bucket_wait_ms(&b, 10, 1e9) == 0);
	msb__bucket_take(&b, 10, 1e9);
	assert_true(msb__bucket_wait_ms(&b, 1, 1e9) > 0);
	/* a request larger than the burst goes once the bucket is full */
	msb__bucket_init(&b, 600, 0);
	assert_true(msb__bucket_wait_ms(&b, 5000, 0) == 0);
	msb__bucket_take(&b, 5000, 0);
	assert_true(msb__bucket_wait_ms(&b, 1, 0) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aimd),
		cmocka_unit_test(test_bucket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
