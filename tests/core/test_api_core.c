/*
 * tests/api/test_api_core.c - the core API through the shared library
 * (public headers only), including the thread-local error.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <medsafety/medsafety.h>

static void test_version_matches_header(void **state)
{
	(void)state;
	assert_int_equal(msb_version_number(), MSB_VERSION_NUMBER);
	assert_string_equal(msb_version(), MSB_VERSION);
}

static void *thread_main(void *arg)
{
	(void)arg;
	/* a fresh thread has no error */
	return (void *)(intptr_t)msb_error_last()->code;
}

static void test_error_is_thread_local(void **state)
{
	pthread_t t;
	void *ret;
	(void)state;

	assert_int_equal(msb_shutdown(), MSB_ESTATE); /* sets an error here */
	assert_int_equal(msb_error_last()->code, MSB_ESTATE);
	assert_non_null(strstr(msb_error_last()->message, "not initialised"));
	assert_int_equal(pthread_create(&t, NULL, thread_main, NULL), 0);
	assert_int_equal(pthread_join(t, &ret), 0);
	assert_int_equal((int)(intptr_t)ret, 0);
	assert_int_equal(msb_error_last()->code, MSB_ESTATE);
}

static void *init_many(void *arg)
{
	int i;
	(void)arg;
	for (i = 0; i < 200; i++) {
		if (msb_init() < 1)
			return (void *)1;
		if (msb_shutdown() < 0)
			return (void *)1;
	}
	return NULL;
}

static void test_init_threads(void **state)
{
	pthread_t t[4];
	void *ret;
	int i;
	(void)state;

	assert_int_equal(msb_init(), 1); /* keeps curl alive throughout */
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, init_many, NULL), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_null(ret);
	}
	assert_int_equal(msb_shutdown(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_matches_header),
		cmocka_unit_test(test_error_is_thread_local),
		cmocka_unit_test(test_init_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
