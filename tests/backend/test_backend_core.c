/*
 * tests/backend/test_backend_core.c - the backend core: host callbacks,
 * replay, vtables (older struct_size, missing slots), serialisation of
 * backends that are not thread-safe, generate over submit/poll.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/backend.h"
#include "../common/info.h"

static int echo_cb(const msb_request *req, msb_completion *out, void *ud)
{
	int *calls = ud;
	(*calls)++;
	return msb_completion_set_text(out, req->prompt);
}

static int fail_cb(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)ud;
	msb_completion_set_error(out, MSB_EUSER, "user", "host model crashed");
	return MSB_EUSER;
}

static int bare_fail_cb(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)out;
	(void)ud;
	return MSB_EIO;
}

static int empty_cb(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)out;
	(void)ud;
	return 0;
}

/* "" after running out of tokens */
static int blank_cb(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)ud;
	msb_completion_set_finish_reason(out, "length");
	return msb_completion_set_text(out, "");
}

static void test_callback(void **state)
{
	msb_backend *b;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	int calls = 0;
	(void)state;

	req.prompt = "hello";
	assert_int_equal(msb_backend_from_callback(&b, "mine", echo_cb, &calls, 0), 0);
	assert_string_equal(msb_backend_identity(b), "mine");
	assert_false(msb_backend_is_async(b));
	assert_int_equal(msb_backend_capacity(b), 0);
	assert_int_equal(msb_backend_generate(&c, b, &req), 0);
	assert_string_equal(msbt_completion(c).text, "hello");
	assert_int_equal(msbt_completion(c).usage.attempts, 1);
	assert_true(msbt_completion(c).usage.latency_ms >= 0);
	assert_int_equal(calls, 1);
	msb_completion_free(c);
	assert_int_equal(msb_backend_submit(c, b, &req, NULL, NULL), MSB_EINVAL);
	assert_int_equal(msb_backend_poll(b, 0), MSB_EUNSUPPORTED);
	msb_backend_free(b);

	assert_int_equal(msb_backend_from_callback(&b, NULL, fail_cb, NULL, 0), 0);
	assert_string_equal(msb_backend_identity(b), "callback");
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_EUSER);
	assert_string_equal(msbt_completion(c).error.kind, "user");
	assert_string_equal(msbt_completion(c).error.message, "host model crashed");
	assert_string_equal(msb_error_last()->message, "host model crashed");
	msb_completion_free(c);
	msb_backend_free(b);

	assert_int_equal(msb_backend_from_callback(&b, NULL, bare_fail_cb, NULL, 0), 0);
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_EIO);
	assert_int_equal(msbt_completion(c).error.code, MSB_EIO);
	assert_non_null(msbt_completion(c).error.message);
	msb_completion_free(c);
	msb_backend_free(b);

	assert_int_equal(msb_backend_from_callback(&b, NULL, empty_cb, NULL, 0), 0);
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_EUSER);
	assert_string_equal(msbt_completion(c).error.kind, "empty");
	assert_non_null(strstr(msbt_completion(c).error.message, "no text"));
	msb_completion_free(c);
	msb_backend_free(b);
	/* "" is no answer either (issue #14 item 5): never judged as a refusal */
	assert_int_equal(msb_backend_from_callback(&b, NULL, blank_cb, NULL, 0), 0);
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_EUSER);
	assert_string_equal(msbt_completion(c).error.kind, "empty");
	assert_null(msbt_completion(c).text);
	assert_non_null(strstr(msbt_completion(c).error.message, "finish_reason length"));
	assert_non_null(strstr(msbt_completion(c).error.message, "max_tokens"));
	msb_completion_free(c);
	/* invalid requests */
	req.prompt = NULL;
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_EINVAL);
	assert_null(c);
	req.prompt = "x";
	req.version = 99;
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_EVERSION);
	msb_backend_free(b);
	assert_int_equal(msb_backend_from_callback(&b, NULL, NULL, NULL, 0), MSB_EINVAL);
	msb_backend_free(NULL);
}

