/* tests/eval/helpers.h - journal inspection and common options for the runner tests (cmocka). */
#ifndef MSB_TESTS_EVAL_HELPERS_H
#define MSB_TESTS_EVAL_HELPERS_H

#include "fakes.h"

typedef struct journal_view {
	int *count;      /* per item number (sample 0) */
	size_t n_items;
	size_t lines, bad, errors, model_errors, judge_errors, scored;
	int torn;        /* the file does not end in '\n' */
} journal_view;

/* Read dir/results.jsonl: lines, corrupt lines, per-item counts (sample 0), errors, scores. */
void journal_read(journal_view *jv, const char *dir, size_t n_items);
void journal_free(journal_view *jv);
/* Every item of [0, n) exactly once, nothing torn or corrupt. */
void assert_exactly_once(const char *dir, size_t n);
msb_eval_stats stats0(void);
/* Options for dir: N = M = 4, fsync every 50 ms. */
msb_eval_options opts_for(const char *dir);
int eval_setup(void **state);
int eval_teardown(void **state);

#endif
