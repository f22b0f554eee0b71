/*
 * lib/eval/eval_run.h - layer 8 of the runner (eval_run.c): the event loop
 * and msb_eval_run.
 */
#ifndef MSB_EVAL_EVAL_RUN_H
#define MSB_EVAL_EVAL_RUN_H

#include "eval/eval_state.h"

/* Size the backends' windows to the run's concurrency (by msb_eval_new). */
int msb__eval_windows(struct msb_eval *ev);

#endif
