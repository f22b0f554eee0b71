/* tests/reliability/alloc_fail.c - the failing, counting allocator of alloc_fail.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <jansson.h>

#include "medsafety/common.h"
#include "alloc_fail.h"

/* Atomics: the runner allocates on worker threads. */
static long g_live;
static long g_count;     /* allocations since af_arm */
static long g_fail_at;   /* 0: none; else the g_count value that fails */
static int g_injected;
static int g_injected_json; /* the failing allocation was jansson's */
static int g_paused;        /* af_pause: allocations neither counted nor failed */

/* Where the injected failure happened, printed when a run misbehaves. */
static void *g_trace[32];
static int g_trace_len;
static long g_parser_skips;

/*
 * 1 when the allocation is made inside jansson's parser (json_load*).
 * jansson 2.14's lexer ignores its own allocation failures (lex_save,
 * upstream issue #362): it then returns wrong strings, misreports the
 * failure as a syntax error, and can write past its buffer. Failing
 * those allocations would test jansson, not us, and corrupt the heap, so
 * the injection moves on to the next allocation. dladdr names the
 * exported json_load* frame on the stack; it needs no debug symbols.
 */
static int in_jansson(void *const *trace, int len, const char *prefix)
{
	Dl_info info;
	int i;

	for (i = 0; i < len; i++)
		if (dladdr(trace[i], &info) && info.dli_sname &&
		    !strncmp(info.dli_sname, prefix, strlen(prefix)))
			return 1;
	return 0;
}

static int should_fail(int json)
{
	long n, at;

	if (__atomic_load_n(&g_paused, __ATOMIC_SEQ_CST))
		return 0;
	n = __atomic_add_fetch(&g_count, 1, __ATOMIC_SEQ_CST);
	at = __atomic_load_n(&g_fail_at, __ATOMIC_SEQ_CST);
	if (at && n == at) {
		void *trace[32];
		int len = backtrace(trace, 32);
		if (json && in_jansson(trace, len, "json_load")) {
			__atomic_add_fetch(&g_fail_at, 1, __ATOMIC_SEQ_CST);
			__atomic_add_fetch(&g_parser_skips, 1, __ATOMIC_SEQ_CST);
			return 0;
		}
		memcpy(g_trace, trace, sizeof trace);
		g_trace_len = len;
		__atomic_store_n(&g_injected, 1, __ATOMIC_SEQ_CST);
		if (json)
			__atomic_store_n(&g_injected_json, 1, __ATOMIC_SEQ_CST);
		return 1;
	}
	return 0;
}

/* The call path of the failing allocation (resolve with addr2line -f -e LIB OFFSET). */
static void print_trace(const char *name, long at, const char *what)
{
	fprintf(stderr, "%s: allocation %ld failing: %s; the failing allocation was made at:\n", name, at,
	    what);
	backtrace_symbols_fd(g_trace, g_trace_len, 2);
}

static void *af_malloc(size_t size, void *ud)
{
	void *p;
	(void)ud;
	if (should_fail(0))
		return NULL;
	p = malloc(size);
	if (p)
		__atomic_add_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	return p;
}

static void *af_realloc(void *ptr, size_t size, void *ud)
{
	void *p;
	(void)ud;
	if (should_fail(0))
		return NULL; /* like realloc: ptr stays valid */
	p = realloc(ptr, size);
	if (p && !ptr)
		__atomic_add_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	return p;
}

/*
 * jansson's allocations go through the same counter: the test program is
 * the host, which may set jansson's process-wide allocator (the library
 * itself never does). So a failing json_object() or json_dumps() inside
 * the library is injected too, and a missing json_decref is a leak.
 */
static void *af_json_malloc(size_t size)
{
	void *p;
	if (should_fail(1))
		return NULL;
	p = malloc(size);
	if (p)
		__atomic_add_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	return p;
}

static void af_json_free(void *ptr)
{
	if (ptr)
		__atomic_sub_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	free(ptr);
}

static void af_free(void *ptr, void *ud)
{
	(void)ud;
	if (ptr)
		__atomic_sub_fetch(&g_live, 1, __ATOMIC_SEQ_CST);
	free(ptr);
}

int af_install(void)
{
	static const msb_allocator a = { MSB_ALLOCATOR_VERSION, af_malloc, af_realloc, af_free, NULL };
	int rc = msb_set_allocator(&a);

	if (rc)
		return rc;
	json_set_alloc_funcs(af_json_malloc, af_json_free);
	rc = msb_init();
	return rc < 0 ? rc : 0;
}

long af_finish(void)
{
	msb_shutdown();
	return af_live();
}

int af_begin(void)
{
	if (af_install() != 0) {
		fprintf(stderr, "cannot install the allocator: %s\n", msb_error_last()->message);
		return 1;
	}
	return 0;
}

int af_end(int failed)
{
	if (af_finish() != 0) {
		fprintf(stderr, "%ld library allocation(s) live after shutdown\n", af_live());
		return 1;
	}
	return failed;
}

void af_pause(int paused)
{
	__atomic_store_n(&g_paused, paused, __ATOMIC_SEQ_CST);
}

