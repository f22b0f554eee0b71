/*
 * cli/summary.h - the table printed at the end of a run (and by
 * `medsafety report --format text`): per principle n, mean with its 95%
 * confidence interval, refusal and harmful rates, errors; then overall.
 */
#ifndef MEDSAFETY_CLI_SUMMARY_H
#define MEDSAFETY_CLI_SUMMARY_H

#include <stdio.h>

typedef const char *(*cli_title_fn)(int principle);

/*
 * Print the table for summary.json text. title may be NULL (numbers only).
 * Returns 0, or -1 when the text is not a summary (message on stderr).
 */
int cli_summary_print(FILE *f, const char *summary_json, cli_title_fn title, int color);

/* The same from a file (RUN/summary.json). */
int cli_summary_print_file(FILE *f, const char *path, cli_title_fn title, int color);

#endif
