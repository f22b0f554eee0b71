/* lib/eval/eval.h - the runner's internals: tasks, the run handle, and the parts it is made of. */
#ifndef MSB_EVAL_EVAL_H
#define MSB_EVAL_EVAL_H

#include <pthread.h>
#include <stdint.h>

#include "medsafety/eval.h"
#include "medsafety/results.h"
#include "medsafety/sys/backend.h"
#include "medsafety/sys/judge.h"
#include "core/buf.h"
#include "core/sha256.h"
#include "core/strmap.h"
#include "results/tally.h"

enum { STAGE_MODEL = 1, STAGE_JUDGE = 2, STAGE_DONE = 3 };

/* One work unit: an item and a sample index, from start until written to the journal. */
typedef struct msb__task {
	struct msb__task *next;
	struct msb__task *aprev, *anext; /* while in an asynchronous backend or judge */
	struct msb_eval *ev;
	const msb_item *item;
	size_t unit;            /* item index * epochs + sample */
	int sample;
	int stage;              /* STAGE_*: what is running or next */
	int status;             /* result of the stage that just ran */
	int model_attempts, judge_attempts;
	int model_cached, judge_cached;
	int model_stored;       /* model_cached from answers.jsonl: paid by this folder, not a cache hit */
	int judge_batch;        /* judge_cached from a --judge-batch stage: paid by this folder */
	msb_completion *c;      /* model response (NULL before) */
	msb_verdict *v;         /* judgement (NULL before) */
	double t0;              /* start of the current stage (msb__now_ms) */
	double model_ms, judge_ms;
} msb__task;

/* A FIFO of tasks. */
typedef struct {
	msb__task *head, *tail;
	size_t n;
} msb__taskq;

void msb__taskq_push(msb__taskq *q, msb__task *t);
msb__task *msb__taskq_pop(msb__taskq *q);
/* Move all of src to the end of dst. */
void msb__taskq_splice(msb__taskq *dst, msb__taskq *src);

/*
 * The run's options as the runner uses them (options.c): *out = opts read
 * by its version (NULL: the defaults), every field explicit in version 1's
 * meaning (max_tokens <= 0 = the server's, top_p < 0 = left out, fsync 0 =
 * every write, cancel grace 0 = none). Strings are borrowed from opts.
 * 0 or MSB_EVERSION.
 */
int msb__eval_options_effective(msb_eval_options *out, const msb_eval_options *opts);

/* ---- the journal writer (journal.c) ---- */
typedef struct msb__journal {
	int fd;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	msb__taskq q;
	int quit;
	int error;            /* first write error (MSB_EIO) */
	int fsync_interval_ms;
	struct msb_eval *ev;
	/* what the writer thread knows (its errors are thread-local): for the run's own message */
	size_t written;       /* units whose records are in the file, this session */
	char error_msg[256];  /* the first error's message */
} msb__journal;

int msb__journal_start(msb__journal *j, struct msb_eval *ev, int fd);
void msb__journal_push(msb__journal *j, msb__taskq *tasks);
/* Stop after writing everything queued; fsync; returns the first error. */
int msb__journal_stop(msb__journal *j);
/* A JSON string of any text (invalid UTF-8 repaired). New reference. */
struct json_t;
struct json_t *msb__json_text(const char *s);
/*
 * One record as a JSON line (with '\n'). use (may be NULL): add its tokens;
 * tally (may be NULL): keep its scorer entry once the line is made.
 */
int msb__record_json(msb_buf *out, const struct msb_eval *ev, const msb__task *t,
    msb_usage_totals use[2], msb__tally *tally);

/* ---- resume (resume.c) ---- */
/*
 * Open (creating) out_dir/results.jsonl for appending, lock it, repair a
 * torn tail, mark finished units in ev->done, drop errored records when
 * retry_errors. Returns the fd through *fd.
 */
int msb__journal_open(struct msb_eval *ev, int *fd);

