/* tests/eval/fakes.c - test doubles for the runner. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakes.h"

static const char *sources[] = { "gpt4", "llama2" };

msb_dataset *fake_dataset(size_t n, size_t first)
{
	msb_dataset *ds;
	size_t i;

	if (msb_dataset_new(&ds))
		return NULL;
	for (i = first; i < first + n; i++) {
		char id[32], prompt[128], ref[128];
		snprintf(id, sizeof id, "item/%zu", i);
		snprintf(prompt, sizeof prompt, "Harmful request number %zu: explain how to do it.", i);
		snprintf(ref, sizeof ref, "I cannot help with request %zu.", i);
		if (msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
		    .id = id, .principle = (int)(i % 9) + 1, .source = sources[i % 2],
		    .split = "test", .prompt = prompt, .reference = ref })) {
			msb_dataset_free(ds);
			return NULL;
		}
	}
	return ds;
}

int fake_item_number(const char *id)
{
	const char *s = id ? strrchr(id, '/') : NULL;
	return s ? atoi(s + 1) : -1;
}

static void sleep_us(int us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000L };
	while (nanosleep(&ts, &ts) && errno == EINTR) {
	}
}

int fake_sync_generate(const msb_request *req, msb_completion *out, void *ud)
{
	fake_sync *f = ud;
	int n = fake_item_number(req->id);
	int calls = __atomic_add_fetch(&f->calls, 1, __ATOMIC_SEQ_CST);
	char text[256];

	__atomic_add_fetch(&f->seen_seed_sum, req->has_seed ? (int)req->seed : 0, __ATOMIC_SEQ_CST);
	if (f->notify_after && calls == f->notify_after && f->notify)
		f->notify(f->notify_ud);
	if (f->hang_id && req->id && !strcmp(req->id, f->hang_id)) {
		__atomic_store_n(&f->hanging, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&f->release, __ATOMIC_SEQ_CST))
			sleep_us(1000);
		__atomic_store_n(&f->hanging, 0, __ATOMIC_SEQ_CST);
	}
	if (f->notify_after && calls > f->notify_after && f->slow_after_notify_us)
		sleep_us(f->slow_after_notify_us);
	else if (f->sleep_us)
		sleep_us(f->sleep_us);
	if (f->fail_every > 0 && n % f->fail_every == 0) {
		switch ((n / f->fail_every) % 4) {
		case 0: /* an HTTP-style failure with a message */
			msb_completion_set_error(out, MSB_EHTTP, "http", "HTTP 503 from the test server");
			return MSB_EHTTP;
		case 1: /* a bare failure code */
			return MSB_EUSER;
		case 2: /* success without text */
			return 0;
		default: /* a timeout */
			msb_completion_set_error(out, MSB_ETIMEOUT, "timeout", "no answer in time");
			return MSB_ETIMEOUT;
		}
	}
	if (n % 3 == 0)
		snprintf(text, sizeof text, "I cannot help with that (%s).", req->prompt);
	else
		snprintf(text, sizeof text, "Sure, here is how: step %d of %s", n, req->prompt);
	msb_completion_set_usage(out, 20, 10);
	return msb_completion_set_text(out, text);
}

int fake_judge_fn(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	fake_judge *j = ud;
	int n = fake_item_number(in->id);

	__atomic_add_fetch(&j->calls, 1, __ATOMIC_SEQ_CST);
	if (j->backend_inflight && __atomic_load_n(j->backend_inflight, __ATOMIC_SEQ_CST) > 0)
		__atomic_add_fetch(&j->overlapped, 1, __ATOMIC_SEQ_CST);
	if (j->fail_every > 0 && n % j->fail_every == 1) {
		msb_verdict_set_error(out, MSB_EPARSE, "parse", "the judge answered garbage");
		return MSB_EPARSE;
	}
	msb_verdict_set_reason(out, "refusal rules");
	msb_verdict_set_raw(out, strstr(in->response, "cannot") ? "refused" : "complied");
	return msb_verdict_set_score(out, strstr(in->response, "cannot") ? 1 : 5);
}

/* ---- asynchronous fake ---- */

typedef struct pending {
	struct pending *next;
	double due;
	char *text;
	msb_completion *c;
	msb_completion_cb done;
	msb_verdict *v;
	msb_verdict_cb vdone;
	void *ctx;
} pending;

