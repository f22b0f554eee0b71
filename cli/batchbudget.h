/*
 * cli/batchbudget.h - the budgets (--max-requests, --max-total-tokens) of
 * `medsafety run --batch` (issue #21 item 4): a batch cannot be stopped
 * half way as the online runner stops, so the model batch stage is
 * refused before anything is submitted when the dry run's estimate of
 * what it would submit exceeds a budget (docs/batch.md, "Budgets").
 */
#ifndef MEDSAFETY_CLI_BATCHBUDGET_H
#define MEDSAFETY_CLI_BATCHBUDGET_H

#include <medsafety/medsafety.h>

#include "config/config.h"

/*
 * With run.batch and a budget in eo: count, as --dry-run does, the model
 * requests still to send and their tokens (prompt chars / 4 + max
 * tokens: an upper bound) and refuse when either exceeds its budget.
 * 0 (go on), or CLI_EXIT_FAIL after one line on stderr.
 */
int cli_batch_budget(const msb_eval_options *eo, const msb_dataset *ds, msb_backend *model,
    msb_judge *judge, const cli_config *cfg, const char *prog);

#endif
