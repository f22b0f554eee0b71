/*
 * cli/tradeoff.h - `medsafety report --tradeoff BEFORE_SAFETY AFTER_SAFETY
 * BEFORE_MCQ AFTER_MCQ`: the paper's trade-off view (issue 18, item 3).
 * Per AMA principle the change in harmfulness (msb_compare: mean score
 * change and harmful-rate change with their paired CIs) next to the
 * change in multiple-choice accuracy (paired by id, Newcombe's CI for a
 * difference of paired proportions), overall and by subject.
 */
#ifndef MEDSAFETY_CLI_TRADEOFF_H
#define MEDSAFETY_CLI_TRADEOFF_H

#include <jansson.h>

/* 1 when argv holds --tradeoff (cli/report.c dispatches on it). */
int cli_tradeoff_wanted(int argc, char **argv);

/* The command: argv as given to `medsafety report`. Exit status. */
int cli_tradeoff(int argc, char **argv);

/*
 * Newcombe's (1998, method 10) 95% interval for p1 - p2 of paired
 * proportions from the 2x2 table: a both, b first only, c second only,
 * d neither (p1 = (a+b)/n, p2 = (a+c)/n), with Newcombe's corrected
 * correlation estimate. n = a+b+c+d > 0.
 */
void cli_tradeoff_newcombe(double *lo, double *hi, long a, long b, long c, long d);

/*
 * Render the trade-off JSON (cli/tradeoff_render.c): Markdown and a
 * self-contained HTML page, each with the table and the inline SVG chart.
 * New strings (free), NULL when out of memory.
 */
char *cli_tradeoff_markdown(json_t *t);
char *cli_tradeoff_html(json_t *t);

#endif
