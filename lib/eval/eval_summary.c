/*
 * lib/eval/eval_summary.c - msb_eval_write_summary: the folder finished
 * from the runner's memory (its tally of the journal), by the one
 * finishing step of lib/results.
 */
#include "medsafety/eval.h"
#include "medsafety/runfolder.h"
#include "core/error.h"
#include "eval/eval_state.h"
#include "results/results.h"
#include "backend/completion.h"
#include "judge/verdict.h"
#include "dataset/dataset.h"

int msb_eval_write_summary(msb_summary **out, msb_eval *ev, const msb_run_summary_options *opts)
{
	int state;

	if (out)
		*out = NULL;
	if (!ev)
		return msb__error_set(MSB_EINVAL, "msb_eval_write_summary: NULL handle");
	state = __atomic_load_n(&ev->tally_state, __ATOMIC_ACQUIRE);
	if (!state)
		return msb__error_set(MSB_ESTATE, "msb_eval_write_summary: the handle has not run "
		    "(call it after msb_eval_run)");
	if (!ev->out_dir)
		return msb__error_set(MSB_ESTATE, "msb_eval_write_summary: the run has no folder");
	/* state 2: the records in memory are not the journal's: read it */
	return msb__run_write_summary_from(out, ev->out_dir, opts, state == 1 ? &ev->tally : NULL);
}
