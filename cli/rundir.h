/* cli/rundir.h - the folder of a run started without --out. */
#ifndef MEDSAFETY_CLI_RUNDIR_H
#define MEDSAFETY_CLI_RUNDIR_H

#include <stddef.h>

#define CLI_RUNS_DIR "medsafety-runs"

/*
 * Make a new, empty folder BASE/YYYYMMDD-HHMMSS (local time; "-2", "-3"
 * appended when it exists, so two runs started in the same second do
 * not share it) and write its path into buf. base NULL: "./medsafety-runs".
 * Returns 0, or -1 with errno set.
 */
int cli_rundir_new(char *buf, size_t size, const char *base);

/* The longest model label in a folder name. */
#define CLI_RUNDIR_LABEL_MAX 48

/*
 * As cli_rundir_new, named YYYYMMDD-HHMMSS-MODEL: `model` is a model spec
 * ("openai/gpt-4o-mini" gives "gpt-4o-mini"; characters other than
 * letters, digits, '.', '_' and '-' become '-'), NULL for none.
 */
int cli_rundir_new_for(char *buf, size_t size, const char *base, const char *model);

/* The sanitised label of a model spec, at most CLI_RUNDIR_LABEL_MAX characters. */
void cli_rundir_label(char *buf, size_t size, const char *spec);

#endif
