/*
 * lib/backend/openai_engine.c - the HTTP backend's side of the request
 * engine (issue #12): its pollable fd and next timeout for one poll set,
 * its window sized to the host's concurrency, cancel, and the fail-fast
 * watch of a dead endpoint, stragglers and parked retries. The event loop
 * itself is in openai.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/curlsym.h"
#include "backend/backend.h"
#include "backend/openai.h"
#include "backend/openai_backend.h"

/*
 * Stragglers. A request that hangs (the server took it and will never
 * answer) looks like a slow answer until the request timeout, and holds
 * one of the N slots all that time: under 20% random faults, the 2% of
 * hung requests held more slot-time than all the others together. An
 * attempt is therefore cut early, and tried again, once it has run
 * STRAGGLER_FACTOR times the 95th percentile of the last
 * MSB__OA_LAT_RING successful attempts (at least STRAGGLER_FLOOR_MS): far
 * beyond what this server does. Only when a retry is left: the last
 * attempt always gets the full timeout, so a cut never fails a request
 * that the timeout alone would have let through. As TCP's retransmission
 * timer, the cut doubles with every cut of the same request (the first
 * retry may run twice as long, the next four times, up to the timeout):
 * an answer that is just slow costs a few extra attempts at most, and a
 * request that hangs twice (2% of the cut ones) is not held for the
 * whole timeout. Until STRAGGLER_MIN_SEEN attempts succeeded there is no
 * cut (nothing known). Why 2.5 x p95 and 100 ms: under the 20% fault mix
 * against a 50 ms server, p95 is 53-63 ms, and about 2% of the successes
 * take two latencies (curl resends a request whose reused connection was
 * dropped: 100-115 ms); the cut (130-160 ms) stays above both, while a
 * hung request holds its slot for less than three answers' time instead
 * of five (4 x p95, at least 250 ms, before; 2 x p95 cut some of the
 * resent ones).
 */
#define STRAGGLER_FACTOR 2.5
#define STRAGGLER_FLOOR_MS 100.0
#define STRAGGLER_MIN_SEEN 32

