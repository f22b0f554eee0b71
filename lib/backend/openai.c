/*
 * lib/backend/openai.c - the OpenAI-compatible HTTP backend: asynchronous
 * on one libcurl multi handle (submit / poll / wakeup / capacity).
 *
 * Requests wait in a queue until the adaptive in-flight limit (AIMD), the
 * rate limits and their retry time let them start; retries are re-queued
 * with a due time, never slept on. Everything but `wakeup` and `submit`
 * runs on the thread that calls `poll`.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "medsafety/sys/backend.h"
#include "medsafety/version.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/curlsym.h"
#include "core/error.h"
#include "core/init.h"
#include "backend/completion.h"
#include "backend/openai.h"
#include "backend/openai_limits.h"
#include "backend/openai_outcome.h"

#include "backend/openai_backend.h"

/*
 * What msb_openai_options_init fills in, every default explicit (also the
 * tls_verify and http2 of versions 1 and 2, where 0 meant "off"); a
 * zeroed version-3 struct (MSB_OPENAI_OPTIONS_INIT) means the same.
 */
const msb_openai_options msb__openai_default_options = {
	.version = MSB_OPENAI_OPTIONS_VERSION,
	.endpoint = MSB_OPENAI_CHAT,
	.prompt_format = MSB_PROMPT_PLAIN,
	.connect_timeout_ms = 10000,
	.timeout_ms = 120000,
	.max_retries = 5,
	.backoff_base_ms = 500,
	.backoff_max_ms = 30000,
	.max_retry_after_ms = 120000,
	.tls_verify = 1,
	.max_response_bytes = 8u << 20,
	.http2 = 1,
};

int msb_openai_options_init(msb_openai_options *opts, unsigned int version)
{
	/* an older caller's struct is shorter: write only its fields */
	size_t size = version == 1 ? offsetof(msb_openai_options, ca_file) :
	    version == 2 ? offsetof(msb_openai_options, insecure_skip_verify) : sizeof *opts;

	return msb__options_init(opts, size, &msb__openai_default_options, version,
	    MSB_OPENAI_OPTIONS_VERSION, "msb_openai_options");
}

/* ---- helpers ---- */

static void queue_push(oa_req **head, oa_req **tail, oa_req *r)
{
	r->next = NULL;
	if (*tail)
		(*tail)->next = r;
	else
		*head = r;
	*tail = r;
}

static void req_free(oa_req *r)
{
	if (!r)
		return;
	msb__free(r->body);
	msb_buf_dispose(&r->resp);
	msb__free(r);
}

static unsigned int next_rand(oa *be)
{
	/* xorshift32: jitter only, no need for quality */
	unsigned int x = be->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	be->rng = x;
	return x;
}

/* Replace every occurrence of the key in msg, in case a server echoes it. */
static void redact(const oa *be, char *msg)
{
	size_t klen;
	char *at;

	if (!be->key || (klen = strlen(be->key)) < 4)
		return;
	while ((at = strstr(msg, be->key)) != NULL) {
		static const char mark[] = "[redacted]";
		size_t mlen = sizeof mark - 1, rest = strlen(at + klen);
		if (klen >= mlen) {
			memcpy(at, mark, mlen);
			memmove(at + mlen, at + klen, rest + 1);
		} else {
			memset(at, '*', klen);
		}
	}
}

void msb__oa_redact(const oa *be, char *msg)
{
	redact(be, msg);
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *ud)
{
	oa_req *r = ud;
	size_t n = size * nmemb;

	if (r->resp.len + n > r->be->o.max_response_bytes) {
		r->too_large = 1;
		return 0;
	}
	if (msb_buf_put(&r->resp, ptr, n)) {
		r->nomem = 1;
		return 0;
	}
	return n;
}

