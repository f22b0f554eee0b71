/*
 * lib/backend/openai_limits.h - the limits the HTTP backend applies to
 * itself: an adaptive in-flight limit (AIMD, as TCP's congestion window)
 * and token buckets for requests and tokens per minute.
 */
#ifndef MSB_BACKEND_OPENAI_LIMITS_H
#define MSB_BACKEND_OPENAI_LIMITS_H

typedef struct msb__aimd {
	double limit;         /* current window, 1 .. max */
	double max;
	double last_cut_ms;   /* time of the last halving */
	int n_ok, n_over;     /* outcomes counted in the current window's worth */
} msb__aimd;

/*
 * The share of a window's outcomes that must be overload signals before
 * the window halves. Random faults (a 429 here, a reset there: a few per
 * cent) must not collapse it; a server at its limit rejects a large share.
 */
#define MSB__AIMD_OVERLOAD_SHARE 0.25

void msb__aimd_init(msb__aimd *a, int max);
/* The current limit on requests in flight (>= 1). */
int msb__aimd_limit(const msb__aimd *a);
/* A success: the window grows by about one request per window's worth. */
void msb__aimd_success(msb__aimd *a);
/*
 * An overload signal (429, 498, 503, 529, a connection reset) for a
 * request started at `started_ms`. The window halves when the signals
 * reach MSB__AIMD_OVERLOAD_SHARE of a window's worth of outcomes (at
 * least 4), once per burst: answers to requests started before the last
 * cut do not count. Counting restarts after every window's worth.
 */
void msb__aimd_backoff(msb__aimd *a, double started_ms, double now_ms);

/* 1 when the window was cut less than horizon_ms ago: the server is overloaded now. */
int msb__aimd_overloaded(const msb__aimd *a, double now_ms, double horizon_ms);

/*
 * How long a failed attempt waits before its retry (without a server's
 * Retry-After), u in [0, 1] the jitter ("equal jitter": half of the wait
 * fixed, half random):
 * - MSB__RETRY_RANDOM: a fault that says nothing about load (a 500, a
 *   garbled or truncated body, an error in a 200, a straggler cut): a short
 *   fixed wait, a tenth of base_ms, however often it repeats.
 * - MSB__RETRY_OVERLOAD: a lone overload signal (429, 503, a reset) on a
 *   window that was not cut: from a tenth of base_ms, doubling with each
 *   attempt up to base_ms.
 * - MSB__RETRY_BACKOFF: the server is overloaded (its window was cut lately)
 *   or unreachable: full exponential backoff from base_ms up to max_ms.
 * attempts: the attempts made so far (1 after the first).
 */
enum { MSB__RETRY_RANDOM, MSB__RETRY_OVERLOAD, MSB__RETRY_BACKOFF };
double msb__retry_delay_ms(int how, int attempts, double base_ms, double max_ms, double u);

typedef struct msb__bucket {
	double per_ms;        /* refill rate; 0: unlimited */
	double capacity;      /* burst */
	double tokens;
	double at_ms;         /* time of the last refill */
} msb__bucket;

/* per_minute <= 0: unlimited. The burst is ten seconds' worth (at least 1). */
void msb__bucket_init(msb__bucket *b, double per_minute, double now_ms);
/* 0 when `n` may be taken now, else the milliseconds to wait. */
double msb__bucket_wait_ms(msb__bucket *b, double n, double now_ms);
void msb__bucket_take(msb__bucket *b, double n, double now_ms);

#endif
