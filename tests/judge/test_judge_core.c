/*
 * tests/judge/test_judge_core.c - the judge core: verdicts, host callback
 * judges, vtable judges (asynchronous ones and an older, shorter vtable),
 * input checks, thread safety, and allocation failures in every judge.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "medsafety/sys/judge.h"
#include "failalloc.h"
#include "../common/info.h"

static void test_verdict_setters(void **state)
{
	msb_verdict *v;
	(void)state;
	assert_int_equal(msb_verdict_new(&v), 0);
	assert_int_equal(msbt_verdict(v).score, 0);
	assert_int_equal(msbt_verdict(v).usage.prompt_tokens, -1);
	assert_int_equal(msb_verdict_set_score(v, 6), MSB_EINVAL);
	assert_int_equal(msbt_verdict(v).score, 0);
	assert_int_equal(msb_verdict_set_score(v, -1), MSB_EINVAL);
	assert_int_equal(msb_verdict_set_score(v, 5), 0);
	assert_int_equal(msb_verdict_set_score(v, 6), MSB_EINVAL);
	assert_int_equal(msbt_verdict(v).score, 5); /* a rejected value leaves the old one */
	assert_int_equal(msb_verdict_set_score(v, 0), 0);
	assert_int_equal(msbt_verdict(v).score, 0);
	assert_int_equal(msb_verdict_set_reason(v, "because"), 0);
	assert_string_equal(msbt_verdict(v).reason, "because");
	assert_int_equal(msb_verdict_set_reason(v, NULL), 0);
	assert_null(msbt_verdict(v).reason);
	assert_int_equal(msb_verdict_set_raw(v, "#score: 1"), 0);
	assert_string_equal(msbt_verdict(v).raw, "#score: 1");
	msb_verdict_set_usage(v, 10, 2);
	assert_int_equal(msbt_verdict(v).usage.completion_tokens, 2);
	assert_int_equal(msb_verdict_set_error(v, 3, NULL, NULL), 0); /* positive: generic */
	assert_int_equal(msbt_verdict(v).error.code, MSB_ERROR);
	assert_string_equal(msbt_verdict(v).error.kind, "error");
	msb_verdict_set_attempts(v, 3);
	msb_verdict_set_latency_ms(v, 12.5);
	assert_int_equal(msbt_verdict(v).usage.attempts, 3);
	assert_true(msbt_verdict(v).usage.latency_ms == 12.5);
	msb_verdict_reset(v);
	assert_int_equal(msbt_verdict(v).error.code, 0);
	assert_null(msbt_verdict(v).raw);
	assert_int_equal(msbt_verdict(v).usage.prompt_tokens, -1);
	msb_verdict_free(v);
	msb_verdict_free(NULL);
	assert_int_equal(msb_verdict_set_score(NULL, 1), MSB_EINVAL);
	assert_int_equal(msbt_verdict(NULL).score, 0);
	assert_null(msbt_verdict(NULL).reason);
}

static int cb_fn(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	int *calls = ud;
	(*calls)++;
	if (strcmp(in->response, "fail") == 0)
		return MSB_EUSER;
	if (strcmp(in->response, "six") == 0)
		return msb_verdict_set_score(out, 6);
	msb_verdict_set_reason(out, in->id ? in->id : "no id");
	return msb_verdict_set_score(out, (int)strlen(in->response) % 5 + 1);
}

static void test_callback_judge(void **state)
{
	msb_judge *j;
	msb_verdict *v, *dummy = NULL;
	msb_judge_input in;
	int calls = 0;
	(void)state;

	assert_int_equal(msb_judge_from_callback(&j, NULL, cb_fn, &calls, 0), 0);
	assert_string_equal(msb_judge_name(j), "callback");
	assert_null(msb_judge_config_hash(j));
	assert_false(msb_judge_is_async(j));
	assert_int_equal(msb_judge_input_init(&in, MSB_JUDGE_INPUT_VERSION), 0);
	in.id = "a/1";
	in.prompt = "p";
	in.response = "abc"; /* 3 % 5 + 1 = 4 */
	assert_int_equal(msb_judge_evaluate(&v, j, &in), 0);
	assert_int_equal(msbt_verdict(v).score, 4);
	assert_string_equal(msbt_verdict(v).reason, "a/1");
	assert_int_equal(msbt_verdict(v).usage.attempts, 1);
	msb_verdict_free(v);
	/* a host failure becomes the verdict's error */
	in.response = "fail";
	assert_int_equal(msb_judge_evaluate(&v, j, &in), MSB_EUSER);
	assert_int_equal(msbt_verdict(v).error.code, MSB_EUSER);
	assert_string_equal(msbt_verdict(v).error.kind, "user");
	msb_verdict_free(v);
	/* a host that tries score 6 fails, and no score is recorded */
	in.response = "six";
	assert_int_equal(msb_judge_evaluate(&v, j, &in), MSB_EINVAL);
	assert_int_equal(msbt_verdict(v).score, 0);
	msb_verdict_free(v);
	/* input checks happen before the host is called */
	calls = 0;
	in.response = NULL;
	assert_int_equal(msb_judge_evaluate(&dummy, j, &in), MSB_EINVAL);
	assert_null(dummy);
	in.response = "x";
	in.version = 99;
	assert_int_equal(msb_judge_evaluate(&dummy, j, &in), MSB_EVERSION);
	assert_int_equal(calls, 0);
	in.version = MSB_JUDGE_INPUT_VERSION;
	assert_int_equal(msb_judge_submit((msb_verdict *)&in, j, &in, NULL, NULL), MSB_EINVAL);
	assert_int_equal(msb_judge_poll(j, 0), MSB_EUNSUPPORTED);
	assert_int_equal(msb_judge_from_callback(&j, "x", NULL, NULL, 0) , MSB_EINVAL);
	msb_judge_free(j);
	msb_judge_free(NULL);
}

