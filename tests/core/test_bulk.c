/* tests/core/test_bulk.c - the huge-page bump region (lib/core/bulk.c) and the arena on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/common.h"
#include "core/arena.h"
#include "core/bulk.h"

static void test_alloc_owns_pop(void **state)
{
	msb__bulk b = MSB__BULK_INIT;
	char *p, *q, *r;
	(void)state;

	assert_false(msb__bulk_active(&b));
	p = msb__bulk_alloc(&b, 100);
	assert_non_null(p);
	assert_true(msb__bulk_active(&b));
	assert_int_equal((uintptr_t)p % 16, 0);
	memset(p, 'x', 100);
	q = msb__bulk_alloc(&b, 3);
	assert_non_null(q);
	assert_true(q >= p + 100);
	assert_int_equal((uintptr_t)q % 16, 0);
	assert_true(msb__bulk_owns(&b, p));
	assert_true(msb__bulk_owns(&b, q + 2));
	assert_false(msb__bulk_owns(&b, &b));
	/* pop gives back the latest allocation only */
	msb__bulk_pop(&b, p); /* not the latest: no effect */
	r = msb__bulk_alloc(&b, 8);
	assert_true(r > q);
	msb__bulk_pop(&b, r);
	assert_ptr_equal(msb__bulk_alloc(&b, 8), r);
	assert_int_equal(p[99], 'x');
	/* discard: the latest allocation is popped; an earlier one's pages go back, the rest stays */
	r = msb__bulk_alloc(&b, 64);
	msb__bulk_discard(&b, r, 64);
	assert_ptr_equal(msb__bulk_alloc(&b, 64), r);
	{
		char *big = msb__bulk_alloc(&b, 3 * 4096), *after = msb__bulk_alloc(&b, 16);
		memset(big, 'z', 3 * 4096);
		after[0] = 'k';
		msb__bulk_discard(&b, big, 3 * 4096);
		assert_int_equal(after[0], 'k');
		assert_ptr_not_equal(msb__bulk_alloc(&b, 16), big); /* never handed out again */
	}
	/* larger than a block (32 MiB): a block of its own, and the region goes on */
	r = msb__bulk_alloc(&b, (size_t)40 << 20);
	assert_non_null(r);
	r[0] = r[((size_t)40 << 20) - 1] = 'y';
	assert_true(msb__bulk_owns(&b, r + ((size_t)40 << 20) - 1));
	assert_true(msb__bulk_owns(&b, p));
	assert_true(b.mapped >= ((size_t)72 << 20));
	/* size overflow fails cleanly */
	assert_null(msb__bulk_alloc(&b, SIZE_MAX - 3));
	msb__bulk_dispose(&b);
	assert_false(msb__bulk_active(&b));
	assert_int_equal(b.mapped, 0);
	msb__bulk_dispose(&b); /* twice is fine */
}

/* The arena takes 1 MiB chunks from an active region, and malloc'd ones otherwise. */
static void test_arena_on_bulk(void **state)
{
	msb__bulk b = MSB__BULK_INIT;
	msb_arena a = MSB_ARENA_INIT;
	char *s[5000];
	size_t i;
	(void)state;

	a.bulk = &b;
	s[0] = msb_arena_strdup(&a, "before the region is active");
	assert_non_null(s[0]);
	assert_false(msb__bulk_owns(&b, s[0]));
	assert_non_null(msb__bulk_alloc(&b, 1 << 20)); /* a large file, say */
	for (i = 1; i < 5000; i++) {
		char tmp[400];
		memset(tmp, 'a' + (int)(i % 26), sizeof tmp - 1);
		tmp[sizeof tmp - 1] = '\0';
		s[i] = msb_arena_strdup(&a, tmp);
		assert_non_null(s[i]);
	}
	/* 5000 x 400 bytes: two megabytes, from the region */
	assert_true(msb__bulk_owns(&b, s[4999]));
	for (i = 1; i < 5000; i++)
		assert_int_equal(s[i][398], 'a' + (int)(i % 26));
	assert_string_equal(s[0], "before the region is active");
	/* a large allocation (over a quarter of a chunk) still works */
	assert_non_null(msb_arena_alloc(&a, 100000));
	msb_arena_dispose(&a); /* frees only the malloc'd chunks */
	msb__bulk_dispose(&b);
}

static void *my_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *my_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void my_free(void *p, void *ud) { (void)ud; free(p); }

/* With a host allocator installed, the region stays unused: all memory goes through the hook. */
static void test_custom_allocator(void **state)
{
	msb_allocator al = { MSB_ALLOCATOR_VERSION, my_malloc, my_realloc, my_free, NULL };
	msb__bulk b = MSB__BULK_INIT;
	(void)state;

	assert_int_equal(msb_set_allocator(&al), 0);
	assert_null(msb__bulk_alloc(&b, 1 << 20));
	assert_false(msb__bulk_active(&b));
	assert_int_equal(msb_set_allocator(NULL), 0);
	assert_non_null(msb__bulk_alloc(&b, 1 << 20));
	msb__bulk_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_owns_pop),
		cmocka_unit_test(test_arena_on_bulk),
		cmocka_unit_test(test_custom_allocator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
