/*
 * tests/reliability/alloc_fail.h - allocation-failure injection through
 * msb_set_allocator (the idea of curl's torture mode and jansson's
 * test_chaos).
 *
 * af_install() puts a counting allocator in place before msb_init(),
 * for the library (msb_set_allocator) and for jansson
 * (json_set_alloc_funcs: the test is the host and may).
 * af_check(name, call, ctx) then runs `call` once to count its
 * allocations, and again with the 1st, 2nd, ... Nth allocation failing
 * (only that one: the call may go on after it), until a run reaches its
 * end without meeting the injected failure. Every run must return 0 or
 * an allowed error (MSB_ENOMEM by default), must not crash, and must
 * leave as many library allocations live as there were before it: the
 * call frees all it made (handles it returns included: `call` frees
 * them itself).
 */
#ifndef MSB_TEST_ALLOC_FAIL_H
#define MSB_TEST_ALLOC_FAIL_H

#include <stddef.h>

typedef int (*af_call)(void *ctx);

/*
 * What a call returns when it succeeded but its result differs from the
 * result of the run without failure: an allocation failure was swallowed.
 */
#define AF_WRONG_RESULT 999

/* Install the allocator and msb_init(); 0 or the error. */
int af_install(void);
/* msb_shutdown(); the number of library allocations still live (must be 0). */
long af_finish(void);

/*
 * The two ends of a test program's main(): af_begin() installs the
 * allocator (saying why not on stderr); af_end(failed) shuts down and
 * returns `failed` (cmocka's count), or 1 with a message when library
 * allocations are still live:
 *     if (af_begin() != 0)
 *         return 1;
 *     return af_end(cmocka_run_group_tests(tests, NULL, NULL));
 */
int af_begin(void);
int af_end(int failed);

/*
 * Pause (1) or resume (0) injection, e.g. while a call checks its result
 * with other library calls: those allocations are neither counted nor
 * failed (still tracked for leaks).
 */
void af_pause(int paused);

/* Library allocations currently live. */
long af_live(void);

typedef struct af_stats {
	size_t allocations;      /* allocations of the call when nothing fails */
	size_t failure_points;   /* runs with one failing allocation */
	size_t recovered;        /* of those, runs that still succeeded (fallbacks) */
	size_t json_points;      /* failure points inside jansson (json_set_alloc_funcs) */
	size_t jansson_parser_skips; /* allocations in jansson's parser left alone (see alloc_fail.c) */
	size_t jansson_dump_bug;   /* wrong text from a failure inside json_dump* (jansson's bug) */
} af_stats;

#define AF_NO_THREAD_ERROR 0x1u /* the error may be set on a worker thread: skip msb_error_last check */

/*
 * Run the procedure above. `allowed` lists error codes accepted besides
 * MSB_ENOMEM (terminated by 0; may be NULL). Fails the cmocka test on a
 * crash-free violation; prints one summary line. Returns the stats.
 */
af_stats af_check(const char *name, af_call call, void *ctx, const int *allowed, unsigned int flags);

#endif
