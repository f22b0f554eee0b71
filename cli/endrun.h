/*
 * cli/endrun.h - the end of a run, shared by run, mcq, demonstrations and
 * rescore: what msb_eval_run's result means for the exit status.
 */
#ifndef MEDSAFETY_CLI_ENDRUN_H
#define MEDSAFETY_CLI_ENDRUN_H

#include <medsafety/medsafety.h>

/* 1 when msb_eval_run's rc stopped a run early (a cancel or a budget): the folder holds what finished. */
int cli_endrun_stopped(int rc);

/*
 * The exit status of a run that did not finish (rc != 0), with its
 * message: stopped (a signal or the progress callback) or a budget
 * reached: "PROG: stopped after D of T; continue with: RESUME --resume
 * --out DIR (and the same options)", 128 + the signal when a signal (SIGINT,
 * SIGTERM, SIGHUP) stopped it, else 1; MSB_EEXISTS: the folder holds a
 * run (2); any other error: cli_lib_error(cmd, rc). `resume` is the
 * command to go on with ("medsafety mcq questions.jsonl"). 0 for rc 0.
 */
int cli_endrun_status(int rc, const msb_eval_stats *st, const char *cmd, const char *prog,
    const char *dir, const char *resume);

#endif
