/*
 * cli/progress.h - progress of a run on stderr: a bar redrawn in place
 * when stderr is a terminal, plain lines every few seconds when it is
 * not (a log file, CI), nothing with --quiet. Colour only on a terminal
 * and never with NO_COLOR set.
 */
#ifndef MEDSAFETY_CLI_PROGRESS_H
#define MEDSAFETY_CLI_PROGRESS_H

#include <stddef.h>
#include <stdio.h>

enum { CLI_PROGRESS_OFF = 0, CLI_PROGRESS_BAR = 1, CLI_PROGRESS_LINES = 2 };

typedef struct cli_progress {
	int mode;
	int color;
	int utf8;
	FILE *f;
	double interval_s;   /* lines mode: seconds between lines */
	double last_line_s;  /* elapsed time of the last line printed */
	int drawn;           /* bar mode: a bar is on the screen */
	size_t last_done;
	const char *label;   /* e.g. "run" */
} cli_progress;

/*
 * Pick the mode for stderr: OFF with quiet, BAR on a terminal, else
 * LINES. The environment variable MEDSAFETY_PROGRESS_INTERVAL (seconds)
 * sets the spacing of plain lines (default 10).
 */
void cli_progress_init(cli_progress *p, const char *label, int quiet);

/* One snapshot: units done of total, errors, rate (units/s), eta_s (-1 unknown). */
void cli_progress_update(cli_progress *p, size_t done, size_t total, size_t errors,
    double rate, double eta_s, double elapsed_s);

struct msb_eval_progress;
/* msb_eval_options.progress for a run shown on a cli_progress (the userdata): never cancels. */
int cli_progress_eval(const struct msb_eval_progress *p, void *userdata);

/* The last state: always shown (a final bar or line), then the line ends. */
void cli_progress_finish(cli_progress *p, size_t done, size_t total, size_t errors,
    double rate, double elapsed_s);

/* Format seconds as "1:02:03", "2:03" or "7s" into buf. */
void cli_format_duration(char *buf, size_t size, double seconds);

#endif
