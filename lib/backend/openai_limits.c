/* lib/backend/openai_limits.c - AIMD in-flight limit and token buckets. */
#include "backend/openai_limits.h"

void msb__aimd_init(msb__aimd *a, int max)
{
	a->max = max > 0 ? max : 1;
	a->limit = a->max;
	a->last_cut_ms = -1e300;
	a->n_ok = a->n_over = 0;
}

int msb__aimd_limit(const msb__aimd *a)
{
	int n = (int)a->limit;
	return n < 1 ? 1 : n;
}

/* A window's worth of outcomes: the current limit, at least 4. */
static double epoch(const msb__aimd *a)
{
	return a->limit < 4 ? 4 : a->limit;
}

static void count(msb__aimd *a)
{
	if ((double)(a->n_ok + a->n_over) >= epoch(a))
		a->n_ok = a->n_over = 0;
}

void msb__aimd_success(msb__aimd *a)
{
	a->limit += 1.0 / a->limit;
	if (a->limit > a->max)
		a->limit = a->max;
	a->n_ok++;
	count(a);
}

void msb__aimd_backoff(msb__aimd *a, double started_ms, double now_ms)
{
	if (started_ms < a->last_cut_ms)
		return;
	a->n_over++;
	if ((double)a->n_over >= MSB__AIMD_OVERLOAD_SHARE * epoch(a)) {
		a->limit /= 2;
		if (a->limit < 1)
			a->limit = 1;
		a->last_cut_ms = now_ms;
		a->n_ok = a->n_over = 0;
		return;
	}
	count(a);
}

int msb__aimd_overloaded(const msb__aimd *a, double now_ms, double horizon_ms)
{
	return now_ms - a->last_cut_ms < horizon_ms;
}

double msb__retry_delay_ms(int how, int attempts, double base_ms, double max_ms, double u)
{
	double d = base_ms, cap = max_ms;
	int i;

	if (how != MSB__RETRY_BACKOFF) {
		cap = base_ms < max_ms ? base_ms : max_ms;
		d = base_ms / 10;
	}
	if (how != MSB__RETRY_RANDOM)
		for (i = 1; i < attempts && d < cap; i++)
			d *= 2;
	if (d > cap)
		d = cap;
	if (u < 0)
		u = 0;
	if (u > 1)
		u = 1;
	return d / 2 + (d / 2) * u;
}

static void refill(msb__bucket *b, double now_ms)
{
	if (now_ms > b->at_ms) {
		b->tokens += (now_ms - b->at_ms) * b->per_ms;
		if (b->tokens > b->capacity)
			b->tokens = b->capacity;
		b->at_ms = now_ms;
	}
}

void msb__bucket_init(msb__bucket *b, double per_minute, double now_ms)
{
	b->per_ms = per_minute > 0 ? per_minute / 60000.0 : 0;
	b->capacity = per_minute > 0 ? per_minute / 6 : 0;
	if (b->per_ms > 0 && b->capacity < 1)
		b->capacity = 1;
	b->tokens = b->capacity;
	b->at_ms = now_ms;
}

double msb__bucket_wait_ms(msb__bucket *b, double n, double now_ms)
{
	double need;

	if (b->per_ms <= 0)
		return 0;
	refill(b, now_ms);
	/* a request larger than the burst goes once the bucket is full */
	need = n < b->capacity ? n : b->capacity;
	if (b->tokens >= need)
		return 0;
	return (need - b->tokens) / b->per_ms;
}

void msb__bucket_take(msb__bucket *b, double n, double now_ms)
{
	if (b->per_ms <= 0)
		return;
	refill(b, now_ms);
	b->tokens -= n;
}