/* ---- the response cache (cache.c) ---- */
void msb__cache_model_key(const struct msb_eval *ev, const msb_request *req, char key[65]);
/* Hash the fields every model key of the run starts with, once (msb_eval_new). */
void msb__cache_key_base(struct msb_eval *ev);
void msb__cache_judge_key(const struct msb_eval *ev, const msb_judge_input *in, char key[65]);
/* 1 and a filled completion/verdict on a hit, 0 on a miss (or an unreadable entry). */
int msb__cache_get_model(const char *dir, const char *key, msb_completion *c);
int msb__cache_get_judge(const char *dir, const char *key, msb_verdict *v);
/* Best effort: failures are ignored (a cache never fails a run). */
void msb__cache_put_model(const char *dir, const char *key, const msb_completion *c);
void msb__cache_put_judge(const char *dir, const char *key, const msb_verdict *v);

/* ---- provenance (runinfo.c) ---- */
int msb__eval_config_hash(struct msb_eval *ev);
int msb__runinfo_write(struct msb_eval *ev, const char *status);
/*
 * msb_eval_run_simple's summary.json and reports (msb_run_write_summary)
 * after msb_eval_run returned rc, when the run wrote its run.json; rc, or
 * the summary's error when rc is 0.
 */
int msb__eval_finish_simple(struct msb_eval *ev, int rc);

/* ---- worker pool (pool.c) ---- */
int msb__pool_start(struct msb_eval *ev, int n);
void msb__pool_push(struct msb_eval *ev, msb__task *t);
void msb__pool_stop(struct msb_eval *ev);
/* Jobs no worker has taken yet (after a cancel: never sent). */
void msb__pool_take_back(struct msb_eval *ev, msb__taskq *out);
/* Signal the event loop that something finished (any thread). */
void msb__loop_wake(struct msb_eval *ev);

/* ---- the answers journal (answers.c) ---- */
/*
 * Open out_dir/answers.jsonl for appending; on resume, load the answers
 * an earlier session paid for (those of this model and request) into
 * ev->answers. Without resume the file starts empty.
 */
int msb__answers_open(struct msb_eval *ev);
/* Add one model answer to the loop turn's batch (msb__answers_flush writes it). */
int msb__answers_put(struct msb_eval *ev, const msb__task *t);
/* Write the batch with write(2) (fsync'd by the journal writer on its interval). */
int msb__answers_flush(struct msb_eval *ev);
/* 1 and t->c filled when an earlier session stored this unit's answer. */
int msb__answers_take(struct msb_eval *ev, msb__task *t);
void msb__answers_close(struct msb_eval *ev);
/* The model request of a task (eval.c). */
void msb__eval_build_request(const struct msb_eval *ev, const msb__task *t, msb_request *r);
/* Size the backends' windows to the run's concurrency (run.c; by msb_eval_new). */
int msb__eval_windows(struct msb_eval *ev);
/* Wake the journal writer to fsync answers.jsonl on its interval. */
void msb__journal_nudge(msb__journal *j);

/* ---- the loop's steps (eval.c) ---- */
void msb__task_free(msb__task *t);
void msb__task_run_sync(msb__task *t);
void msb__eval_schedule(struct msb_eval *ev);
void msb__eval_handle(struct msb_eval *ev, msb__task *t);
/* Write the failures held back before a first success (at the end of a run that was not stopped by a dead endpoint). */
void msb__eval_release_held(struct msb_eval *ev);
int msb__eval_stopping(const struct msb_eval *ev);
int msb__eval_cancelled(const struct msb_eval *ev);
/* A stage's requests in flight: inflight less those backend b holds back for a retry time. */
size_t msb__eval_flying(const struct msb_eval *ev, size_t inflight, const msb_backend *b);

