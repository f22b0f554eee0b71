/*
 * lib/eval/eval_state.h - layer 2 of the runner: the run handle's state
 * (struct msb_eval), which every part above reads and writes, and the
 * small calls on it any part may make (eval_state.c). The layers, lowest
 * first: options, queue, state, request/cache, folder, stage, pool,
 * schedule, run, handle, summary/simple (docs/architecture.md; checked by
 * tests/checks/eval_layers.py).
 */
#ifndef MSB_EVAL_EVAL_STATE_H
#define MSB_EVAL_EVAL_STATE_H

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
#include "eval/eval_options.h"
#include "eval/eval_queue.h"

/* The journal writer's state (its thread: eval_folder_journal.c). */
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
	int runinfo_written;          /* run.json is written: the folder is this run's (eval_folder_runinfo.c) */
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
	msb__taskq held_model, held_judge; /* failures before a stage's first success (eval_schedule.c) */
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

	/* the one poll set (eval_run.c) */
	int loop_epfd;                /* epoll: efd + every asynchronous backend's fd */
	msb_backend *judge_backend;   /* an LLM judge's backend (borrowed), or NULL */
	int judge_shared;             /* judge_backend is the model backend */
	int model_fd_less, judge_fd_less; /* asynchronous, without a pollable fd (old vtables) */
	int model_window, judge_window; /* requests in flight allowed, after the backends' ceilings */
	int fatal;                    /* a dead endpoint stopped the run */
	int model_ok_seen, judge_ok_seen;
	char fatal_msg[640];

	/* the answers journal (eval_folder_answers.c) */
	msb_sha256 model_key_base;    /* the model key's first fields (eval_cache.c) */
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

/* Signal the event loop that something finished (any thread). */
void msb__loop_wake(struct msb_eval *ev);
int msb__eval_cancelled(const struct msb_eval *ev);
/* Cancelled, out of budget, or stopped by an error. */
int msb__eval_stopping(const struct msb_eval *ev);

#endif
