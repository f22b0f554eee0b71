/*
 * cli/tradeoff.h - `medsafety report --tradeoff BEFORE_SAFETY AFTER_SAFETY
 * BEFORE_MCQ AFTER_MCQ`: the paper's trade-off view (issue 18, item 3),
 * computed by msb_tradeoff_json (medsafety/mcq.h): per AMA principle the
 * change in harmfulness next to the change in multiple-choice accuracy.
 */
#ifndef MEDSAFETY_CLI_TRADEOFF_H
#define MEDSAFETY_CLI_TRADEOFF_H

#include <jansson.h>

/* 1 when argv holds --tradeoff (cli/report.c dispatches on it). */
int cli_tradeoff_wanted(int argc, char **argv);

/* The command: argv as given to `medsafety report`. Exit status. */
int cli_tradeoff(int argc, char **argv);

/*
 * Render the trade-off JSON (cli/tradeoff_render.c): Markdown and a
 * self-contained HTML page, each with the table and the inline SVG chart.
 * New strings (free), NULL when out of memory.
 */
char *cli_tradeoff_markdown(json_t *t);
char *cli_tradeoff_html(json_t *t);

#endif
