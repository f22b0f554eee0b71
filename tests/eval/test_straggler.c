/*
 * tests/eval/test_straggler.c - the HTTP backend's straggler deadline and
 * parked-retry count (openai_engine.c), on a backend struct built by hand:
 * the arithmetic, without a server (the behaviour through the CLI is in
 * tests/cli/test_engine_faults.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "backend/backend.h"
#include "backend/openai_backend.h"

static void setup(oa *be, long timeout_ms, int max_retries)
{
	memset(be, 0, sizeof *be);
	be->o.timeout_ms = timeout_ms;
	be->o.max_retries = max_retries;
}

static void test_no_cut_before_32_successes(void **state)
{
	oa be;
	oa_req r;
	int i;
	(void)state;

	setup(&be, 60000, 3);
	memset(&r, 0, sizeof r);
	r.attempts = 1;
	for (i = 0; i < 31; i++)
		msb__oa_latency_seen(&be, 10);
	/* 31 successes: nothing known yet, the full timeout */
	assert_true(msb__oa_attempt_deadline(&be, &r, 1000) == 61000);
	msb__oa_latency_seen(&be, 10);
	/* 32 of 10 ms: 2.5 x p95 = 25 ms, below the 100 ms floor */
	assert_true(msb__oa_attempt_deadline(&be, &r, 1000) == 1100);
}

static void test_p95_of_the_last_128(void **state)
{
	oa be;
	oa_req r;
	int i;
	(void)state;

	setup(&be, 60000, 3);
	memset(&r, 0, sizeof r);
	r.attempts = 1;
	/*
	 * 1..128 ms: sorted, index floor(128 * 95 / 100) = 121 holds 122 ms
	 * (by hand: sorted(range(1, 129))[121] == 122), so the cut is 2.5 x 122 = 305 ms.
	 */
	for (i = 1; i <= 128; i++)
		msb__oa_latency_seen(&be, i);
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 305);
	/* 128 more of 1000 ms push the old ones out of the ring: 2.5 x 1000 */
	for (i = 0; i < 128; i++)
		msb__oa_latency_seen(&be, 1000);
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 2500);
	/* never later than the request timeout */
	be.o.timeout_ms = 2000;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 2000);
	/* no timeout at all (0): the cut alone */
	be.o.timeout_ms = 0;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 2500);
}

static void test_cut_doubles_and_only_with_a_retry_left(void **state)
{
	oa be;
	oa_req r;
	int i;
	(void)state;

	setup(&be, 60000, 4);
	memset(&r, 0, sizeof r);
	for (i = 0; i < 64; i++)
		msb__oa_latency_seen(&be, 50);
	/* 2.5 x 50 = 125 ms; each cut of the same request doubles the next one (as TCP's timer) */
	r.attempts = 1;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 125);
	r.attempts = 2;
	r.cuts = 1;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 250);
	r.attempts = 3;
	r.cuts = 2;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 500);
	/* doubled past the request timeout: the timeout */
	be.o.timeout_ms = 1000;
	r.attempts = 4;
	r.cuts = 3; /* 1000 ms: not before the timeout */
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 1000);
	/* the last attempt (no retry left): never cut, only the timeout */
	be.o.timeout_ms = 60000;
	r.attempts = 5;
	r.cuts = 0;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 60000);
	/* a request that was never cut keeps the plain cut on a later attempt (a 500 before) */
	r.attempts = 3;
	assert_true(msb__oa_attempt_deadline(&be, &r, 0) == 125);
}

static int other_poll(int timeout_ms, void *ud)
{
	(void)timeout_ms;
	(void)ud;
	return 0;
}

static void test_parked(void **state)
{
	struct msb_backend b;
	oa be;
	(void)state;

	setup(&be, 0, 0);
	be.n_parked = 3;
	memset(&b, 0, sizeof b);
	b.userdata = &be;
	b.vt.poll = msb__oa_poll;
	assert_int_equal(msb__backend_parked(&b), 3); /* the HTTP backend says */
	b.vt.poll = other_poll;
	assert_int_equal(msb__backend_parked(&b), 0); /* any other backend: none */
	assert_int_equal(msb__backend_parked(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_cut_before_32_successes),
		cmocka_unit_test(test_p95_of_the_last_128),
		cmocka_unit_test(test_cut_doubles_and_only_with_a_retry_left),
		cmocka_unit_test(test_parked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
