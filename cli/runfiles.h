/*
 * cli/runfiles.h - what the CLI adds to a run folder beside the runner:
 * the reports in further formats, the merged configuration for run.json,
 * and the end-of-run table.
 */
#ifndef MEDSAFETY_CLI_RUNFILES_H
#define MEDSAFETY_CLI_RUNFILES_H

#include <medsafety/medsafety.h>
#include "config/config.h"

/*
 * Finish a run folder once the runner returned (it writes no summary):
 * msb_run_write_summary scores DIR's results.jsonl once and writes
 * summary.json, report.md and report.html, and report.csv when `formats`
 * (NULL-terminated, may be NULL) names csv; subtitle NULL: run.json's
 * "model M, judge J". table NULL, or it receives the summary of the same
 * scoring for cli_print_summary (free with msb_summary_free; NULL on
 * failure). Exit status (message printed).
 */
int cli_write_reports(msb_summary **table, const char *dir, const char *const *formats,
    const char *subtitle, const char *prog);
/*
 * The same for the folder of a runner handle after msb_eval_run, from the
 * scores it kept (msb_eval_write_summary: results.jsonl is not read back).
 */
int cli_write_eval_reports(msb_summary **table, msb_eval *ev, const char *const *formats,
    const char *prog);

/* A scorer over a run folder's records. Exit status. New: msb_scorer_free. */
int cli_score_run(msb_scorer **out, const char *dir, const char *prog);

/*
 * The merged configuration as JSON (cli_config_to_json: no secrets), for
 * msb_eval_options.config_json, which the runner records in run.json.
 * Exit status. New: free with msb_free.
 */
int cli_config_json(char **out, const cli_config *cfg, const char *prog);

/*
 * 1 when DIR holds a run (results.jsonl or run.json). The runner refuses
 * such a folder without resume or force; asking first keeps the message
 * to one line, before anything else is printed.
 */
int cli_holds_run(const char *dir);
/* Print that message; returns 2. */
int cli_already_holds_run(const char *prog, const char *dir);

/*
 * text to the file `output` atomically (a temporary file beside it, then
 * rename), or to standard output when output is NULL. 0, or -1 (errno set).
 */
int cli_write_text(const char *output, const char *text);

/* Print the summary table (from cli_write_reports) on stdout; nothing for NULL. */
void cli_print_summary(const msb_summary *table);

#endif
