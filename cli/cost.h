/*
 * cli/cost.h - the cost of a finished run from its measured tokens
 * (issue #21 item 5): the --price / --prices of the dry run applied to the
 * tokens the servers reported (msb_results_usage), per stage, into
 * RUN/cost.json and one line on stderr. Never estimated: a stage whose
 * records reported no tokens costs null, not a guess.
 */
#ifndef MEDSAFETY_CLI_COST_H
#define MEDSAFETY_CLI_COST_H

#include <stdio.h>

#include <medsafety/medsafety.h>

#include "dryrun.h"
#include "config/config.h"

/*
 * A multiplier per stage applied to the price (1.0: list price). The hook
 * for batch APIs, which bill at a discount (0.5 for OpenAI's Batch API and
 * Anthropic's Message Batches): the stage that went through a batch sets
 * its factor (issue #21 item 4, engineer BATCH).
 */
typedef struct cli_cost_discount {
	double model, judge;
} cli_cost_discount;

#define CLI_COST_DISCOUNT_NONE { 1.0, 1.0 }

/*
 * With prices (ps->n > 0): write DIR/cost.json and, unless quiet, print
 * the cost per stage to f. Nothing without prices. 0, or CLI_EXIT_FAIL
 * after one line on stderr.
 */
int cli_run_cost(const char *dir, const cli_config *cfg, const cli_prices *ps,
    const cli_cost_discount *discount, int quiet, FILE *f);

#endif
