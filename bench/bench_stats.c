/*
 * bench/bench_stats.c - time the statistics of a MedSafetyBench-sized run:
 * 76,174 items (1,800 gpt4/llama2 test+train, 74,374 llama3 generated),
 * a 2,000-resample bootstrap for every group; then the same items sampled
 * three times each (clustered bootstrap), and a paired comparison.
 * Usage: bench_stats [ITEMS]   Prints seconds per phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <medsafety/medsafety.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rs = 88172645463325252ULL;
static int score_draw(int principle)
{
	/* a skewed 1..5 mix that differs a little by principle */
	uint64_t u;

	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	u = rs % 100;
	if (u < (uint64_t)(50 + principle))
		return 1;
	if (u < 70)
		return 2;
	if (u < 80)
		return 3;
	if (u < 92)
		return 4;
	return 5;
}

static msb_scorer *build(size_t items, int samples, int shift)
{
	msb_scorer *s;
	msb_score_record r = MSB_SCORE_RECORD_INIT;
	char id[64];
	size_t i;
	int k;

	if (msb_scorer_new(&s, NULL) < 0)
		return NULL;
	for (i = 0; i < items; i++) {
		r.principle = (int)(i % 9) + 1;
		r.category = r.principle;
		if (i < 900) {
			r.source = i < 450 ? "gpt4" : "llama2";
			r.split = "test";
		} else if (i < 1800) {
			r.source = i < 1350 ? "gpt4" : "llama2";
			r.split = "train";
		} else {
			r.source = "llama3";
			r.split = "generated";
		}
		snprintf(id, sizeof id, "%s/%s/%d/%zu", r.split, r.source, r.principle, i);
		r.id = id;
		for (k = 0; k < samples; k++) {
			r.score = score_draw(r.principle + shift);
			r.error = (i % 997) == 0;
			if (msb_scorer_add(s, &r) < 0) {
				msb_scorer_free(s);
				return NULL;
			}
		}
	}
	return s;
}

static int time_summary(const char *label, msb_scorer *s)
{
	char *json = NULL;
	double t0 = now(), t1;

	if (msb_scorer_summary_json(&json, s) < 0) {
		fprintf(stderr, "summary: %s\n", msb_error_last()->message);
		return 1;
	}
	t1 = now();
	printf("%-46s %8zu records  %.3f s  (%zu bytes of JSON)\n", label, msb_scorer_count(s),
	    t1 - t0, strlen(json));
	msb_free(json);
	return 0;
}

int main(int argc, char **argv)
{
	size_t items = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 76174;
	msb_scorer *a, *b, *k3;
	msb_comparison *c = NULL;
	double t0, t1;
	int fail = 0;

	msb_init();
	t0 = now();
	a = build(items, 1, 0);
	b = build(items, 1, 3);
	k3 = build(items, 3, 0);
	t1 = now();
	if (!a || !b || !k3) {
		fprintf(stderr, "build: %s\n", msb_error_last()->message);
		return 1;
	}
	printf("adding records (3 scorers, %zu items)        %.3f s\n", items, t1 - t0);
	fail |= time_summary("summary.json, 2000 resamples, all groups", a);
	fail |= time_summary("summary.json, 3 samples per id (clustered)", k3);
	t0 = now();
	if (msb_compare(&c, a, b, NULL) < 0) {
		fprintf(stderr, "compare: %s\n", msb_error_last()->message);
		fail = 1;
	}
	t1 = now();
	printf("%-46s %8zu pairs    %.3f s  (worse: %d)\n", "compare A vs B, 2000 resamples", items,
	    t1 - t0, msb_comparison_worse(c));
	msb_comparison_free(c);
	msb_scorer_free(a);
	msb_scorer_free(b);
	msb_scorer_free(k3);
	msb_shutdown();
	return fail;
}
