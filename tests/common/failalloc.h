/*
 * tests/common/failalloc.h - a counting allocator that fails the Nth
 * allocation (curl's torture mode, jansson's test_chaos), for the
 * allocation-failure tests of several modules. The idea of
 * tests/reliability/alloc_fail.h (count every allocation, fail only the
 * one armed, track what is live), kept small: the library's allocator
 * only, and no fixed procedure: each test drives its own runs.
 */
#ifndef MSB_TEST_FAILALLOC_H
#define MSB_TEST_FAILALLOC_H

#include "medsafety/common.h"

/* The counting allocator, for msb_set_allocator. Borrowed, static. */
const msb_allocator *failalloc_allocator(void);

/* msb_set_allocator(failalloc_allocator()) after failalloc_arm(0); 0 or the error. */
int failalloc_install(void);

/*
 * Start a run: the allocation and live counts start again at 0, and
 * allocation number `at` (1-based) fails; 0: none fails.
 */
void failalloc_arm(long at);

/* The allocation that fails in this run (0: none). */
long failalloc_at(void);
/* Allocations (malloc, and realloc of NULL or not) made since failalloc_arm, the failed one included. */
long failalloc_count(void);
/* Allocations made since failalloc_arm and not yet freed. */
long failalloc_live(void);

/*
 * Run scenario once with nothing failing, then again with allocation 1,
 * 2, ... N failing (N: the allocations of the first run); the scenario
 * checks its own results. Fails the test when a run leaves an allocation
 * live. The allocator must be installed. Returns N.
 */
long failalloc_each(void (*scenario)(void));

#endif
