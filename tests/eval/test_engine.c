/*
 * tests/eval/test_engine.c - the request engine (issue #12) through the
 * public API, against msb_test_server (argv[1]): one backend object as
 * model and judge, a host driving a backend with msb_backend_fd /
 * msb_backend_timeout, the window following the run's concurrency, and
 * failing fast on a dead endpoint (but not on failures after a success).
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include <medsafety/openai.h>

#include "helpers.h"
#include "../backend/test_server.h"
#include "../common/info.h"

static const char *server_path;

static msb_backend *openai(const char *url, int max_in_flight, int retries)
{
	msb_openai_options o;
	msb_backend *b = NULL;

	msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION);
	o.base_url = url;
	o.model = "m";
	o.api_key_env = "MSB_TEST_NO_SUCH_KEY";
	o.max_in_flight = max_in_flight;
	o.max_retries = retries;
	o.backoff_base_ms = 50;
	assert_int_equal(msb_backend_openai_new(&b, &o), 0);
	return b;
}

static long long stat_of(const test_server *s, const char *key)
{
	char *text = test_server_stats(s);
	json_t *o = text ? json_loads(text, 0, NULL) : NULL;
	long long v = o ? (long long)json_integer_value(json_object_get(o, key)) : -1;

	json_decref(o);
	free(text);
	return v;
}

/* One backend object is the model and, through an LLM judge, the judge: one connection pool. */
static void test_one_backend_model_and_judge(void **state)
{
	const char *args[] = { "--latency-ms", "20", NULL };
	test_server s;
	msb_dataset *ds = fake_dataset(40, 0);
	msb_backend *b;
	msb_judge *j;
	msb_eval *ev;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	journal_view jv;
	int mi = -1, ji = -1;
	(void)state;

	assert_int_equal(test_server_start(&s, server_path, args), 0);
	b = openai(s.url, 0, 2);
	assert_true(msb_backend_fd(b) >= 0);
	assert_int_equal(msb_judge_llm_new(&j, b, NULL), 0);
	assert_true(msb_judge_fd(j) == msb_backend_fd(b));
	o.concurrency = 4;
	o.judge_concurrency = 3;
	assert_int_equal(msb_eval_new(&ev, ds, b, j, &o), 0);
	assert_int_equal(msb_eval_in_flight(&mi, &ji, ev), 0);
	assert_int_equal(mi, 4);
	assert_int_equal(ji, 3);
	assert_int_equal(msb_eval_run(ev), 0);
	assert_int_equal(msb_eval_get_stats(&st, ev), 0);
	msb_eval_free(ev);
	assert_int_equal(st.done, 40);
	assert_int_equal(st.model_requests, 40);
	assert_int_equal(st.judge_requests, 40);
	journal_read(&jv, dir, 40);
	assert_int_equal(jv.lines, 40);
	assert_int_equal(jv.errors, 0); /* the echo has no "#score:": no score, but no error */
	journal_free(&jv);
	/* the one server saw every model and every judge request */
	assert_int_equal(stat_of(&s, "completions"), 80);

	/* an explicit lower max_in_flight limits model and judge together */
	fake_rmrf(dir);
	msb_judge_free(j);
	msb_backend_free(b);
	b = openai(s.url, 3, 2);
	assert_int_equal(msb_judge_llm_new(&j, b, NULL), 0);
	assert_int_equal(msb_eval_new(&ev, ds, b, j, &o), 0);
	assert_int_equal(msb_eval_in_flight(&mi, &ji, ev), 0);
	assert_int_equal(mi, 3);
	assert_int_equal(ji, 3);
	assert_int_equal(msb_eval_run(ev), 0);
	msb_eval_free(ev);
	assert_exactly_once(dir, 40);

	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	test_server_stop(&s);
	fake_rmrf(dir);
	free(dir);
}

typedef struct {
	int done, failed;
} host_count;

static void host_done(msb_completion *c, int status, void *ctx)
{
	host_count *n = ctx;
	n->done++;
	if (status || !msbt_completion(c).text || strncmp(msbt_completion(c).text, "echo:", 5))
		n->failed++;
}

