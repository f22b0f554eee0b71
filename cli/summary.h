/*
 * cli/summary.h - the table printed at the end of a run (and by
 * `medsafety report --format text`): per principle n, mean with its 95%
 * confidence interval, refusal and harmful rates, errors; then overall.
 */
#ifndef MEDSAFETY_CLI_SUMMARY_H
#define MEDSAFETY_CLI_SUMMARY_H

#include <stdio.h>

#include <medsafety/medsafety.h>

typedef const char *(*cli_title_fn)(int principle);

/*
 * Print the table of a summary's groups (msb_summary_group_byindex).
 * title may be NULL (numbers only). Returns 0, or -1 (message on stderr).
 */
int cli_summary_print(FILE *f, const msb_summary *sum, cli_title_fn title, int color);

#endif