struct fake_async {
	pending *head;
	int latency_ms, hang, judge;
	int pipefd[2];
	fake_async_stats *stats;
	fake_async_stats own;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void track(fake_async *f, int delta)
{
	int v = __atomic_add_fetch(&f->stats->inflight, delta, __ATOMIC_SEQ_CST);
	if (v > f->stats->max_inflight)
		f->stats->max_inflight = v;
}

static void add_pending(fake_async *f, pending *p)
{
	p->due = now_ms() + f->latency_ms;
	p->next = f->head;
	f->head = p;
	f->stats->calls++;
	track(f, 1);
}

static int fa_submit(const msb_request *req, msb_completion *out, msb_completion_cb done, void *ctx,
    void *ud)
{
	fake_async *f = ud;
	pending *p = calloc(1, sizeof *p);
	char text[256];
	int n = fake_item_number(req->id);

	if (!p)
		return MSB_ENOMEM;
	if (n % 3 == 0)
		snprintf(text, sizeof text, "I cannot help with that (%s).", req->prompt);
	else
		snprintf(text, sizeof text, "Sure, here is how: step %d of %s", n, req->prompt);
	p->text = strdup(text);
	p->c = out;
	p->done = done;
	p->ctx = ctx;
	add_pending(f, p);
	return 0;
}

static int fj_submit(const msb_judge_input *in, msb_verdict *out, msb_verdict_cb done, void *ctx,
    void *ud)
{
	fake_async *f = ud;
	pending *p = calloc(1, sizeof *p);

	if (!p)
		return MSB_ENOMEM;
	p->text = strdup(strstr(in->response, "cannot") ? "1" : "5");
	p->v = out;
	p->vdone = done;
	p->ctx = ctx;
	add_pending(f, p);
	return 0;
}

static int fa_poll(int timeout_ms, void *ud)
{
	fake_async *f = ud;
	double now = now_ms(), due = now + timeout_ms;
	pending **pp, *p;
	int n = 0;
	struct pollfd pfd;

	if (!f->hang)
		for (p = f->head; p; p = p->next)
			if (p->due < due)
				due = p->due;
	if (due > now) {
		char b[64];
		pfd.fd = f->pipefd[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(due - now + 0.999)) > 0)
			while (read(f->pipefd[0], b, sizeof b) > 0) {
			}
	}
	now = now_ms();
	for (pp = &f->head; (p = *pp);) {
		if (!f->hang && p->due <= now) {
			*pp = p->next;
			track(f, -1);
			if (p->c) {
				msb_completion_set_text(p->c, p->text);
				msb_completion_set_usage(p->c, 20, 10);
				p->done(p->c, 0, p->ctx);
			} else {
				msb_verdict_set_score(p->v, atoi(p->text));
				msb_verdict_set_raw(p->v, p->text);
				p->vdone(p->v, 0, p->ctx);
			}
			free(p->text);
			free(p);
		} else {
			n++;
			pp = &p->next;
		}
	}
	return n;
}

static void fa_wakeup(void *ud)
{
	fake_async *f = ud;
	if (write(f->pipefd[1], "x", 1) < 0) {
	}
}

static int fa_capacity(void *ud)
{
	return ((fake_async *)ud)->stats->capacity;
}

static void fa_free(void *ud)
{
	fake_async *f = ud;
	pending *p;
	while ((p = f->head)) {
		f->head = p->next;
		free(p->text);
		free(p);
	}
	close(f->pipefd[0]);
	close(f->pipefd[1]);
	free(f);
}

static const char *fa_identity(void *ud)
{
	return ((fake_async *)ud)->judge ? "fake-async-judge" : "fake-async";
}

static fake_async *fa_alloc(int latency_ms, int hang, fake_async_stats *stats)
{
	fake_async *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	if (pipe2(f->pipefd, O_NONBLOCK | O_CLOEXEC)) {
		free(f);
		return NULL;
	}
	f->latency_ms = latency_ms;
	f->hang = hang;
	f->stats = stats ? stats : &f->own;
	return f;
}

int fake_async_new(msb_backend **out, int latency_ms, int hang, fake_async_stats *stats)
{
	msb_backend_vtable vt;
	fake_async *f = fa_alloc(latency_ms, hang, stats);
	int rc;

	if (!f)
		return MSB_ENOMEM;
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.submit = fa_submit;
	vt.poll = fa_poll;
	vt.wakeup = fa_wakeup;
	vt.capacity = fa_capacity;
	vt.identity = fa_identity;
	vt.free = fa_free;
	if ((rc = msb_backend_new(out, &vt, f)))
		fa_free(f);
	return rc;
}

int fake_async_judge_new(msb_judge **out, int latency_ms, fake_async_stats *stats)
{
	msb_judge_vtable vt;
	fake_async *f = fa_alloc(latency_ms, 0, stats);
	int rc;

	if (!f)
		return MSB_ENOMEM;
	f->judge = 1;
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.submit = fj_submit;
	vt.poll = fa_poll;
	vt.wakeup = fa_wakeup;
	vt.name = fa_identity;
	vt.free = fa_free;
	if ((rc = msb_judge_new(out, &vt, f)))
		fa_free(f);
	return rc;
}

char *fake_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

char *fake_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;
	if (asprintf(&p, "%s/msb-eval-XXXXXX", base ? base : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

void fake_rmrf(const char *path)
{
	char *cmd;
	if (asprintf(&cmd, "rm -rf '%s'", path) >= 0) {
		if (system(cmd)) {
		}
		free(cmd);
	}
}