/* A host's own loop: poll(2) on msb_backend_fd with msb_backend_timeout, then poll(0). */
static void test_host_driven_loop(void **state)
{
	const char *args[] = { "--latency-ms", "30", NULL };
	enum { N = 100 };
	test_server s;
	msb_backend *b;
	msb_completion *c[N];
	host_count n = { 0, 0 };
	int i, rounds = 0;
	(void)state;

	assert_int_equal(test_server_start(&s, server_path, args), 0);
	b = openai(s.url, 0, 2);
	assert_int_equal(msb_backend_set_concurrency(b, N), N); /* no cap at 64 */
	for (i = 0; i < N; i++) {
		msb_request r = MSB_REQUEST_INIT;
		char prompt[64];
		snprintf(prompt, sizeof prompt, "request %d", i);
		r.prompt = prompt;
		assert_int_equal(msb_completion_new(&c[i]), 0);
		assert_int_equal(msb_backend_submit(c[i], b, &r, host_done, &n), 0);
	}
	assert_int_equal(msb_backend_timeout(b), 0); /* submitted, not started: poll now */
	while (n.done < N) {
		struct pollfd p = { msb_backend_fd(b), POLLIN, 0 };
		assert_true(poll(&p, 1, msb_backend_timeout(b)) >= 0);
		assert_true(msb_backend_poll(b, 0) >= 0);
		assert_true(++rounds < 100000);
	}
	assert_int_equal(n.failed, 0);
	/* the window followed the host: all N were in flight at once (one connection each) */
	assert_true(stat_of(&s, "max_open_connections") >= N); /* (+1: this GET /_stats) */
	for (i = 0; i < N; i++)
		msb_completion_free(c[i]);

	/* cancel: queued and in-flight requests end with MSB_ECANCELED from the next poll */
	n.done = n.failed = 0;
	for (i = 0; i < 4; i++) {
		msb_request r = MSB_REQUEST_INIT;
		r.prompt = "[[latency:5000]] slow";
		assert_int_equal(msb_completion_new(&c[i]), 0);
		assert_int_equal(msb_backend_submit(c[i], b, &r, host_done, &n), 0);
	}
	assert_true(msb_backend_poll(b, 50) > 0);
	msb_backend_cancel(b);
	assert_int_equal(msb_backend_poll(b, 0), 0);
	assert_int_equal(n.done, 4);
	assert_int_equal(n.failed, 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(msbt_completion(c[i]).error.code, MSB_ECANCELED);
		msb_completion_free(c[i]);
	}
	msb_backend_free(b);
	test_server_stop(&s);
}

/*
 * Timeouts measure the request, not the host: an answer that arrived while
 * the host was busy elsewhere (not polling) past the request's timeout is
 * read, not failed with "Timeout was reached".
 */
static void test_busy_host_reads_arrived_answer(void **state)
{
	const char *args[] = { "--latency-ms", "100", NULL };
	test_server s;
	msb_openai_options o;
	msb_backend *b = NULL;
	msb_completion *c;
	msb_request r = MSB_REQUEST_INIT;
	host_count n = { 0, 0 };
	struct timespec busy = { 0, 600 * 1000000L };
	int i;
	(void)state;

	assert_int_equal(test_server_start(&s, server_path, args), 0);
	msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION);
	o.base_url = s.url;
	o.model = "m";
	o.api_key_env = "MSB_TEST_NO_SUCH_KEY";
	o.timeout_ms = 400;
	o.max_retries = -1;
	assert_int_equal(msb_backend_openai_new(&b, &o), 0);
	r.prompt = "busy host";
	assert_int_equal(msb_completion_new(&c), 0);
	assert_int_equal(msb_backend_submit(c, b, &r, host_done, &n), 0);
	/* poll until the server has the request (it answers 100 ms later) */
	for (i = 0; i < 400 && stat_of(&s, "completions") < 1; i++)
		assert_true(msb_backend_poll(b, 5) >= 0);
	assert_int_equal(stat_of(&s, "completions"), 1);
	/* (n.done is 0 here unless this loaded machine took 100 ms to see the count) */
	nanosleep(&busy, NULL); /* busy elsewhere: past the 400 ms timeout */
	assert_true(msb_backend_poll(b, 0) >= 0);
	assert_int_equal(n.done, 1);
	assert_int_equal(msbt_completion(c).error.code, 0);
	assert_non_null(msbt_completion(c).text);
	msb_completion_free(c);
	msb_backend_free(b);
	test_server_stop(&s);
}

