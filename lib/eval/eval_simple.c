/*
 * lib/eval/eval_simple.c - the top layer of the runner: msb_eval_run_simple,
 * one call that makes the handle, runs it, and finishes the folder
 * (summary.json and the reports) as it promises: the public calls, and
 * the handle's state for whether the run got as far as its run.json.
 */
#include <stdio.h>
#include <string.h>

#include "medsafety/eval.h"
#include "medsafety/runfolder.h"
#include "core/error.h"
#include "eval/eval_state.h"

/*
 * msb_eval_run_simple's promise (summary.json and the reports), kept by
 * the separate step, not by the runner: once the run wrote its run.json
 * (it got past the checks of the folder), whatever it returned. The run's
 * own error stays the one returned and in msb_error_last.
 */
static int finish_simple(msb_eval *ev, int rc)
{
	msb_error saved;
	char msg[1024];
	int r2;

	if (!ev || !ev->runinfo_written || !ev->out_dir)
		return rc;
	saved = *msb_error_last();
	snprintf(msg, sizeof msg, "%s", saved.message ? saved.message : "");
	r2 = msb_eval_write_summary(NULL, ev, NULL);
	if (rc)
		msb__error_set(saved.code, "%s", msg);
	return rc ? rc : r2;
}

int msb_eval_run_simple(msb_eval_stats *stats, const msb_dataset *ds, msb_backend *backend,
    msb_judge *judge, const msb_eval_options *opts)
{
	msb_eval *ev;
	int rc;

	if ((rc = msb_eval_new(&ev, ds, backend, judge, opts)))
		return rc;
	rc = finish_simple(ev, msb_eval_run(ev)); /* + summary.json */
	if (stats) {
		/* keep the run's error: get_stats must not overwrite it */
		msb_error saved = *msb_error_last();
		char msg[1024];
		strncpy(msg, saved.message, sizeof msg - 1);
		msg[sizeof msg - 1] = '\0';
		if (msb_eval_get_stats(stats, ev) == 0 && rc)
			msb__error_set(saved.code, "%s", msg);
	}
	msb_eval_free(ev);
	return rc;
}