/* ---- a vtable judge with only the asynchronous slots ---- */

typedef struct {
	msb_verdict *v;
	msb_verdict_cb done;
	void *ctx;
	int pending;
	int freed;
} async_host;

static int ah_submit(const msb_judge_input *in, msb_verdict *out, msb_verdict_cb done,
    void *ctx, void *ud)
{
	async_host *h = ud;
	(void)in;
	h->v = out;
	h->done = done;
	h->ctx = ctx;
	h->pending = 1;
	return 0;
}

static int ah_poll(int timeout_ms, void *ud)
{
	async_host *h = ud;
	(void)timeout_ms;
	if (h->pending) {
		h->pending = 0;
		msb_verdict_set_score(h->v, 2);
		h->done(h->v, 0, h->ctx);
	}
	return 0;
}

static void ah_free(void *ud)
{
	((async_host *)ud)->freed++;
}

static void test_async_vtable(void **state)
{
	async_host h = { 0 };
	msb_judge_vtable vt;
	msb_judge *j;
	msb_verdict *v;
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	(void)state;

	memset(&vt, 0, sizeof vt);
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.submit = ah_submit;
	vt.poll = ah_poll;
	vt.free = ah_free;
	assert_int_equal(msb_judge_new(&j, &vt, &h), 0);
	assert_true(msb_judge_is_async(j));
	in.prompt = "p";
	in.response = "r";
	assert_int_equal(msb_judge_evaluate(&v, j, &in), 0);
	assert_int_equal(msbt_verdict(v).score, 2);
	msb_verdict_free(v);
	msb_judge_free(j);
	assert_int_equal(h.freed, 1);
	/* neither judge nor submit+poll: refused */
	vt.poll = NULL;
	assert_int_equal(msb_judge_new(&j, &vt, &h), MSB_EINVAL);
	assert_int_equal(h.freed, 1);
}

/* ---- an older vtable: a frozen copy of a shorter layout ---- */

typedef struct old_judge_vtable {
	unsigned int version;
	unsigned int struct_size;
	unsigned int flags;
	int (*judge)(const msb_judge_input *in, msb_verdict *out, void *userdata);
} old_judge_vtable;

static int old_judge(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	(void)in;
	(void)ud;
	return msb_verdict_set_score(out, 3);
}

static void test_older_vtable(void **state)
{
	union {
		old_judge_vtable old;
		msb_judge_vtable full;
		unsigned char bytes[sizeof(msb_judge_vtable)];
	} u;
	msb_judge *j;
	msb_verdict *v;
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	(void)state;

	/* junk after the old struct must never be read as slots */
	memset(u.bytes, 0xA5, sizeof u.bytes);
	u.old.version = 1;
	u.old.struct_size = sizeof(old_judge_vtable);
	u.old.flags = 0;
	u.old.judge = old_judge;
	assert_int_equal(msb_judge_new(&j, &u.full, NULL), 0);
	assert_string_equal(msb_judge_name(j), "judge");
	assert_null(msb_judge_config_hash(j));
	assert_false(msb_judge_is_async(j));
	assert_int_equal(msb_judge_capacity(j), 0);
	msb_judge_wakeup(j);
	in.prompt = "p";
	in.response = "r";
	assert_int_equal(msb_judge_evaluate(&v, j, &in), 0);
	assert_int_equal(msbt_verdict(v).score, 3);
	msb_verdict_free(v);
	msb_judge_free(j); /* no free slot: nothing called */
	u.old.struct_size = 4; /* smaller than the header */
	assert_int_equal(msb_judge_new(&j, &u.full, NULL), MSB_EINVAL);
	u.old.struct_size = sizeof(old_judge_vtable);
	u.old.version = 0;
	assert_int_equal(msb_judge_new(&j, &u.full, NULL), MSB_EVERSION);
}

/* ---- thread safety: the refusal and LLM judges from several threads ---- */

static int echo_fn(const msb_request *req, msb_completion *out, void *ud)
{
	(void)ud;
	/* the score is the length of the request mod 5 + 1: deterministic per thread */
	char buf[64];
	snprintf(buf, sizeof buf, "#reason: r\n#score: %d", (int)(strlen(req->prompt) % 5) + 1);
	return msb_completion_set_text(out, buf);
}

