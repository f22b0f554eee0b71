/*
 * lib/eval/eval_cache.h - layer 3 of the runner (eval_cache.c): the
 * response cache, keys and entries.
 */
#ifndef MSB_EVAL_EVAL_CACHE_H
#define MSB_EVAL_EVAL_CACHE_H

#include "eval/eval_state.h"

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

#endif
