/* cli/runbatch.c - the batch stages of `medsafety run` (docs/batch.md): flags to msb_batch_options. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "runbatch.h"
#include "cli.h"
#include "opts.h"
#include "runfiles.h"
#include "signals.h"

static volatile sig_atomic_t stop_asked;

static void ask_stop(void *arg)
{
	(void)arg;
	stop_asked = 1;
}

typedef struct {
	const char *prog;
	int quiet;
	char last[160];
} batch_ui;

/* One line per change of a batch's state (not per poll): "batch ID (model): in_progress, 3/10 done". */
static int on_progress(const msb_batch_progress *p, void *ud)
{
	batch_ui *ui = ud;
	char now[160];

	if (stop_asked)
		return 1; /* SIGINT, SIGTERM or SIGHUP: the batches stay journaled */
	if (ui->quiet)
		return 0;
	snprintf(now, sizeof now, "%s %s %zu %zu", p->batch_id, p->status, p->completed, p->failed);
	if (!strcmp(now, ui->last))
		return 0;
	snprintf(ui->last, sizeof ui->last, "%s", now);
	fprintf(stderr, "%s: batch %s (%s): %s, %zu of %zu done, %zu failed; %zu batch%s open\n",
	    ui->prog, p->batch_id, p->stage, p->status, p->completed, p->requests, p->failed,
	    p->batches, p->batches == 1 ? "" : "es");
	return 0;
}

static int cfg_int(const cli_config *cfg, const char *path, long long *v)
{
	int rc = cli_config_get_int(v, cfg, path);
	return rc == MSB_ENOTFOUND ? 0 : rc;
}

int cli_run_batch(msb_eval_options *eo, const msb_dataset *ds, msb_backend *model,
    msb_judge *judge, const cli_config *cfg, int quiet, const char *prog)
{
	msb_batch_options bo;
	msb_batch_stats st;
	batch_ui ui;
	long long v;
	double secs;
	int rc;

	msb_batch_options_init(&bo, MSB_BATCH_OPTIONS_VERSION);
	if ((rc = cli_config_get_bool(&bo.model, cfg, "run.batch")) < 0 && rc != MSB_ENOTFOUND)
		return cli_config_error("run", rc);
	if ((rc = cli_config_get_bool(&bo.judge, cfg, "run.judge_batch")) < 0 && rc != MSB_ENOTFOUND)
		return cli_config_error("run", rc);
	if ((!bo.model && !bo.judge) || eo->dry_run)
		return CLI_EXIT_OK;
	if ((rc = cli_config_get_double(&secs, cfg, "run.batch_poll_interval")) == 0)
		bo.poll_interval_ms = secs * 1000 < 1 ? 1 : (int)(secs * 1000);
	else if (rc != MSB_ENOTFOUND)
		return cli_config_error("run", rc);
	v = bo.retry;
	if ((rc = cfg_int(cfg, "run.batch_retry", &v)) < 0)
		return cli_config_error("run", rc);
	bo.retry = (int)v;
	v = (long long)bo.max_lines;
	if ((rc = cfg_int(cfg, "run.batch_max_lines", &v)) < 0)
		return cli_config_error("run", rc);
	bo.max_lines = (size_t)v;
	v = (long long)bo.max_bytes;
	if ((rc = cfg_int(cfg, "run.batch_max_bytes", &v)) < 0)
		return cli_config_error("run", rc);
	bo.max_bytes = (size_t)v;
	memset(&ui, 0, sizeof ui);
	ui.prog = prog;
	ui.quiet = quiet;
	bo.progress = on_progress;
	bo.progress_userdata = &ui;
	st.version = MSB_BATCH_STATS_VERSION;
	stop_asked = 0;
	cli_signals_install(ask_stop, NULL);
	rc = msb_batch_run(&st, ds, model, judge, eo, &bo);
	cli_signals_restore();
	if (rc == MSB_ECANCELED) {
		fprintf(stderr, "%s: stopped while waiting for batches; they are journaled in "
		    "%s/batch/batches.jsonl: continue with: medsafety run --resume --batch --out %s "
		    "(and the same options)\n", prog, eo->out_dir, eo->out_dir);
		return cli_signals_caught() ? 128 + cli_signals_caught() : CLI_EXIT_FAIL;
	}
	if (rc == MSB_EEXISTS)
		return cli_already_holds_run(prog, eo->out_dir);
	if (rc < 0)
		return cli_lib_error("run", rc);
	if (!quiet)
		fprintf(stderr, "%s: batches: %zu created, %zu picked up; %zu requests submitted, %zu "
		    "answered, %zu failed or expired (retried in a batch with --batch-retry, then "
		    "online)\n", prog, st.batches_created,
		    st.batches_resumed, st.submitted, st.succeeded, st.failed);
	/* the runner now continues from what the batches stored */
	eo->resume = 1;
	eo->force = 0;
	return CLI_EXIT_OK;
}