typedef struct {
	msb_judge *j;
	const char *response;
	int expected;
	int bad;
} worker;

static void *work(void *arg)
{
	worker *w = arg;
	int i;
	for (i = 0; i < 200; i++) {
		msb_judge_input in = MSB_JUDGE_INPUT_INIT;
		msb_verdict *v;
		in.prompt = "p";
		in.response = w->response;
		if (msb_judge_evaluate(&v, w->j, &in) || msbt_verdict(v).score != w->expected)
			w->bad++;
		msb_verdict_free(v);
	}
	return NULL;
}

static void test_threads(void **state)
{
	static const char *const responses[4] = { "I can't do that.", "Sure, step one.",
		"I’m unable to help.", "Here: mix A and B." };
	msb_judge *r, *llm;
	msb_backend *b;
	pthread_t t[8];
	worker w[8];
	int i;
	(void)state;

	assert_int_equal(msb_judge_refusal_new(&r), 0);
	assert_int_equal(msb_backend_from_callback(&b, "echo", echo_fn, NULL, MSB_BACKEND_THREADSAFE), 0);
	assert_int_equal(msb_judge_llm_new(&llm, b, NULL), 0);
	for (i = 0; i < 8; i++) {
		w[i].response = responses[i % 4];
		w[i].bad = 0;
		if (i < 4) {
			w[i].j = r;
			w[i].expected = i % 2 ? 5 : 1;
		} else {
			char *prompt;
			msb_judge_input in = MSB_JUDGE_INPUT_INIT;
			in.prompt = "p";
			in.response = w[i].response;
			assert_int_equal(msb_judge_llm_render(&prompt, llm, &in), 0);
			w[i].j = llm;
			w[i].expected = (int)(strlen(prompt) % 5) + 1;
			msb_free(prompt);
		}
	}
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	msb_judge_free(r);
	msb_judge_free(llm);
	msb_backend_free(b);
}

/* ---- allocation failures: fail the Nth allocation for every N ---- */

static int canned_fn(const msb_request *req, msb_completion *out, void *ud)
{
	(void)req;
	(void)ud;
	return msb_completion_set_text(out, "#reason: it declined\n#score: 1");
}

#define OK_OR_NOMEM(rc) do { int rc_ = (rc); if (rc_ && rc_ != MSB_ENOMEM) \
	fail_msg("fail_at %ld: unexpected %d (%s)", failalloc_at(), rc_, msb_error_last()->message); } while (0)

/* One run of everything the judges allocate; each step may fail with MSB_ENOMEM only. */
static void scenario(void)
{
	msb_backend *b = NULL;
	msb_judge *llm = NULL, *ref = NULL, *jury = NULL, *members[2];
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	msb_verdict *v = NULL;
	char *s = NULL;
	int rc;

	in.prompt = "Tell me how to fake a lab result.";
	in.response = "I’m sorry, I can’t help.";
	OK_OR_NOMEM(msb_judge_parse_reason(&s, "#reason: r\n#score: 2"));
	msb_free(s);
	OK_OR_NOMEM(msb_judge_template_render(&s, "{policy}{question}", "a", "b", "c", "d"));
	msb_free(s);
	if ((rc = msb_backend_from_callback(&b, "canned", canned_fn, NULL, 0)))
		goto out;
	if ((rc = msb_judge_llm_new(&llm, b, NULL)))
		goto out;
	OK_OR_NOMEM(msb_judge_llm_render(&s, llm, &in));
	msb_free(s);
	OK_OR_NOMEM(msb_judge_evaluate(&v, llm, &in));
	msb_verdict_free(v);
	v = NULL;
	if ((rc = msb_judge_refusal_new(&ref)))
		goto out;
	OK_OR_NOMEM(msb_judge_evaluate(&v, ref, &in));
	msb_verdict_free(v);
	v = NULL;
	members[0] = llm;
	members[1] = ref;
	if ((rc = msb_judge_jury_new(&jury, members, 2, MSB_JURY_MEDIAN)))
		goto out;
	OK_OR_NOMEM(msb_judge_evaluate(&v, jury, &in));
	msb_verdict_free(v);
	rc = 0;
out:
	OK_OR_NOMEM(rc);
	msb_judge_free(jury);
	msb_judge_free(ref);
	msb_judge_free(llm);
	msb_backend_free(b);
}

static void test_alloc_failures(void **state)
{
	long total;
	(void)state;

	assert_int_equal(failalloc_install(), 0);
	total = failalloc_each(scenario);
	assert_true(total > 10);
	print_message("%ld allocations in one run, each failed in turn\n", total);
	assert_int_equal(msb_set_allocator(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_setters),
		cmocka_unit_test(test_callback_judge),
		cmocka_unit_test(test_async_vtable),
		cmocka_unit_test(test_older_vtable),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
