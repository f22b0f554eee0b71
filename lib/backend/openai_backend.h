/* lib/backend/openai_backend.h - the HTTP backend's state, shared by its files. */
#ifndef MSB_BACKEND_OPENAI_BACKEND_H
#define MSB_BACKEND_OPENAI_BACKEND_H

#include <pthread.h>

#include "medsafety/sys/backend.h"
#include "medsafety/openai.h"
#include "core/buf.h"
#include "core/curlsym.h"
#include "backend/openai_limits.h"

typedef struct oa oa;
typedef struct oa_req oa_req;

/* How many recent successful attempts the straggler deadline looks at. */
#define MSB__OA_LAT_RING 128

struct oa_req {
	oa *be;
	oa_req *next;
	oa_req *aprev, *anext; /* the active list, while in the multi handle */
	CURL *easy;
	char *body;
	size_t body_len;
	msb_buf resp;
	msb_completion *out;
	msb_completion_cb done;
	void *done_ctx;
	double t_first;      /* start of the first attempt */
	double t_attempt;    /* start of this attempt */
	double due_ms;       /* not before (retry backoff) */
	double deadline;     /* this attempt ends as a timeout at this time (0: never) */
	int cuts;            /* its attempts cut as stragglers: each doubles the next one's cut */
	double est_tokens;
	int attempts;
	int too_large;
	int nomem;
	char errbuf[CURL_ERROR_SIZE]; /* libcurl's detail of a failed attempt */
};

struct oa {
	char *url;
	CURLU *url_parsed;   /* url parsed once (CURLOPT_CURLU), NULL: CURLOPT_URL */
	int url_tried;       /* url_parsed was attempted */
	char *identity;
	char *key;           /* secret: only in the Authorization header; wiped on free */
	char *key_env;
	char *display_url;   /* url without user:password, for messages */
	char *base_clean;    /* base URL without user:password, for the identity */
	char *ca_file, *ca_path; /* NULL: the system's CA store */
	struct curl_slist *headers;
	msb_openai_options o; /* copied; its string pointers are not used after creation */
	int dialect;          /* MSB_OPENAI_DIALECT_* (msb_backend_provider_new) */
	char *model;
	CURLM *multi;

	pthread_mutex_t in_lock; /* guards incoming */
	oa_req *in_head, *in_tail;
	int n_incoming;          /* atomic read outside the lock */
	int in_poll;             /* atomic */
	int woken;               /* atomic */
	int epfd;                /* curl's sockets and evfd */
	int evfd;                /* eventfd: wakeup and submissions from other threads */
	double timer_due;        /* curl's timer (ms), -1: none */

	oa_req *q_head, *q_tail; /* waiting to start */
	oa_req *active;          /* in the multi handle */
	int n_queued;
	int n_active;
	int n_done;              /* done callbacks in the current poll */

	msb__aimd aimd;
	msb__bucket rpm, tpm;

	CURL **pool;
	int n_pool, cap_pool;
	unsigned int rng;

	/* the engine: one poll set, window, cancel, fail fast (openai.c) */
	int explicit_max;        /* max_in_flight as given; 0: follow set_concurrency */
	double next_due;         /* when a waiting request may start (0: none waits on time) */
	double next_expiry;      /* the soonest attempt timeout (0: none) */
	int cancel;              /* atomic: end every request in the next poll */
	int n_started;           /* distinct requests whose first attempt started */
	int n_first_failed;      /* of those: first attempts failed the same dead way */
	int n_ok;                /* attempts that reached a working endpoint */
	int dead_sig;            /* signature of the dead failure (CURLcode, or 1000 + HTTP status) */
	char dead_msg[512];      /* its message, without secrets */

	/* stragglers and parked retries (openai_engine.c) */
	int n_parked;            /* queued requests waiting for a retry: not in flight */
	double lat[MSB__OA_LAT_RING]; /* durations of the last successful attempts (ms) */
	int n_lat, i_lat;
	double lat_p95;          /* their 95th percentile, refreshed every 16 */

	/* curl's sockets in the epoll set, by fd (openai_engine.c): MSB__OA_SOCK_* bits */
	unsigned char *sock;
	int n_sock;
};

#define MSB__OA_DEFAULT_WINDOW 64

extern const msb_openai_options msb__openai_default_options;

/* The vtable slots (openai.c). */
int msb__oa_submit(const msb_request *req, msb_completion *out, msb_completion_cb done,
    void *done_ctx, void *ud);
int msb__oa_poll(int timeout_ms, void *ud);
void msb__oa_wakeup(void *ud);
int msb__oa_capacity(void *ud);
const char *msb__oa_identity(void *ud);
int msb__oa_fd(void *ud);
int msb__oa_timeout(void *ud);
int msb__oa_set_concurrency(int n, void *ud);
void msb__oa_cancel(void *ud);
int msb__oa_dead(char *msg, size_t size, void *ud);
/* Watch one finished attempt for the fail-fast rule, before on_done classifies it (openai_engine.c). */
void msb__oa_observe(oa *be, CURL *e, CURLcode res);
/*
 * Stragglers (openai_engine.c): when the current attempt of r started at now
 * must end (0: never): the request timeout, or sooner a straggler deadline.
 */
double msb__oa_attempt_deadline(const oa *be, const oa_req *r, double now);
/* A successful attempt took ms: remembered for the straggler deadline. */
void msb__oa_latency_seen(oa *be, double ms);
/* Replace the API key in msg, should a server echo it (openai.c). */
void msb__oa_redact(const oa *be, char *msg);
void msb__oa_free(void *ud);
/* curl's socket and timer callbacks (socket_action interface). */
int msb__oa_socket_cb(CURL *e, curl_socket_t s, int what, void *ud, void *sockp);
int msb__oa_timer_cb(CURLM *m, long timeout_ms, void *ud);
/*
 * The epoll set's view of curl's sockets (openai_engine.c): what curl asks
 * for (CURL_POLL_*), the close of a socket (CURLOPT_CLOSESOCKETFUNCTION,
 * clientp be), and an event on a socket curl no longer watches (returns 1:
 * not for curl).
 */
void msb__oa_sock_want(oa *be, curl_socket_t s, int what);
int msb__oa_sock_close(void *ud, curl_socket_t s);
int msb__oa_sock_idle_event(oa *be, int fd);

#endif
