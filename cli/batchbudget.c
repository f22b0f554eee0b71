/* cli/batchbudget.c - see batchbudget.h. */
#include <stdio.h>

#include "batchbudget.h"
#include "cli.h"
#include "opts.h"

int cli_batch_budget(const msb_eval_options *eo, const msb_dataset *ds, msb_backend *model,
    msb_judge *judge, const cli_config *cfg, const char *prog)
{
	msb_eval_options dry = *eo;
	msb_eval_stats st;
	msb_eval *ev = NULL;
	int batch = 0, rc;

	if (cli_config_get_bool(&batch, cfg, "run.batch") < 0 || !batch || eo->dry_run ||
	    (eo->max_requests <= 0 && eo->max_total_tokens <= 0))
		return 0;
	/* the dry run's count: units without a finished record (a resume reads the journal) */
	dry.dry_run = 1;
	dry.progress = NULL;
	dry.progress_userdata = NULL;
	st.version = MSB_EVAL_STATS_VERSION;
	if ((rc = msb_eval_new(&ev, ds, model, judge, &dry)) < 0 || (rc = msb_eval_run(ev)) < 0 ||
	    (rc = msb_eval_get_stats(&st, ev)) < 0) {
		msb_eval_free(ev);
		return cli_lib_error("run", rc);
	}
	msb_eval_free(ev);
	if (eo->max_requests > 0 && (long long)st.est_requests > eo->max_requests) {
		fprintf(stderr, "%s: --batch would submit %zu model requests at once, more than "
		    "--max-requests %lld (a batch cannot stop half way); nothing was submitted: raise the "
		    "budget, run a part (--limit, --shard), or run online without --batch\n", prog,
		    st.est_requests, eo->max_requests);
		return CLI_EXIT_FAIL;
	}
	if (eo->max_total_tokens > 0 && st.est_tokens > eo->max_total_tokens) {
		fprintf(stderr, "%s: --batch would submit %zu model requests of up to about %lld tokens "
		    "(prompt characters / 4 + max tokens), more than --max-total-tokens %lld (a batch "
		    "cannot stop half way); nothing was submitted: raise the budget, run a part "
		    "(--limit, --shard), or run online without --batch\n", prog, st.est_requests,
		    st.est_tokens, eo->max_total_tokens);
		return CLI_EXIT_FAIL;
	}
	return 0;
}