static CURL *easy_get(oa *be)
{
	CURL *e;
	int https = !strncmp(be->url, "https:", 6);

	if (be->n_pool > 0)
		return be->pool[--be->n_pool];
	if (!(e = msb__curl_easy_init()))
		return NULL;
	if (!be->url_tried) {
		/*
		 * The URL parsed once for all transfers (CURLOPT_CURLU), with the
		 * flags curl itself gives a CURLOPT_URL: otherwise curl parses the
		 * string again for every request (about 5,000 instructions). A URL
		 * that curl_url_set refuses stays a CURLOPT_URL, so that the error
		 * is curl's usual one.
		 */
		be->url_tried = 1;
		be->url_parsed = msb__curl_url();
		if (be->url_parsed && msb__curl_url_set(be->url_parsed, CURLUPART_URL, be->url,
		    CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
			msb__curl_url_cleanup(be->url_parsed);
			be->url_parsed = NULL;
		}
	}
	if (be->url_parsed)
		msb__curl_easy_setopt(e, CURLOPT_CURLU, be->url_parsed);
	else
		msb__curl_easy_setopt(e, CURLOPT_URL, be->url);
	msb__curl_easy_setopt(e, CURLOPT_HTTPHEADER, be->headers);
	msb__curl_easy_setopt(e, CURLOPT_POST, 1L);
	msb__curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	msb__curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	msb__curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, be->o.connect_timeout_ms);
	/*
	 * No CURLOPT_TIMEOUT_MS: curl checks it before reading a socket, so an
	 * answer that arrived while the host was busy would fail as a timeout.
	 * The backend times attempts itself, after reading (expire()).
	 */
	msb__curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 0L);
	msb__curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, be->o.tls_verify ? 1L : 0L);
	msb__curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, be->o.tls_verify ? 2L : 0L);
	if (be->ca_file)
		msb__curl_easy_setopt(e, CURLOPT_CAINFO, be->ca_file);
	if (be->ca_path)
		msb__curl_easy_setopt(e, CURLOPT_CAPATH, be->ca_path);
	msb__curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
	    be->o.http2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
	/* wait for a multiplexed HTTP/2 stream rather than opening more connections */
	if (be->o.http2 && https)
		msb__curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	msb__curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)be->o.max_response_bytes);
	msb__curl_easy_setopt(e, CURLOPT_USERAGENT, "libmedsafety/" MSB_VERSION);
	msb__curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	msb__curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	msb__curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, msb__oa_sock_close);
	msb__curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, be);
	return e;
}

static void easy_put(oa *be, CURL *e)
{
	msb__curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL); /* it pointed into the finished request */
	if (be->n_pool == be->cap_pool) {
		int cap = be->cap_pool ? be->cap_pool * 2 : 16;
		CURL **p = msb__reallocarray(be->pool, (size_t)cap, sizeof *p);
		if (!p) {
			msb__curl_easy_cleanup(e);
			return;
		}
		be->pool = p;
		be->cap_pool = cap;
	}
	be->pool[be->n_pool++] = e;
}

/* ---- starting ---- */

static int start(oa *be, oa_req *r, double now)
{
	CURLMcode mc;

	if (!r->easy && !(r->easy = easy_get(be)))
		return MSB_ENOMEM;
	msb_buf_clear(&r->resp);
	r->too_large = r->nomem = 0;
	msb__curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	msb__curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	r->errbuf[0] = '\0';
	msb__curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	msb__curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
	msb__curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	if ((mc = msb__curl_multi_add_handle(be->multi, r->easy)) != CURLM_OK)
		return msb__error_set(MSB_EHTTP, "curl_multi_add_handle: %s", msb__curl_multi_strerror(mc));
	r->attempts++;
	r->t_attempt = now;
	r->deadline = msb__oa_attempt_deadline(be, r, now);
	if (r->deadline > 0 && (be->next_expiry == 0.0 || r->deadline < be->next_expiry))
		be->next_expiry = r->deadline;
	if (r->attempts == 1) {
		r->t_first = now;
		be->n_started++;
	}
	be->n_active++;
	r->aprev = NULL;
	r->anext = be->active;
	if (be->active)
		be->active->aprev = r;
	be->active = r;
	return 0;
}

static void active_unlink(oa *be, oa_req *r)
{
	if (r->aprev)
		r->aprev->anext = r->anext;
	else
		be->active = r->anext;
	if (r->anext)
		r->anext->aprev = r->aprev;
	r->aprev = r->anext = NULL;
}

static void finish(oa *be, oa_req *r, int code, const char *kind, const char *msg, long status,
    double now);

