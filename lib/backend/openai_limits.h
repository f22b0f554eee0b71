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
} msb__aimd;

void msb__aimd_init(msb__aimd *a, int max);
/* The current limit on requests in flight (>= 1). */
int msb__aimd_limit(const msb__aimd *a);
/* A success: the window grows by about one request per window's worth. */
void msb__aimd_success(msb__aimd *a);
/*
 * A 429 for a request started at `started_ms`: halve the window, once per
 * burst (answers to requests started before the last cut do not cut again).
 */
void msb__aimd_backoff(msb__aimd *a, double started_ms, double now_ms);

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
