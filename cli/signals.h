/*
 * cli/signals.h - SIGINT, SIGTERM and SIGHUP during a run: the first asks the
 * runner to stop cleanly (its cancel is async-signal-safe), so finished
 * work stays in the journal and the run can be resumed; a second SIGINT
 * ends the process at once.
 */
#ifndef MEDSAFETY_CLI_SIGNALS_H
#define MEDSAFETY_CLI_SIGNALS_H

/* Called from the signal handler: must be async-signal-safe. */
typedef void (*cli_cancel_fn)(void *arg);

/* Install the handlers; fn(arg) runs on the first signal. */
void cli_signals_install(cli_cancel_fn fn, void *arg);
struct msb_eval;
/* The same for a run: the first signal calls msb_eval_cancel(ev) (async-signal-safe). */
void cli_signals_install_eval(struct msb_eval *ev);
/* Restore the previous handlers. */
void cli_signals_restore(void);
/* The signal that asked to stop (SIGINT, SIGTERM, SIGHUP), or 0: exit 128 + it. */
int cli_signals_caught(void);

#endif
