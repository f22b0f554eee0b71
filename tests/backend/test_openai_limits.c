/* tests/backend/test_openai_limits.c - AIMD in-flight limit and token buckets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "backend/openai_limits.h"

/* Overload signals for n requests started at t (after any cut), as one burst. */
static void signals(msb__aimd *a, int n, double t)
{
	int i;
	for (i = 0; i < n; i++)
		msb__aimd_backoff(a, t, t + 1);
}

static void test_aimd(void **state)
{
	msb__aimd a;
	int i;
	(void)state;

	msb__aimd_init(&a, 64);
	assert_int_equal(msb__aimd_limit(&a), 64);
	/* a quarter of a 64-window (16 signals) halves it; 15 do not */
	signals(&a, 15, 10);
	assert_int_equal(msb__aimd_limit(&a), 64);
	signals(&a, 1, 10);
	assert_int_equal(msb__aimd_limit(&a), 32);
	/* more signals for requests started before the cut (at 11): one burst, one halving */
	signals(&a, 40, 5);
	assert_int_equal(msb__aimd_limit(&a), 32);
	/* requests started after the cut: 8 signals (a quarter of 32) halve again */
	signals(&a, 8, 150);
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
	/* a server that rejects everything: down to 1 (a window of at least 4: one signal in 4) */
	for (i = 0; i < 200; i++)
		msb__aimd_backoff(&a, 1000.0 + i * 10, 1000.0 + i * 10 + 1);
	assert_int_equal(msb__aimd_limit(&a), 1);
	msb__aimd_init(&a, 0);
	assert_int_equal(msb__aimd_limit(&a), 1);
}

/*
 * Random faults do not collapse the window: 10,000 outcomes of which one
 * in eleven is an overload signal (the 20% --fault mix of msb_test_server
 * has 4 overload kinds of 9: 8.9%), spread evenly, never reach a quarter
 * of a window; 40% overload does halve it.
 */
static void test_aimd_random_faults(void **state)
{
	msb__aimd a;
	int i;
	(void)state;

	msb__aimd_init(&a, 64);
	for (i = 0; i < 10000; i++) {
		if (i % 11 == 0)
			msb__aimd_backoff(&a, i, i + 0.5);
		else
			msb__aimd_success(&a);
	}
	assert_int_equal(msb__aimd_limit(&a), 64);
	for (i = 0; i < 100; i++) {
		if (i % 5 < 2)
			msb__aimd_backoff(&a, 20000.0 + i, 20000.5 + i);
		else
			msb__aimd_success(&a);
	}
	assert_true(msb__aimd_limit(&a) <= 32);
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

/*
 * The wait before a retry, base 500 ms, max 30 s. By hand: the wait is
 * d/2 + d/2 * u, so u = 0 gives d/2 and u = 1 gives d.
 */
static void test_retry_delay(void **state)
{
	int k;
	(void)state;

	/* a random fault (500, garbled body, cut straggler): d = 50 ms on every attempt */
	for (k = 1; k <= 8; k++) {
		assert_true(msb__retry_delay_ms(MSB__RETRY_RANDOM, k, 500, 30000, 0) == 25);
		assert_true(msb__retry_delay_ms(MSB__RETRY_RANDOM, k, 500, 30000, 1) == 50);
	}
	/* a lone overload signal: 50, 100, 200, 400, then the base (500) */
	assert_true(msb__retry_delay_ms(MSB__RETRY_OVERLOAD, 1, 500, 30000, 1) == 50);
	assert_true(msb__retry_delay_ms(MSB__RETRY_OVERLOAD, 2, 500, 30000, 1) == 100);
	assert_true(msb__retry_delay_ms(MSB__RETRY_OVERLOAD, 4, 500, 30000, 1) == 400);
	assert_true(msb__retry_delay_ms(MSB__RETRY_OVERLOAD, 5, 500, 30000, 1) == 500);
	assert_true(msb__retry_delay_ms(MSB__RETRY_OVERLOAD, 9, 500, 30000, 0) == 250);
	/* overloaded (window cut) or unreachable: 500, 1000, 2000, ... up to 30 s */
	assert_true(msb__retry_delay_ms(MSB__RETRY_BACKOFF, 1, 500, 30000, 1) == 500);
	assert_true(msb__retry_delay_ms(MSB__RETRY_BACKOFF, 3, 500, 30000, 1) == 2000);
	assert_true(msb__retry_delay_ms(MSB__RETRY_BACKOFF, 7, 500, 30000, 1) == 30000);
	assert_true(msb__retry_delay_ms(MSB__RETRY_BACKOFF, 50, 500, 30000, 0) == 15000);
	/* a max below the base caps every kind */
	assert_true(msb__retry_delay_ms(MSB__RETRY_BACKOFF, 1, 500, 40, 1) == 40);
	assert_true(msb__retry_delay_ms(MSB__RETRY_RANDOM, 1, 500, 40, 1) == 40);
	/* u outside [0, 1] is clamped */
	assert_true(msb__retry_delay_ms(MSB__RETRY_RANDOM, 1, 500, 30000, 7) == 50);
	assert_true(msb__retry_delay_ms(MSB__RETRY_RANDOM, 1, 500, 30000, -1) == 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aimd),
		cmocka_unit_test(test_aimd_random_faults),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_retry_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