long af_live(void)
{
	return __atomic_load_n(&g_live, __ATOMIC_SEQ_CST);
}

static void arm(long at)
{
	__atomic_store_n(&g_injected, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g_injected_json, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g_count, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g_fail_at, at, __ATOMIC_SEQ_CST);
}

static int allowed_code(int rc, const int *allowed)
{
	if (rc == MSB_ENOMEM)
		return 1;
	for (; allowed && *allowed; allowed++)
		if (*allowed == rc)
			return 1;
	return 0;
}

/* Upper bound on failure points, so that a call that never ends is a failure, not a hang. */
#define AF_MAX_POINTS 200000

af_stats af_check(const char *name, af_call call, void *ctx, const int *allowed, unsigned int flags)
{
	af_stats st = { 0, 0, 0, 0, 0, 0 };
	/* MSB_AF_STRIDE=k tries every k-th failure point only (scripts/valgrind: valgrind is slow) */
	const char *env = getenv("MSB_AF_STRIDE");
	long stride = env && atol(env) > 0 ? atol(env) : 1;
	long before = af_live(), at, skips0 = __atomic_load_n(&g_parser_skips, __ATOMIC_SEQ_CST);
	int rc;

	arm(0);
	msb_error_clear();
	rc = call(ctx);
	if (rc != 0)
		fail_msg("%s: fails without injected failure: %d (%s)", name, rc, msb_error_last()->message);
	if (af_live() != before)
		fail_msg("%s: leaks %ld allocation(s) without injected failure", name, af_live() - before);
	st.allocations = (size_t)__atomic_load_n(&g_count, __ATOMIC_SEQ_CST);

	for (at = 1; at <= AF_MAX_POINTS; at += stride) {
		int injected, in_json;
		arm(at);
		msb_error_clear();
		rc = call(ctx);
		injected = __atomic_load_n(&g_injected, __ATOMIC_SEQ_CST);
		in_json = __atomic_load_n(&g_injected_json, __ATOMIC_SEQ_CST);
		arm(0);
		if (af_live() != before)
			print_trace(name, at, "leak");
		if (af_live() != before)
			fail_msg("%s: allocation %ld failing: leaks %ld allocation(s) (rc %d: %s)", name, at,
			    af_live() - before, rc, msb_error_last()->message);
		if (!injected) {
			if (rc != 0)
				fail_msg("%s: run %ld failed (%d: %s) without meeting the injected failure",
				    name, at, rc, msb_error_last()->message);
			break;
		}
		st.failure_points++;
		if (in_json)
			st.json_points++;
		/*
		 * jansson 2.14's dumper ignores a failure to write an object key
		 * (dump.c: dump_string's result is not checked) and goes on: the
		 * text then lacks the key. A wrong result from a failure inside
		 * json_dump* is jansson's: counted, not failed.
		 */
		if (rc == AF_WRONG_RESULT && in_json && in_jansson(g_trace, g_trace_len, "json_dump")) {
			st.jansson_dump_bug++;
			continue;
		}
		if (rc == AF_WRONG_RESULT)
			print_trace(name, at, "the call succeeded with a wrong result");
		if (rc == AF_WRONG_RESULT)
			fail_msg("%s: allocation %ld failing: the call succeeds but its result differs from "
			    "the result without failure (a swallowed allocation failure)", name, at);
		if (rc == 0) {
			if (getenv("AF_TRACE_RECOVERED"))
				print_trace(name, at, "the call still succeeded");
			st.recovered++;
			continue;
		}
		/*
		 * jansson reports its own failures in its own way (a NULL value,
		 * a parse error "out of memory"): any clean error is accepted.
		 */
		if (rc > 0 || (!in_json && !allowed_code(rc, allowed)))
			print_trace(name, at, "wrong error code");
		if (rc > 0 || (!in_json && !allowed_code(rc, allowed)))
			fail_msg("%s: allocation %ld failing: returns %d (%s), not MSB_ENOMEM", name, at, rc,
			    msb_error_last()->message);
		if (!(flags & AF_NO_THREAD_ERROR) && msb_error_last()->code != rc)
			fail_msg("%s: allocation %ld failing: returns %d but the last error is %d (%s)", name,
			    at, rc, msb_error_last()->code, msb_error_last()->message);
	}
	if (at > AF_MAX_POINTS)
		fail_msg("%s: still meets failures after %d runs", name, AF_MAX_POINTS);
	printf("alloc-fail %-34s %6zu allocations, %6zu failure points (%zu in jansson), %zu recovered",
	    name, st.allocations, st.failure_points, st.json_points, st.recovered);
	if (stride > 1)
		printf(", every %ld-th point only", stride);
	st.jansson_parser_skips = (size_t)(__atomic_load_n(&g_parser_skips, __ATOMIC_SEQ_CST) - skips0);
	if (st.jansson_parser_skips)
		printf(", %zu in jansson's parser not failed", st.jansson_parser_skips);
	if (st.jansson_dump_bug)
		printf(", %zu wrong text from jansson's dumper", st.jansson_dump_bug);
	printf("\n");
	fflush(stdout);
	return st;
}
