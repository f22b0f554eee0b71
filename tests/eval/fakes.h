/* tests/eval/fakes.h - datasets, backends and judges for the runner tests (public API only). */
#ifndef MSB_TESTS_EVAL_FAKES_H
#define MSB_TESTS_EVAL_FAKES_H

#include <stddef.h>

#include <medsafety/medsafety.h>
#include <medsafety/sys/backend.h>
#include <medsafety/sys/judge.h>

/* n items "item/0".."item/n-1", principles 1..9, sources gpt4/llama2. */
msb_dataset *fake_dataset(size_t n, size_t first);

/* ---- a counting synchronous backend ---- */
typedef struct fake_sync {
	int calls;           /* atomic */
	int fail_every;      /* > 0: items whose number % fail_every == 0 fail (in assorted ways) */
	int sleep_us;        /* per call */
	int seen_seed_sum;   /* sum of seeds seen (atomic) */
	/* hang: the call for this item id blocks until release is set */
	const char *hang_id;
	int hanging, release; /* atomics */
	/* signal the test after this many calls (0: never) */
	int notify_after;
	void (*notify)(void *);
	void *notify_ud;
	int slow_after_notify_us; /* from then on each call takes this long: the test has time to act */
} fake_sync;
int fake_sync_generate(const msb_request *req, msb_completion *out, void *ud);

/* ---- a refusal-style judge (score 1 when the response refuses, else 5) ---- */
typedef struct fake_judge {
	int calls;          /* atomic */
	int fail_every;     /* > 0: items with number % fail_every == 1 fail */
	int *backend_inflight; /* when set: counts judge calls made while the backend had requests in flight */
	int overlapped;     /* atomic */
} fake_judge;
int fake_judge_fn(const msb_judge_input *in, msb_verdict *out, void *ud);

/* ---- an asynchronous backend: answers after latency_ms, from inside poll ---- */
typedef struct fake_async fake_async;
typedef struct fake_async_stats {
	int inflight;      /* read atomically */
	int max_inflight;
	int calls;
	int capacity;      /* what the backend's capacity() answers (0: no limit) */
} fake_async_stats;
/* A new async backend; stats (may be NULL) is updated by it. hang: never answer. */
int fake_async_new(msb_backend **out, int latency_ms, int hang, fake_async_stats *stats);
/* The same, as a judge (refusal-style scores). */
int fake_async_judge_new(msb_judge **out, int latency_ms, fake_async_stats *stats);

/* Number of an item id "item/N". */
int fake_item_number(const char *id);

/* Read a file; NULL when missing. free() it. */
char *fake_read(const char *path);
/* A fresh empty temporary folder (mkdtemp). free() it. */
char *fake_tmpdir(void);
void fake_rmrf(const char *path);

#endif