/* Move submissions from other threads into the queue. */
static void take_incoming(oa *be)
{
	oa_req *head;

	if (!__atomic_load_n(&be->n_incoming, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&be->in_lock);
	head = be->in_head;
	be->in_head = be->in_tail = NULL;
	be->n_queued += be->n_incoming;
	__atomic_store_n(&be->n_incoming, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&be->in_lock);
	while (head) {
		oa_req *next = head->next;
		queue_push(&be->q_head, &be->q_tail, head);
		head = next;
	}
}

/*
 * Start queued requests that are due while the limits allow, in order.
 * Returns the time (ms) when the next waiting request could start, or 0
 * when nothing waits on time (only on capacity, or nothing at all).
 */
static double start_ready(oa *be, double now)
{
	oa_req **pp = &be->q_head, *prev = NULL;
	double next = 0;

	take_incoming(be);
	while (*pp && be->n_active < msb__aimd_limit(&be->aimd)) {
		oa_req *r = *pp;
		double wait;
		if (r->due_ms > now) {
			if (next == 0.0 || r->due_ms < next)
				next = r->due_ms;
			prev = r;
			pp = &r->next;
			continue;
		}
		wait = msb__bucket_wait_ms(&be->rpm, 1, now);
		if (wait <= 0)
			wait = msb__bucket_wait_ms(&be->tpm, r->est_tokens, now);
		if (wait > 0) {
			/* keep the order: nothing later may jump a rate-limited request */
			if (next == 0.0 || now + wait < next)
				next = now + wait;
			break;
		}
		*pp = r->next;
		if (be->q_tail == r)
			be->q_tail = prev;
		be->n_queued--;
		if (r->attempts)
			be->n_parked--;
		msb__bucket_take(&be->rpm, 1, now);
		msb__bucket_take(&be->tpm, r->est_tokens, now);
		if (start(be, r, now)) {
			const msb_error *e = msb_error_last();
			finish(be, r, e->code, "error", e->message, 0, now);
		}
	}
	return next;
}

/* ---- finishing ---- */

static void finish(oa *be, oa_req *r, int code, const char *kind, const char *msg, long status,
    double now)
{
	msb_completion *c = r->out;
	msb_completion_cb done = r->done;
	void *ctx = r->done_ctx;

	if (r->easy) {
		easy_put(be, r->easy);
		r->easy = NULL;
	}
	msb_completion_set_attempts(c, r->attempts);
	msb_completion_set_latency_ms(c, r->attempts ? now - r->t_first : 0);
	msb_completion_set_http_status(c, (int)status);
	if (code) {
		char buf[1024];
		snprintf(buf, sizeof buf, "%s", msg ? msg : msb_strerror(code));
		redact(be, buf);
		if (msb_completion_set_error(c, code, kind, buf))
			code = MSB_ENOMEM;
	}
	req_free(r);
	be->n_done++;
	done(c, code, ctx);
}

/*
 * The wait before a retry (openai_limits.c has the arithmetic): a fault
 * that is not overload (a 500, a garbled body, a cut straggler) is random
 * and retried after a short fixed wait, whatever the window; an overload
 * signal waits a little longer with every attempt; full exponential
 * backoff only for a server that is overloaded (the window was cut
 * lately: an overload signal now) or unreachable (an outage).
 */
static double backoff_ms(oa *be, const msb__oa_outcome *o, int attempts, double now)
{
	int how = MSB__RETRY_RANDOM;

	if (o->overload)
		how = msb__aimd_overloaded(&be->aimd, now, (double)be->o.backoff_max_ms) ?
		    MSB__RETRY_BACKOFF : MSB__RETRY_OVERLOAD;
	else if (!strcmp(o->kind, "connect"))
		how = MSB__RETRY_BACKOFF;
	return msb__retry_delay_ms(how, attempts, (double)be->o.backoff_base_ms,
	    (double)be->o.backoff_max_ms, (double)(next_rand(be) % 10001) / 10000.0);
}

/* The header's value, or NULL (borrowed from the handle until its next transfer). */
static const char *header(CURL *e, const char *name)
{
	struct curl_header *h;
	return msb__curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK ? h->value : NULL;
}

static void on_done(oa *be, CURL *e, CURLcode res, double now)
{
	oa_req *r = NULL;
	msb__oa_outcome o;
	double delay;

	msb__curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
	msb__curl_multi_remove_handle(be->multi, e);
	active_unlink(be, r);
	be->n_active--;
	if (res != CURLE_OK) {
		msb__oa_classify_transport(be, r, res, &o);
		msb__curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &o.status);
	} else {
		/* the classification lives in openai_outcome.c: a pure function of the reply */
		msb__oa_reply rep;
		char *ctype = NULL;
		memset(&rep, 0, sizeof rep);
		msb__curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &rep.status);
		msb__curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ctype);
		rep.body = r->resp.ptr;
		rep.len = r->resp.len;
		rep.content_type = ctype;
		rep.retry_after = header(e, "retry-after");
		rep.retry_after_ms = header(e, "retry-after-ms");
		rep.now_epoch_s = (double)time(NULL);
		rep.max_retry_after_ms = be->o.max_retry_after_ms;
		rep.endpoint = be->o.endpoint;
		rep.display_url = be->display_url;
		rep.missing_key_env = be->key ? NULL : be->key_env;
		rep.dialect = be->dialect;
		msb__oa_classify_reply(r->out, &rep, &o);
	}

	if (o.code == 0) {
		msb__aimd_success(&be->aimd);
		msb__oa_latency_seen(be, now - r->t_attempt);
		finish(be, r, 0, NULL, NULL, o.status, now);
		return;
	}
	/* only overload (429, 498, 503, 529, resets) shrinks the window, not every 500 */
	if (o.overload)
		msb__aimd_backoff(&be->aimd, r->t_attempt, now);
	if (!o.retry || r->attempts > be->o.max_retries) {
		if (o.retry && r->attempts > 1) {
			size_t n = strlen(o.msg);
			snprintf(o.msg + n, sizeof o.msg - n, " (gave up after %d attempts)", r->attempts);
		}
		finish(be, r, o.code, o.kind, o.msg, o.status, now);
		return;
	}
	msb_completion_reset(r->out);
	delay = o.wait_ms >= 0 ? o.wait_ms : backoff_ms(be, &o, r->attempts, now);
	r->due_ms = now + delay;
	queue_push(&be->q_head, &be->q_tail, r);
	be->n_queued++;
	be->n_parked++; /* not in flight while it waits: the host may send another (msb__backend_parked) */
}