static void test_replay(void **state)
{
	msb_backend *b;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	(void)state;

	req.prompt = "p";
	req.reference = "I cannot help with that; please see a doctor.";
	assert_int_equal(msb_backend_replay_new(&b, NULL), 0);
	assert_string_equal(msb_backend_identity(b), "replay");
	assert_int_equal(msb_backend_generate(&c, b, &req), 0);
	assert_string_equal(msbt_completion(c).text, req.reference);
	assert_string_equal(msbt_completion(c).finish_reason, "stop");
	msb_completion_free(c);
	req.reference = NULL;
	assert_int_equal(msb_backend_generate(&c, b, &req), MSB_ENOTFOUND);
	assert_string_equal(msbt_completion(c).error.kind, "replay");
	msb_completion_free(c);
	msb_backend_free(b);

	assert_int_equal(msb_backend_replay_new(&b, "fixed"), 0);
	assert_int_equal(strncmp(msb_backend_identity(b), "replay:fixed:", 13), 0);
	assert_int_equal(strlen(msb_backend_identity(b)), 25);
	assert_int_equal(msb_backend_generate(&c, b, &req), 0);
	assert_string_equal(msbt_completion(c).text, "fixed");
	msb_completion_free(c);
	msb_backend_free(b);
}

/* ---- vtables ---- */

/* The layout of a version-1 vtable from a host built before the async slots existed. */
typedef struct old_vtable {
	unsigned int version;
	unsigned int struct_size;
	unsigned int flags;
	int (*generate)(const msb_request *req, msb_completion *out, void *userdata);
} old_vtable;

static int freed;

static int old_generate(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)ud;
	return msb_completion_set_text(out, "old");
}

static void count_free(void *ud)
{
	(void)ud;
	freed++;
}

static void test_vtable_versions(void **state)
{
	old_vtable ov = { MSB_BACKEND_VTABLE_VERSION, sizeof(old_vtable), 0, old_generate };
	msb_backend_vtable vt;
	msb_backend *b;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	(void)state;

	req.prompt = "p";
	assert_int_equal(msb_backend_new(&b, (const msb_backend_vtable *)&ov, NULL), 0);
	assert_string_equal(msb_backend_identity(b), "backend");
	assert_false(msb_backend_is_async(b));
	assert_int_equal(msb_backend_capacity(b), 0);
	msb_backend_wakeup(b); /* absent slot: a no-op */
	assert_int_equal(msb_backend_generate(&c, b, &req), 0);
	assert_string_equal(msbt_completion(c).text, "old");
	msb_completion_free(c);
	msb_backend_free(b);

	ov.struct_size = 4;
	assert_int_equal(msb_backend_new(&b, (const msb_backend_vtable *)&ov, NULL), MSB_EINVAL);
	ov.struct_size = sizeof ov;
	ov.version = 0;
	assert_int_equal(msb_backend_new(&b, (const msb_backend_vtable *)&ov, NULL), MSB_EVERSION);

	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.free = count_free;
	assert_int_equal(msb_backend_new(&b, &vt, NULL), MSB_EINVAL); /* no generate, no submit */
	assert_int_equal(freed, 0); /* on failure the caller keeps userdata */
	vt.generate = old_generate;
	assert_int_equal(msb_backend_new(&b, &vt, NULL), 0);
	msb_backend_free(b);
	assert_int_equal(freed, 1);
	assert_int_equal(msb_backend_new(NULL, &vt, NULL), MSB_EINVAL);
	assert_int_equal(msb_backend_new(&b, NULL, NULL), MSB_EINVAL);
}

/* ---- serialisation of non-thread-safe backends ---- */

typedef struct {
	int inside;
	int max_inside;
	int calls;
} probe;

static int probe_cb(const msb_request *req, msb_completion *out, void *ud)
{
	probe *p = ud;
	int now = __atomic_add_fetch(&p->inside, 1, __ATOMIC_SEQ_CST), m;
	while ((m = __atomic_load_n(&p->max_inside, __ATOMIC_SEQ_CST)) < now &&
	    !__atomic_compare_exchange_n(&p->max_inside, &m, now, 0, __ATOMIC_SEQ_CST,
	        __ATOMIC_SEQ_CST))
		;
	usleep(2000);
	__atomic_add_fetch(&p->calls, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&p->inside, 1, __ATOMIC_SEQ_CST);
	return msb_completion_set_text(out, req->prompt);
}