double msb__oa_attempt_deadline(const oa *be, const oa_req *r, double now)
{
	double full = be->o.timeout_ms > 0 ? now + (double)be->o.timeout_ms : 0, cut;
	int i;

	if (r->attempts > be->o.max_retries || be->n_lat < STRAGGLER_MIN_SEEN)
		return full;
	cut = STRAGGLER_FACTOR * be->lat_p95;
	if (cut < STRAGGLER_FLOOR_MS)
		cut = STRAGGLER_FLOOR_MS;
	for (i = 0; i < r->cuts && (full == 0.0 || now + cut < full); i++)
		cut *= 2;
	return full == 0.0 || now + cut < full ? now + cut : full;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void msb__oa_latency_seen(oa *be, double ms)
{
	double v[MSB__OA_LAT_RING];
	int n;

	be->lat[be->i_lat] = ms;
	be->i_lat = (be->i_lat + 1) % MSB__OA_LAT_RING;
	if (be->n_lat < MSB__OA_LAT_RING)
		be->n_lat++;
	if (be->n_lat < STRAGGLER_MIN_SEEN || be->i_lat % 16)
		return; /* the percentile is refreshed every 16 successes: a sort of 128 values */
	n = be->n_lat;
	memcpy(v, be->lat, (size_t)n * sizeof *v);
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	be->lat_p95 = v[(n * 95) / 100];
}

/*
 * Parked retries: a request waiting for its retry time (backoff,
 * Retry-After) is not in flight; the runner does not count it against
 * its window (--concurrency), so that the wait of one unlucky request does
 * not idle a slot. The backend's own window (at most N on the wire) is
 * unchanged. Read on the thread that polls the backend.
 */
int msb__backend_parked(const msb_backend *b)
{
	if (!b || b->vt.poll != msb__oa_poll)
		return 0;
	return ((const oa *)b->userdata)->n_parked;
}

/* ---- fail fast: is the endpoint dead? ---- */

/* The failures that repeat for every request of a dead endpoint: 0 when res/status is not one. */
static int dead_signature(CURLcode res, long status)
{
	switch (res) {
	case CURLE_OK:
		return status == 401 || status == 403 || status == 404 ? 1000 + (int)status : 0;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PEER_FAILED_VERIFICATION: /* not CURLE_SSL_CONNECT_ERROR: a handshake may fail by chance */
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return (int)res;
	default:
		return 0;
	}
}

/*
 * Watch the outcome of one attempt (before the classifier sees it): the
 * first attempt of every request so far failing the same dead way, and
 * no attempt ever reaching a working endpoint, is a dead endpoint.
 */
void msb__oa_observe(oa *be, CURL *e, CURLcode res)
{
	oa_req *r = NULL;
	long status = 0;
	int sig;

	if (be->n_ok)
		return;
	msb__curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
	msb__curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	sig = dead_signature(res, status);
	if (!sig) {
		be->n_ok++;
		return;
	}
	if (!r || r->attempts != 1)
		return;
	if (be->n_first_failed && sig != be->dead_sig) {
		be->n_ok++; /* mixed failures: not one dead endpoint */
		return;
	}
	if (!be->n_first_failed) {
		char detail[400];
		be->dead_sig = sig;
		if (res != CURLE_OK) {
			snprintf(detail, sizeof detail, "%s", r->errbuf[0] && sig != CURLE_COULDNT_CONNECT ?
			    r->errbuf : msb__curl_easy_strerror(res));
		} else {
			char smsg[300];
			msb__openai_error_message(r->resp.ptr, r->resp.len, smsg, sizeof smsg);
			snprintf(detail, sizeof detail, "HTTP %ld%s%s", status, smsg[0] ? ": " : "", smsg);
		}
		snprintf(be->dead_msg, sizeof be->dead_msg, "%s: %s", be->base_clean, detail);
		msb__oa_redact(be, be->dead_msg);
	}
	be->n_first_failed++;
}

int msb__oa_dead(char *msg, size_t size, void *ud)
{
	oa *be = ud;

	if (be->n_ok || !be->n_first_failed || be->n_first_failed < be->n_started)
		return 0;
	snprintf(msg, size, "%s (%d of %d requests)", be->dead_msg, be->n_first_failed, be->n_started);
	return 1;
}

int msb__oa_fd(void *ud)
{
	return ((oa *)ud)->epfd;
}

int msb__oa_timeout(void *ud)
{
	oa *be = ud;
	double now = msb__now_ms(), t = -1;

	if (__atomic_load_n(&be->n_incoming, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&be->cancel, __ATOMIC_ACQUIRE))
		return 0;
	if (be->timer_due >= 0)
		t = be->timer_due - now;
	if (be->next_expiry != 0.0 && (t < 0 || be->next_expiry - now < t))
		t = be->next_expiry - now;
	if (be->q_head && be->n_active < msb__aimd_limit(&be->aimd)) {
		/* waiting on time (backoff, rate limits), or startable now */
		double d = be->next_due != 0.0 ? be->next_due - now : 0;
		if (t < 0 || d < t)
			t = d;
	}
	if (t < 0 && be->timer_due < 0 && be->next_expiry == 0.0 &&
	    !(be->q_head && be->n_active < msb__aimd_limit(&be->aimd)))
		return -1;
	return t <= 0 ? 0 : (int)(t + 0.999);
}

int msb__oa_set_concurrency(int n, void *ud)
{
	oa *be = ud;
	int ceiling = be->explicit_max > 0 && be->explicit_max < n ? be->explicit_max : n;

	if (!be->explicit_max || be->explicit_max < n) {
		be->o.max_in_flight = ceiling;
		msb__aimd_init(&be->aimd, ceiling);
		msb__curl_multi_setopt(be->multi, CURLMOPT_MAXCONNECTS, (long)ceiling + 4);
	}
	return ceiling;
}

void msb__oa_cancel(void *ud)
{
	oa *be = ud;
	__atomic_store_n(&be->cancel, 1, __ATOMIC_RELEASE);
	msb__oa_wakeup(be);
}

/* ---- curl's sockets in the epoll set ---- */

/*
 * curl says CURL_POLL_REMOVE when the last transfer on a connection ends
 * and CURL_POLL_IN again when the next request reuses it: with keep-alive,
 * an EPOLL_CTL_DEL and an EPOLL_CTL_ADD for every request (2.3 epoll_ctl
 * calls per request measured at N = 256, a tenth of the client's system
 * calls). Instead a socket stays in the set, read interest only, while its
 * connection waits idle in curl's cache (MSB__OA_SOCK_IDLE), and a request
 * that asks for what is already set costs no call. An idle socket that
 * becomes readable (the server closed it) is taken out then, once
 * (msb__oa_sock_idle_event): level-triggered, it would wake every wait.
 * The state is dropped when curl closes the socket (msb__oa_sock_close,
 * its CURLOPT_CLOSESOCKETFUNCTION), so a new socket that gets the same
 * number starts from nothing.
 */
#define MSB__OA_SOCK_IN 0x01
#define MSB__OA_SOCK_OUT 0x02
#define MSB__OA_SOCK_SET 0x04  /* in the epoll set */
#define MSB__OA_SOCK_IDLE 0x08 /* curl said REMOVE: in the set for nobody */

/* Room for fd in be->sock; -1 when out of memory. */
static int sock_room(oa *be, int fd)
{
	int n = be->n_sock ? be->n_sock : 64;
	unsigned char *p;

	if (fd < be->n_sock)
		return 0;
	while (n <= fd)
		n *= 2;
	if (!(p = msb__realloc(be->sock, (size_t)n)))
		return -1;
	memset(p + be->n_sock, 0, (size_t)(n - be->n_sock));
	be->sock = p;
	be->n_sock = n;
	return 0;
}

static void sock_ctl(oa *be, int op, int fd, unsigned char st)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof ev);
	ev.events = ((st & MSB__OA_SOCK_IN) ? EPOLLIN : 0u) | ((st & MSB__OA_SOCK_OUT) ? EPOLLOUT : 0u);
	ev.data.fd = fd;
	if (!epoll_ctl(be->epfd, op, fd, &ev) || op == EPOLL_CTL_DEL)
		return;
	/* the set did not hold what we thought (or held it already): the other operation */
	if (op == EPOLL_CTL_MOD && errno == ENOENT)
		epoll_ctl(be->epfd, EPOLL_CTL_ADD, fd, &ev);
	else if (op == EPOLL_CTL_ADD && errno == EEXIST)
		epoll_ctl(be->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void msb__oa_sock_want(oa *be, curl_socket_t s, int what)
{
	unsigned char want, *st;

	if (s < 0)
		return;
	if (sock_room(be, s)) {
		/* out of memory: no state, every change is a call (ADD falls back to MOD) */
		if (what == CURL_POLL_REMOVE)
			sock_ctl(be, EPOLL_CTL_DEL, s, 0);
		else
			sock_ctl(be, EPOLL_CTL_ADD, s, (unsigned char)(((what & CURL_POLL_IN) ?
			    MSB__OA_SOCK_IN : 0) | ((what & CURL_POLL_OUT) ? MSB__OA_SOCK_OUT : 0)));
		return;
	}
	st = &be->sock[s];
	if (what == CURL_POLL_REMOVE) {
		if ((*st & MSB__OA_SOCK_SET) && (*st & MSB__OA_SOCK_OUT)) {
			sock_ctl(be, EPOLL_CTL_DEL, s, 0); /* write interest would fire at once */
			*st = 0;
		} else if (*st & MSB__OA_SOCK_SET) {
			*st |= MSB__OA_SOCK_IDLE;
		}
		return;
	}
	want = (unsigned char)(MSB__OA_SOCK_SET | ((what & CURL_POLL_IN) ? MSB__OA_SOCK_IN : 0) |
	    ((what & CURL_POLL_OUT) ? MSB__OA_SOCK_OUT : 0));
	if ((*st & (unsigned char)~MSB__OA_SOCK_IDLE) != want)
		sock_ctl(be, (*st & MSB__OA_SOCK_SET) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, want);
	*st = want;
}

int msb__oa_sock_idle_event(oa *be, int fd)
{
	if (fd < 0 || fd >= be->n_sock || !(be->sock[fd] & MSB__OA_SOCK_IDLE))
		return 0;
	sock_ctl(be, EPOLL_CTL_DEL, fd, 0);
	be->sock[fd] = 0;
	return 1;
}

int msb__oa_sock_close(void *ud, curl_socket_t s)
{
	oa *be = ud;

	if (s >= 0 && s < be->n_sock) {
		if (be->sock[s] & MSB__OA_SOCK_SET)
			sock_ctl(be, EPOLL_CTL_DEL, s, 0); /* a copy of the fd elsewhere (fork) would keep it in the set */
		be->sock[s] = 0;
	}
	return close(s);
}
