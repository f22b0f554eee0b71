/*
 * lib/eval/eval_stage.h - layer 5 of the runner (eval_stage.c): one stage
 * of a task, run on a worker or submitted to an asynchronous backend.
 */
#ifndef MSB_EVAL_EVAL_STAGE_H
#define MSB_EVAL_EVAL_STAGE_H

#include "eval/eval_state.h"

/* Run t's stage synchronously (a worker thread, or the loop for an inline judge). */
void msb__task_run_sync(msb__task *t);
/* Submit t's stage to the asynchronous backend or judge; its end reaches ev->completed. */
void msb__task_submit_async(struct msb_eval *ev, msb__task *t);
/* Hand a task whose stage ended to the loop (locked: any thread). */
void msb__eval_completed_push(struct msb_eval *ev, msb__task *t);

#endif