struct msb_eval {
	msb_eval_options o;           /* strings below are owned copies */
	char *out_dir, *system_prompt, *cache_dir;
	struct json_t *config;       /* opts.config_json, parsed; NULL when none */
	const msb_dataset *ds;        /* holds a reference */
	msb_backend *backend;
	msb_judge *judge;             /* may be NULL */
	int backend_async, judge_async;
	int judge_inline;             /* MSB_JUDGE_INLINE: judged on the loop thread */
	size_t n_items, total;        /* total = n_items * epochs */
	char config_hash[65];
	char dataset_hash[65];
	char start_time[32], first_start_time[32];
	int runinfo_written;          /* run.json is written: the folder is this run's (runinfo.c) */
	int ran;

	/* the loop */
	int cancel;                   /* atomic */
	int efd;                      /* eventfd: cancel and workers wake the loop */
	int in_async_poll;            /* atomic: the loop may be blocked in a backend/judge poll */
	uint8_t *done;                /* per unit: 1 when finished in the journal */
	size_t cursor;                /* next unit to consider */
	size_t live;                  /* tasks created and not yet written (atomic) */
	size_t model_inflight, judge_inflight;
	size_t async_model_inflight, async_judge_inflight;
	msb__taskq judge_wait;        /* responses waiting for a judge slot */
	msb__taskq held_model, held_judge; /* failures before a stage's first success (eval.c) */
	int model_hold_over, judge_hold_over; /* so many failures that holding them stopped */
	msb__taskq finished;          /* loop-local: to hand to the journal */
	msb__task *async_head;        /* tasks inside asynchronous backends/judges */
	int abandoned;                /* tasks left in flight after a cancel's grace */
	int budget_hit, stop_rc;
	size_t cap;                   /* most tasks alive at once */
	int cap_blocked;              /* atomic: the loop waits for the journal to free tasks */

	pthread_mutex_t mu;           /* guards the fields below */
	msb__taskq completed;         /* from workers and async callbacks */

	/* the pool */
	pthread_mutex_t pmu;
	pthread_cond_t pcond;
	msb__taskq jobs;
	pthread_t *threads;
	int n_threads, pool_quit;

	msb__journal journal;
	int lock_fd;
	/*
	 * The folder's tokens per stage (MSB_STAGE_*: run.json's "usage"): the
	 * records kept on resume plus those the journal wrote this session
	 * (the journal thread adds; read once it stopped).
	 */
	msb_usage_totals usage[2];
	/*
	 * The folder's records as the scorer takes them (lib/results/tally.h),
	 * kept like usage: the resume scan's, then the journal thread's as it
	 * writes. tally_state (atomic): 0 no finished run yet (msb_eval_write_summary
	 * refuses), 1 the tally is what results.jsonl holds, 2 it is not (a dry
	 * run, a journal error, out of memory): the summary reads the file.
	 */
	msb__tally tally;
	int tally_state;

	/* the one poll set (run.c) */
	int loop_epfd;                /* epoll: efd + every asynchronous backend's fd */
	msb_backend *judge_backend;   /* an LLM judge's backend (borrowed), or NULL */
	int judge_shared;             /* judge_backend is the model backend */
	int model_fd_less, judge_fd_less; /* asynchronous, without a pollable fd (old vtables) */
	int model_window, judge_window; /* requests in flight allowed, after the backends' ceilings */
	int fatal;                    /* a dead endpoint stopped the run */
	int model_ok_seen, judge_ok_seen;
	char fatal_msg[640];

	/* the answers journal (answers.c) */
	msb_sha256 model_key_base;    /* the model key's first fields (cache.c) */
	const char *model_key_system;
	int model_key_base_ok;
	int answers_fd;
	msb_buf answers_buf;          /* answers read in this loop turn, written before the next wait */
	int answers_dirty;            /* atomic: written since the last fsync */
	msb_completion **answers;     /* per unit: a stored answer from an earlier session */
	size_t answers_loaded;

	msb_eval_stats st;
	double t_start, last_progress;

	/* OUT/batch/verdicts when a batch judge stage stored verdicts there (batch.c), else NULL */
	char *batch_verdicts;
};

#endif
