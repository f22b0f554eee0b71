/* tests/reliability/alloc_fail.c - the failing, counting allocator of alloc_fail.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
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

static int should_fail(void)
{
	long n;

	if (__atomic_load_n(&g_paused, __ATOMIC_SEQ_CST))
		return 0;
	n = __atomic_add_fetch(&g_count, 1, __ATOMIC_SEQ_CST);
	long at = __atomic_load_n(&g_fail_at, __ATOMIC_SEQ_CST);

	if (at && n == at) {
		__atomic_store_n(&g_injected, 1, __ATOMIC_SEQ_CST);
		g_trace_len = backtrace(g_trace, 32);
		return 1;
	}
	return 0;
}

/*
 * jansson 2.14's lexer drops a character when its string buffer cannot
 * grow (lex_save ignores the failure), so json_loads can succeed with a
 * wrong string: a bug of jansson that the library cannot see. Calibrate
 * once: the call sites (three frames above our allocator) where a
 * failing allocation makes json_loads succeed with a wrong value. A
 * wrong result whose failing allocation came from one of them is
 * counted, not failed.
 */
static void arm(long at);

#define AF_SITE_FRAMES 3
static void *g_bad_sites[16][AF_SITE_FRAMES];
static int g_n_bad_sites;

static int is_bad_site(void *const *trace, int len)
{
	int i;

	if (len < 2 + AF_SITE_FRAMES)
		return 0;
	for (i = 0; i < g_n_bad_sites; i++)
		if (!memcmp(g_bad_sites[i], trace + 2, sizeof g_bad_sites[i]))
			return 1;
	return 0;
}

static void calibrate_jansson(void)
{
	static const char *const inputs[] = {
		"{\"k\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"\"e\": \"x\\u00e9\\n\\\"0123456789abcdef0123456789abcdef0123456789\"}",
		"[\"0123456789abcdef0123456789\", 12345678901234567, 1.5e300, true, null]",
	};
	size_t k;

	for (k = 0; k < sizeof inputs / sizeof *inputs; k++) {
		json_t *good = json_loads(inputs[k], 0, NULL);
		long at;
		for (at = 1; good && at < 1000; at++) {
			json_t *got;
			int injected;
			arm(at);
			got = json_loads(inputs[k], 0, NULL);
			injected = __atomic_load_n(&g_injected, __ATOMIC_SEQ_CST);
			arm(0);
			if (got && !json_equal(got, good) && !is_bad_site(g_trace, g_trace_len) &&
			    g_n_bad_sites < 16 && g_trace_len >= 2 + AF_SITE_FRAMES)
				memcpy(g_bad_sites[g_n_bad_sites++], g_trace + 2, sizeof g_bad_sites[0]);
			json_decref(got);
			if (!injected)
				break;
		}
		json_decref(good);
	}
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
	if (should_fail())
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
	if (should_fail())
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
	if (should_fail()) {
		__atomic_store_n(&g_injected_json, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
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
	calibrate_jansson();
	rc = msb_init();
	return rc < 0 ? rc : 0;
}

long af_finish(void)
{
	msb_shutdown();
	return af_live();
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
	af_stats st = { 0, 0, 0, 0, 0 };
	long before = af_live(), at;
	int rc;

	arm(0);
	msb_error_clear();
	rc = call(ctx);
	if (rc != 0)
		fail_msg("%s: fails without injected failure: %d (%s)", name, rc, msb_error_last()->message);
	if (af_live() != before)
		fail_msg("%s: leaks %ld allocation(s) without injected failure", name, af_live() - before);
	st.allocations = (size_t)__atomic_load_n(&g_count, __ATOMIC_SEQ_CST);

	for (at = 1; at <= AF_MAX_POINTS; at++) {
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
		/* jansson's own bug (calibrate_jansson): counted, not failed */
		if (rc == AF_WRONG_RESULT && in_json && is_bad_site(g_trace, g_trace_len)) {
			st.jansson_parser_bug++;
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
	if (st.jansson_parser_bug)
		printf(", %zu wrong parse inside jansson", st.jansson_parser_bug);
	printf("\n");
	fflush(stdout);
	return st;
}
