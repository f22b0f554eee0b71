/* cli/runbatch.h - `medsafety run --batch / --judge-batch`: the batch stages before the runner. */
#ifndef MEDSAFETY_CLI_RUNBATCH_H
#define MEDSAFETY_CLI_RUNBATCH_H

#include <medsafety/medsafety.h>
#include "config/config.h"

/*
 * When run.batch or run.judge_batch is set: run the batch stages
 * (msb_batch_run) in eo->out_dir, then set eo->resume (and clear force)
 * so the runner judges the stored answers and sends the rest online.
 * Batch states on stderr unless quiet. Exit status (0: go on).
 */
int cli_run_batch(msb_eval_options *eo, const msb_dataset *ds, msb_backend *model,
    msb_judge *judge, const cli_config *cfg, int quiet, const char *prog);

#endif
