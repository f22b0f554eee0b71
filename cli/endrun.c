/* cli/endrun.c - the end of a run (see endrun.h). */
#include <stdio.h>

#include "cli.h"
#include "endrun.h"
#include "opts.h"
#include "runfiles.h"
#include "signals.h"

int cli_endrun_stopped(int rc)
{
	return rc == MSB_ECANCELED || rc == MSB_ELIMIT;
}

int cli_endrun_status(int rc, const msb_eval_stats *st, const char *cmd, const char *prog,
    const char *dir, const char *resume)
{
	if (rc == 0)
		return CLI_EXIT_OK;
	if (rc == MSB_EEXISTS)
		return cli_already_holds_run(prog, dir);
	if (!cli_endrun_stopped(rc))
		return cli_lib_error(cmd, rc);
	fprintf(stderr, "%s: %s after %zu of %zu; continue with: %s --resume --out %s (and the same "
	    "options)\n", prog, rc == MSB_ECANCELED ? "stopped" : "budget reached", st->done, st->total,
	    resume, dir);
	/* stopped by SIGINT, SIGTERM or SIGHUP: 128 + the signal, as the shell reports it */
	if (rc == MSB_ECANCELED && cli_signals_caught())
		return 128 + cli_signals_caught();
	return CLI_EXIT_FAIL;
}
