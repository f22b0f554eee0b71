/* tests/common/failalloc.c - the counting, failing allocator of failalloc.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "failalloc.h"

/* Atomics: a scenario may allocate on more than one thread. */
static long g_count, g_live, g_fail_at;

static int should_fail(void)
{
	long at = __atomic_load_n(&g_fail_at, __ATOMIC_SEQ_CST);
	return __atomic_add_fetch(&g_count, 1, __ATOMIC_SEQ_CST) == at;
}

static void *fa_malloc(size_t n, void *ud)
{
	void *p;
	(void)ud;
	if (should_fail())
		return NULL;
	if ((p = malloc(n)))
		__atomic_add_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	return p;
}

static void *fa_realloc(void *p, size_t n, void *ud)
{
	void *q;
	(void)ud;
	if (should_fail())
		return NULL; /* like realloc: p stays valid */
	q = realloc(p, n);
	if (q && !p)
		__atomic_add_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	return q;
}

static void fa_free(void *p, void *ud)
{
	(void)ud;
	if (p)
		__atomic_sub_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	free(p);
}

const msb_allocator *failalloc_allocator(void)
{
	static const msb_allocator a = { MSB_ALLOCATOR_VERSION, fa_malloc, fa_realloc, fa_free, NULL };
	return &a;
}

int failalloc_install(void)
{
	failalloc_arm(0);
	return msb_set_allocator(failalloc_allocator());
}

void failalloc_arm(long at)
{
	__atomic_store_n(&g_count, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g_live, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g_fail_at, at, __ATOMIC_SEQ_CST);
}

long failalloc_at(void) { return __atomic_load_n(&g_fail_at, __ATOMIC_SEQ_CST); }
long failalloc_count(void) { return __atomic_load_n(&g_count, __ATOMIC_SEQ_CST); }
long failalloc_live(void) { return __atomic_load_n(&g_live, __ATOMIC_SEQ_CST); }

long failalloc_each(void (*scenario)(void))
{
	long total, at;

	failalloc_arm(0);
	scenario();
	total = failalloc_count();
	assert_int_equal(failalloc_live(), 0);
	for (at = 1; at <= total; at++) {
		failalloc_arm(at);
		scenario();
		if (failalloc_live() != 0)
			fail_msg("fail_at %ld of %ld: %ld allocations leaked", at, total, failalloc_live());
	}
	failalloc_arm(0);
	return total;
}
