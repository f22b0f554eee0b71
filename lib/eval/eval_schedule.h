/*
 * lib/eval/eval_schedule.h - layer 7 of the runner (eval_schedule.c): what
 * runs next, on the loop's thread.
 */
#ifndef MSB_EVAL_EVAL_SCHEDULE_H
#define MSB_EVAL_EVAL_SCHEDULE_H

#include "eval/eval_state.h"

void msb__eval_schedule(struct msb_eval *ev);
/* A task whose stage ended (from ev->completed): retry, judge, hold or finish it. */
void msb__eval_handle(struct msb_eval *ev, msb__task *t);
/* Write the failures held back before a first success (at the end of a run that was not stopped by a dead endpoint). */
void msb__eval_release_held(struct msb_eval *ev);
/* A stage's requests in flight: inflight less those backend b holds back for a retry time. */
size_t msb__eval_flying(const struct msb_eval *ev, size_t inflight, const msb_backend *b);

#endif
