/*
 * lib/eval/eval_pool.h - layer 6 of the runner (eval_pool.c): worker
 * threads for synchronous backends and judges.
 */
#ifndef MSB_EVAL_EVAL_POOL_H
#define MSB_EVAL_EVAL_POOL_H

#include "eval/eval_state.h"

int msb__pool_start(struct msb_eval *ev, int n);
void msb__pool_push(struct msb_eval *ev, msb__task *t);
void msb__pool_stop(struct msb_eval *ev);
/* Jobs no worker has taken yet (after a cancel: never sent). */
void msb__pool_take_back(struct msb_eval *ev, msb__taskq *out);

#endif
