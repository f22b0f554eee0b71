/*
 * lib/eval/eval_queue.h - layer 1 of the runner (eval_queue.c): a work
 * unit (task) and the FIFO queues tasks move through.
 */
#ifndef MSB_EVAL_EVAL_QUEUE_H
#define MSB_EVAL_EVAL_QUEUE_H

#include <stddef.h>

#include "medsafety/eval.h"

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

void msb__task_free(msb__task *t);

#endif
