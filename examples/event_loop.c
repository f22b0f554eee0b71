/*
 * event_loop.c - drive the HTTP backend from your own event loop (plain
 * poll(2) here; libuv, asyncio or epoll work the same way), with an LLM
 * judge over the very same backend object: one server, one connection pool.
 *
 *   export OPENAI_BASE_URL=http://localhost:8000/v1
 *   ./event_loop MODEL
 *
 * The loop: wait until msb_backend_fd is readable or msb_backend_timeout
 * ms have passed, then msb_backend_poll(b, 0), which calls the `done`
 * callbacks of finished requests. An answer goes to the judge from its
 * callback, while other answers are still on their way (pipelining).
 * See docs/threading.md ("Driving a backend from your own loop").
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <medsafety/medsafety.h>
#include <medsafety/sys/backend.h>
#include <medsafety/sys/judge.h>

#define IN_FLIGHT 8

typedef struct item_state {
	struct loop *loop;
	msb_item_info item; /* its strings are the dataset's */
	msb_completion *answer;
	msb_verdict *verdict;
} item_state;

typedef struct loop {
	msb_backend *backend;
	msb_judge *judge;
	item_state *items;
	size_t n, next, answered, judged, failed, in_flight;
} loop;

static void on_verdict(msb_verdict *v, int status, void *ctx)
{
	item_state *it = ctx;

	it->loop->judged++;
	if (status < 0)
		it->loop->failed++;
	(void)v;
}

/* An answer arrived: hand it to the judge at once. */
static void on_answer(msb_completion *c, int status, void *ctx)
{
	item_state *it = ctx;
	loop *l = it->loop;
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	msb_completion_info answer = MSB_COMPLETION_INFO_INIT;

	l->in_flight--;
	l->answered++;
	msb_completion_info_get(&answer, c);
	if (status < 0) {
		fprintf(stderr, "event_loop: %s: %s\n", it->item.id, answer.error.message);
		l->failed++;
		l->judged++; /* nothing to judge */
		return;
	}
	in.id = it->item.id;
	in.prompt = it->item.prompt;
	in.response = answer.text;
	in.principle = it->item.principle;
	if (msb_verdict_new(&it->verdict) < 0 ||
	    msb_judge_submit(it->verdict, l->judge, &in, on_verdict, it) < 0) {
		l->failed++;
		l->judged++;
	}
}

/* Keep IN_FLIGHT model requests going. */
static int refill(loop *l)
{
	while (l->in_flight < IN_FLIGHT && l->next < l->n) {
		item_state *it = &l->items[l->next++];
		msb_request req = MSB_REQUEST_INIT;
		int rc;
		req.id = it->item.id;
		req.prompt = it->item.prompt;
		if ((rc = msb_completion_new(&it->answer)) < 0 ||
		    (rc = msb_backend_submit(it->answer, l->backend, &req, on_answer, it)) < 0)
			return rc;
		l->in_flight++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	msb_openai_options o = MSB_OPENAI_OPTIONS_INIT;
	msb_dataset *ds = NULL;
	loop l;
	size_t i;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: event_loop MODEL\n");
		return 2;
	}
	memset(&l, 0, sizeof l);
	o.base_url = getenv("OPENAI_BASE_URL");
	o.model = argv[1];
	if ((rc = msb_init()) < 0 || (rc = msb_dataset_load_sample(&ds)) < 0 ||
	    (rc = msb_backend_openai_new(&l.backend, &o)) < 0 ||
	    (rc = msb_judge_llm_new(&l.judge, l.backend, NULL)) < 0)
		goto done;
	/* model and judge requests share the backend's window */
	msb_backend_set_concurrency(l.backend, 2 * IN_FLIGHT);
	l.n = msb_dataset_count(ds);
	if (!(l.items = calloc(l.n, sizeof *l.items))) {
		rc = MSB_ENOMEM;
		goto done;
	}
	for (i = 0; i < l.n; i++) {
		l.items[i].loop = &l;
		l.items[i].item.version = MSB_ITEM_INFO_VERSION;
		if ((rc = msb_item_info_get(&l.items[i].item, msb_dataset_item(ds, i))) < 0)
			goto done;
	}

	while (l.judged < l.n) {
		struct pollfd p = { msb_backend_fd(l.backend), POLLIN, 0 };
		if ((rc = refill(&l)) < 0)
			goto done;
		/* your loop would watch its own fds here too */
		if (poll(&p, 1, msb_backend_timeout(l.backend)) < 0)
			continue; /* EINTR */
		if ((rc = msb_backend_poll(l.backend, 0)) < 0)
			goto done;
	}
	rc = 0;
	printf("%zu answers, %zu verdicts, %zu failed\n", l.answered, l.judged, l.failed);
	for (i = 0; i < l.n && i < 3; i++) {
		msb_verdict_info v = MSB_VERDICT_INFO_INIT;
		printf("%s: score %d\n", l.items[i].item.id,
		    msb_verdict_info_get(&v, l.items[i].verdict) == 0 ? v.score : 0);
	}

done:
	if (rc < 0)
		fprintf(stderr, "event_loop: %s\n", msb_error_last()->message);
	for (i = 0; l.items && i < l.n; i++) {
		msb_completion_free(l.items[i].answer);
		msb_verdict_free(l.items[i].verdict);
	}
	free(l.items);
	msb_judge_free(l.judge);
	msb_backend_free(l.backend);
	msb_dataset_free(ds);
	msb_shutdown();
	return rc < 0 || l.failed ? 1 : 0;
}