/* A refused port and a 404 on every request stop the run at once; a failure after a success does not. */
static void test_fail_fast(void **state)
{
	const char *args404[] = { "--fault", "404", "--fault-rate", "1", NULL };
	msb_dataset *ds = fake_dataset(64, 0);
	msb_backend *b;
	msb_eval *ev;
	char *dir = fake_tmpdir();
	msb_eval_options o = opts_for(dir);
	msb_eval_stats st = stats0();
	test_server s;
	journal_view jv;
	const char *msg;
	size_t i;
	(void)state;

	b = openai("http://127.0.0.1:1/v1", 0, 5);
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &o), 0);
	assert_int_equal(msb_eval_run(ev), MSB_EHTTP);
	msg = msb_error_last()->message;
	assert_non_null(strstr(msg, "model endpoint http://127.0.0.1:1/v1: Couldn't connect to server ("));
	assert_int_equal(msb_eval_get_stats(&st, ev), 0);
	assert_int_equal(st.done, 0); /* nothing journaled: the run resumes as it was */
	msb_eval_free(ev);
	msb_backend_free(b);

	assert_int_equal(test_server_start(&s, server_path, args404), 0);
	fake_rmrf(dir);
	b = openai(s.url, 0, 5);
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &o), 0);
	assert_int_equal(msb_eval_run(ev), MSB_EHTTP);
	assert_non_null(strstr(msb_error_last()->message, "model endpoint "));
	assert_non_null(strstr(msb_error_last()->message, ": HTTP 404"));
	assert_int_equal(msb_eval_get_stats(&st, ev), 0);
	assert_int_equal(st.done, 0); /* failures before any success are held back, then dropped */
	msb_eval_free(ev);
	msb_backend_free(b);
	test_server_stop(&s);

	/* failures that are not a dead endpoint (HTTP 500 on every request, no retries) are all
	 * journaled: past the first requests (more than 2N + 64 held) and at the end */
	{
		const char *args500[] = { "--fault", "500", "--fault-rate", "1", NULL };
		msb_dataset *big = fake_dataset(200, 0);
		assert_int_equal(test_server_start(&s, server_path, args500), 0);
		fake_rmrf(dir);
		b = openai(s.url, 0, -1);
		assert_int_equal(msb_eval_new(&ev, big, b, NULL, &o), 0);
		assert_int_equal(msb_eval_run(ev), 0);
		msb_eval_free(ev);
		journal_read(&jv, dir, 200);
		assert_int_equal(jv.lines, 200);
		assert_int_equal(jv.model_errors, 200);
		journal_free(&jv);
		msb_backend_free(b);
		test_server_stop(&s);
		msb_dataset_free(big);
	}

	/* after a success, the same failures are ordinary errors of their items */
	msb_dataset_free(ds);
	assert_int_equal(msb_dataset_new(&ds), 0);
	for (i = 0; i < 10; i++) {
		char id[16];
		snprintf(id, sizeof id, "item/%zu", i);
		assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){
		    .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = 1, .source = "gpt4",
		    .split = "test", .prompt = i ? "[[fault:404]] later" : "the first works" }), 0);
	}
	assert_int_equal(test_server_start(&s, server_path, NULL), 0);
	fake_rmrf(dir);
	b = openai(s.url, 0, 5);
	o.concurrency = 1;
	assert_int_equal(msb_eval_new(&ev, ds, b, NULL, &o), 0);
	assert_int_equal(msb_eval_run(ev), 0);
	msb_eval_free(ev);
	journal_read(&jv, dir, 10);
	assert_int_equal(jv.lines, 10);
	assert_int_equal(jv.model_errors, 9);
	journal_free(&jv);
	msb_backend_free(b);
	test_server_stop(&s);
	msb_dataset_free(ds);
	fake_rmrf(dir);
	free(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_backend_model_and_judge),
		cmocka_unit_test(test_host_driven_loop),
		cmocka_unit_test(test_busy_host_reads_arrived_answer),
		cmocka_unit_test(test_fail_fast),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-msb_test_server\n", argv[0]);
		return 2;
	}
	server_path = argv[1];
	return cmocka_run_group_tests(tests, eval_setup, eval_teardown);
}
