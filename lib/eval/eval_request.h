/*
 * lib/eval/eval_request.h - layer 3 of the runner (eval_request.c): what a
 * task sends to the model and to the judge.
 */
#ifndef MSB_EVAL_EVAL_REQUEST_H
#define MSB_EVAL_EVAL_REQUEST_H

#include "eval/eval_state.h"

/* The model request of a task. */
void msb__eval_build_request(const struct msb_eval *ev, const msb__task *t, msb_request *r);
/* The judge's input of a task with its answer. */
void msb__eval_build_judge_input(const msb__task *t, msb_judge_input *in);

#endif