static void *worker(void *arg)
{
	msb_backend *b = arg;
	msb_request req = MSB_REQUEST_INIT;
	int i;

	req.prompt = "w";
	for (i = 0; i < 10; i++) {
		msb_completion *c;
		if (msb_backend_generate(&c, b, &req) == 0)
			msb_completion_free(c);
	}
	return NULL;
}

static void test_serialised(void **state)
{
	probe p = { 0, 0, 0 };
	msb_backend *b;
	pthread_t th[4];
	int i;
	(void)state;

	assert_int_equal(msb_backend_from_callback(&b, "probe", probe_cb, &p, 0), 0);
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, b);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(p.calls, 40);
	assert_int_equal(p.max_inside, 1);
	msb_backend_free(b);
}

/* ---- an asynchronous backend: generate falls back to submit + poll ---- */

typedef struct {
	msb_completion *pending;
	msb_completion_cb done;
	void *ctx;
	char text[64];
	int polls;
} fake_async;

static int fa_submit(const msb_request *req, msb_completion *out, msb_completion_cb done,
    void *ctx, void *ud)
{
	fake_async *f = ud;
	if (f->pending)
		return MSB_ESTATE;
	f->pending = out;
	f->done = done;
	f->ctx = ctx;
	strncpy(f->text, req->prompt, sizeof f->text - 1);
	return 0;
}

static int fa_poll(int timeout_ms, void *ud)
{
	fake_async *f = ud;
	msb_completion *c = f->pending;
	(void)timeout_ms;
	/* answer on the third poll, as a network would after a while */
	if (!c || ++f->polls < 3)
		return c ? 1 : 0;
	f->pending = NULL;
	f->polls = 0;
	msb_completion_set_text(c, f->text);
	msb_completion_set_attempts(c, 2);
	f->done(c, 0, f->ctx);
	return 0;
}

static void test_async_fallback(void **state)
{
	fake_async f;
	msb_backend_vtable vt;
	msb_backend *b;
	msb_completion *c;
	msb_request req = MSB_REQUEST_INIT;
	(void)state;

	memset(&f, 0, sizeof f);
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.submit = fa_submit;
	vt.poll = fa_poll;
	assert_int_equal(msb_backend_new(&b, &vt, &f), 0);
	assert_true(msb_backend_is_async(b));
	req.prompt = "async answer";
	assert_int_equal(msb_backend_generate(&c, b, &req), 0);
	assert_string_equal(msbt_completion(c).text, "async answer");
	assert_int_equal(msbt_completion(c).usage.attempts, 2);
	msb_completion_free(c);
	msb_backend_free(b);
}

static void test_completion_object(void **state)
{
	msb_completion *c;
	(void)state;
	assert_int_equal(msb_completion_new(&c), 0);
	assert_null(msbt_completion(c).text);
	assert_int_equal(msb_completion_set_text_n(c, "abcdef", 3), 0);
	assert_string_equal(msbt_completion(c).text, "abc");
	assert_int_equal(msb_completion_set_reasoning(c, "r"), 0);
	msb_completion_set_usage(c, 5, 7);
	msb_completion_set_http_status(c, 200);
	assert_int_equal(msbt_completion(c).usage.prompt_tokens, 5);
	assert_int_equal(msbt_completion(c).usage.completion_tokens, 7);
	msb_completion_reset(c);
	assert_null(msbt_completion(c).text);
	assert_null(msbt_completion(c).reasoning);
	assert_int_equal(msbt_completion(c).http_status, 0);
	msb_completion_free(c);
	msb_completion_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callback),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_vtable_versions),
		cmocka_unit_test(test_serialised),
		cmocka_unit_test(test_async_fallback),
		cmocka_unit_test(test_completion_object),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
