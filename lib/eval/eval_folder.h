/*
 * lib/eval/eval_folder.h - layer 4 of the runner: what it writes to the
 * run folder (formats from lib/runfolder): the results journal and its
 * writer thread, resume, run.json, the answers journal
 * (eval_folder_*.c).
 */
#ifndef MSB_EVAL_EVAL_FOLDER_H
#define MSB_EVAL_EVAL_FOLDER_H

#include "core/buf.h"
#include "results/tally.h"
#include "eval/eval_state.h"

/* ---- the results journal writer (eval_folder_journal.c) ---- */
int msb__journal_start(msb__journal *j, struct msb_eval *ev, int fd);
void msb__journal_push(msb__journal *j, msb__taskq *tasks);
/* Stop after writing everything queued; fsync; returns the first error. */
int msb__journal_stop(msb__journal *j);
/* Wake the journal writer to fsync answers.jsonl on its interval. */
void msb__journal_nudge(msb__journal *j);
/*
 * One record as a JSON line (with '\n'). use (may be NULL): add its tokens;
 * tally (may be NULL): keep its scorer entry once the line is made.
 */
int msb__record_json(msb_buf *out, const struct msb_eval *ev, const msb__task *t,
    msb_usage_totals use[2], msb__tally *tally);

/* ---- resume (eval_folder_resume.c) ---- */
/*
 * Open (creating) out_dir/results.jsonl for appending, lock it, repair a
 * torn tail, mark finished units in ev->done, drop errored records when
 * retry_errors. Returns the fd through *fd.
 */
int msb__journal_open(struct msb_eval *ev, int *fd);

/* ---- provenance: the configuration hash and run.json (eval_folder_runinfo.c) ---- */
int msb__eval_config_hash(struct msb_eval *ev);
int msb__runinfo_write(struct msb_eval *ev, const char *status);

/* ---- the answers journal (eval_folder_answers.c) ---- */
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

#endif
