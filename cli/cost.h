/*
 * cli/cost.h - the cost of a finished run from its measured tokens
 * (issue #21 items 4, 5): the --price / --prices of the dry run applied to
 * the tokens run.json reports per stage (msb_run_info_usage), online
 * tokens at the price, batch tokens at the price times the batch
 * discount (run.json "batch"), into RUN/cost.json and one line on stderr.
 * Never estimated: a stage whose records reported tokens but has no price
 * costs null, not a guess.
 */
#ifndef MEDSAFETY_CLI_COST_H
#define MEDSAFETY_CLI_COST_H

#include <stdio.h>

#include <medsafety/medsafety.h>

#include "dryrun.h"
#include "config/config.h"

/*
 * A multiplier per stage applied to the price of the stage's BATCH tokens
 * (1.0: list price). NULL to cli_run_cost: the discount run.json's batch
 * block records (0.5 for OpenAI's Batch API and Anthropic's Message
 * Batches); online tokens are always at the list price.
 */
typedef struct cli_cost_discount {
	double model, judge;
} cli_cost_discount;

#define CLI_COST_DISCOUNT_NONE { 1.0, 1.0 }

/*
 * With prices (ps->n > 0): write DIR/cost.json and, unless quiet, print
 * the cost per stage to f. Nothing without prices. Call it after the run
 * wrote run.json and before the reports are written (they show the cost).
 * 0, or CLI_EXIT_FAIL after one line on stderr.
 */
int cli_run_cost(const char *dir, const cli_config *cfg, const cli_prices *ps,
    const cli_cost_discount *discount, int quiet, FILE *f);

#endif