/* ---- the event loop: curl's socket interface over our own epoll set ---- */

/*
 * Why not curl_multi_poll + curl_multi_perform: with hundreds of
 * transfers, every perform call visits every transfer (a poll(2) each),
 * so the cost per completed request grows with N. With socket_action,
 * curl is told exactly which socket is ready and only that transfer runs.
 */
int msb__oa_socket_cb(CURL *e, curl_socket_t s, int what, void *ud, void *sockp)
{
	(void)e;
	(void)sockp;
	msb__oa_sock_want(ud, s, what); /* openai_engine.c: no epoll_ctl for a reused connection */
	return 0;
}

int msb__oa_timer_cb(CURLM *m, long timeout_ms, void *ud)
{
	oa *be = ud;
	(void)m;
	be->timer_due = timeout_ms < 0 ? -1 : msb__now_ms() + (double)timeout_ms;
	return 0;
}

static void drain_messages(oa *be)
{
	CURLMsg *m;
	int left;

	while ((m = msb__curl_multi_info_read(be->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE) {
			msb__oa_observe(be, m->easy_handle, m->data.result);
			on_done(be, m->easy_handle, m->data.result, msb__now_ms());
		}
}

static void run_timer(oa *be, double now)
{
	int running;

	if (be->timer_due >= 0 && be->timer_due <= now) {
		be->timer_due = -1;
		msb__curl_multi_socket_action(be->multi, CURL_SOCKET_TIMEOUT, 0, &running);
		drain_messages(be);
	}
}

/* ---- vtable ---- */

/* The backend whose poll runs on this thread: its done callbacks may submit without a lock. */
static _Thread_local oa *polling;

/*
 * Attempts past their deadline (timeout_ms, or the sooner straggler
 * deadline of openai_engine.c) end as curl's own timeout would
 * (CURLE_OPERATION_TIMEDOUT through on_done: classified and retried the
 * same way), but only after every ready socket was read.
 */
static void expire(oa *be, double now)
{
	oa_req *r, *next;
	double soonest = 0;

	if (be->next_expiry == 0.0 || now < be->next_expiry)
		return;
	for (r = be->active; r; r = next) {
		double due = r->deadline;
		next = r->anext;
		if (due <= 0)
			continue;
		if (due <= now) {
			if (be->o.timeout_ms <= 0 || due < r->t_attempt + (double)be->o.timeout_ms)
				r->cuts++; /* a straggler cut, not the timeout: the next cut comes twice as late */
			on_done(be, r->easy, CURLE_OPERATION_TIMEDOUT, now);
		} else if (soonest == 0.0 || due < soonest) {
			soonest = due;
		}
	}
	be->next_expiry = soonest;
}

/* msb_backend_cancel: every request ends with MSB_ECANCELED (on the polling thread). */
static void cancel_all(oa *be, double now)
{
	oa_req *q;

	take_incoming(be);
	while (be->active) {
		oa_req *r = be->active;
		active_unlink(be, r);
		msb__curl_multi_remove_handle(be->multi, r->easy);
		be->n_active--;
		finish(be, r, MSB_ECANCELED, "cancelled", "cancelled before an answer arrived", 0, now);
	}
	q = be->q_head; /* a snapshot: done callbacks may queue new requests */
	be->q_head = be->q_tail = NULL;
	while (q) {
		oa_req *next = q->next;
		be->n_queued--;
		if (q->attempts)
			be->n_parked--;
		finish(be, q, MSB_ECANCELED, "cancelled", "cancelled before it was sent", 0, now);
		q = next;
	}
}

/* Hand the ready sockets to curl: epoll_wait for up to wait_ms. Returns the number of events. */
static int dispatch(oa *be, int wait_ms)
{
	struct epoll_event evs[64];
	int n, i, running;

	n = epoll_wait(be->epfd, evs, 64, wait_ms);
	for (i = 0; i < n; i++) {
		int fd = evs[i].data.fd, flags = 0;
		if (fd == be->evfd) {
			uint64_t v;
			if (read(be->evfd, &v, sizeof v) < 0) {
				/* already drained */
			}
			continue;
		}
		if (msb__oa_sock_idle_event(be, fd))
			continue; /* an idle connection's socket (closed by the server?): curl checks it on reuse */
		if (evs[i].events & EPOLLIN)
			flags |= CURL_CSELECT_IN;
		if (evs[i].events & EPOLLOUT)
			flags |= CURL_CSELECT_OUT;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			flags |= CURL_CSELECT_ERR;
		msb__curl_multi_socket_action(be->multi, fd, flags, &running);
	}
	drain_messages(be);
	return n;
}

/*
 * One turn: start what may start, run curl's timer, and read every
 * socket that is ready, waiting up to timeout_ms for something to
 * finish. poll(0) never waits but always reads what has arrived (a host
 * that waits on msb_backend_fd calls poll(0) when it is readable).
 */
int msb__oa_poll(int timeout_ms, void *ud)
{
	oa *be = ud;
	double now = msb__now_ms(), deadline = now + (timeout_ms > 0 ? timeout_ms : 0);
	int rounds = 0;

	__atomic_store_n(&be->in_poll, 1, __ATOMIC_RELEASE);
	polling = be;
	be->n_done = 0;
	for (;;) {
		double next, wait;
		int stop, n;

		if (__atomic_exchange_n(&be->cancel, 0, __ATOMIC_ACQ_REL))
			cancel_all(be, now);
		next = start_ready(be, now);
		stop = be->n_done || __atomic_exchange_n(&be->woken, 0, __ATOMIC_ACQ_REL) ||
		    (!be->n_active && !be->n_queued);
		now = msb__now_ms();
		wait = stop ? 0 : deadline - now;
		if (next != 0.0 && next - now < wait)
			wait = next - now;
		if (be->timer_due >= 0 && be->timer_due - now < wait)
			wait = be->timer_due - now;
		if (be->next_expiry != 0.0 && be->next_expiry - now < wait)
			wait = be->next_expiry - now;
		/*
		 * Sockets first, then curl's timer: a response that arrived while the
		 * host was busy is read before its transfer's timeout is checked.
		 */
		n = dispatch(be, wait <= 0 ? 0 : (int)(wait + 0.999));
		run_timer(be, msb__now_ms());
		now = msb__now_ms();
		expire(be, now);
		if (be->n_done)
			start_ready(be, now); /* answers free room: send the next requests now */
		/* a full batch of events may leave more ready: read them too, a few rounds at most */
		if ((stop || be->n_done || now >= deadline) && (n < 64 || ++rounds >= 8))
			break;
	}
	run_timer(be, now);
	be->next_due = start_ready(be, msb__now_ms());
	polling = NULL;
	__atomic_store_n(&be->in_poll, 0, __ATOMIC_RELEASE);
	return be->n_active + be->n_queued + __atomic_load_n(&be->n_incoming, __ATOMIC_ACQUIRE);
}

static void signal_loop(oa *be)
{
	uint64_t one = 1;
	if (write(be->evfd, &one, sizeof one) < 0) {
		/* the counter is full: the loop is being woken anyway */
	}
}

int msb__oa_submit(const msb_request *req, msb_completion *out, msb_completion_cb done,
    void *done_ctx, void *ud)
{
	oa *be = ud;
	oa_req *r;
	int rc, first;

	r = msb__calloc(1, sizeof *r);
	if (!r)
		return MSB_ENOMEM;
	r->be = be;
	r->out = out;
	r->done = done;
	r->done_ctx = done_ctx;
	rc = be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC ?
	    msb__anthropic_build_body(&r->body, &r->body_len, req, be->model, be->o.omit_temperature) :
	    msb__openai_build_body(&r->body, &r->body_len, req, be->model, be->o.endpoint,
	        be->o.prompt_format, be->o.use_max_completion_tokens, be->o.omit_temperature);
	if (rc) {
		msb__free(r);
		return rc;
	}
	r->est_tokens = (double)r->body_len / 4 + (req->max_tokens > 0 ? req->max_tokens : 512);
	msb_completion_reset(out);
	if (polling == be) {
		/* from a done callback: no lock, no wakeup needed */
		queue_push(&be->q_head, &be->q_tail, r);
		be->n_queued++;
		return 0;
	}
	pthread_mutex_lock(&be->in_lock);
	queue_push(&be->in_head, &be->in_tail, r);
	first = __atomic_add_fetch(&be->n_incoming, 1, __ATOMIC_ACQ_REL) == 1;
	pthread_mutex_unlock(&be->in_lock);
	/*
	 * The first submission since the queue was last taken makes the fd
	 * readable: a host waiting on msb_backend_fd in another thread, or a
	 * poll in progress, wakes up (later ones find it awake).
	 */
	if (first || __atomic_load_n(&be->in_poll, __ATOMIC_ACQUIRE))
		signal_loop(be);
	return 0;
}

void msb__oa_wakeup(void *ud)
{
	oa *be = ud;
	__atomic_store_n(&be->woken, 1, __ATOMIC_RELEASE);
	signal_loop(be);
}

int msb__oa_capacity(void *ud)
{
	return msb__aimd_limit(&((oa *)ud)->aimd);
}

const char *msb__oa_identity(void *ud)
{
	return ((oa *)ud)->identity;
}

static void free_list(oa *be, oa_req *r)
{
	while (r) {
		oa_req *next = r->next;
		if (r->easy) {
			msb__curl_multi_remove_handle(be->multi, r->easy);
			msb__curl_easy_cleanup(r->easy);
		}
		req_free(r);
		r = next;
	}
}

void msb__oa_free(void *ud)
{
	oa *be = ud;
	int i;

	if (!be)
		return;
	/* requests still in flight are abandoned without callbacks */
	while (be->active) {
		oa_req *r = be->active;
		active_unlink(be, r);
		msb__curl_multi_remove_handle(be->multi, r->easy);
		msb__curl_easy_cleanup(r->easy);
		r->easy = NULL;
		req_free(r);
	}
	free_list(be, be->q_head);
	free_list(be, be->in_head);
	for (i = 0; i < be->n_pool; i++)
		msb__curl_easy_cleanup(be->pool[i]);
	msb__free(be->pool);
	if (be->multi)
		msb__curl_multi_cleanup(be->multi);
	if (be->url_parsed) /* after every easy handle that points to it */
		msb__curl_url_cleanup(be->url_parsed);
	if (be->epfd >= 0)
		close(be->epfd);
	msb__free(be->sock);
	if (be->evfd >= 0)
		close(be->evfd);
	msb__curl_slist_free_all(be->headers);
	if (be->key) {
		explicit_bzero(be->key, strlen(be->key));
		msb__free(be->key);
	}
	pthread_mutex_destroy(&be->in_lock);
	msb__free(be->url);
	msb__free(be->display_url);
	msb__free(be->base_clean);
	msb__free(be->identity);
	msb__free(be->key_env);
	msb__free(be->ca_file);
	msb__free(be->ca_path);
	msb__free(be->model);
	msb__free(be);
}

