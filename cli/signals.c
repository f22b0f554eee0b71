/*
 * cli/signals.c - SIGINT, SIGTERM and SIGHUP (a batch system's stop, a
 * closed terminal) all cancel the run cleanly: the journal is flushed, the
 * reports are written, the caller exits 128 + the signal. A second Ctrl-C
 * quits at once.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <medsafety/medsafety.h>

#include "signals.h"

static volatile sig_atomic_t g_caught;
static cli_cancel_fn g_fn;
static void *g_arg;
static struct sigaction g_old_int, g_old_term, g_old_hup;

static void on_signal(int sig)
{
	static const char first[] =
	    "\nmedsafety: stopping; finished items are kept (Ctrl-C again to quit at once)\n";

	if (g_caught && sig == SIGINT) {
		/* second Ctrl-C: the default action, now */
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
		return;
	}
	g_caught = sig;
	if (write(STDERR_FILENO, first, sizeof first - 1) < 0) {
		/* nothing to do: we are in a signal handler */
	}
	if (g_fn)
		g_fn(g_arg);
}

void cli_signals_install(cli_cancel_fn fn, void *arg)
{
	struct sigaction sa;

	g_fn = fn;
	g_arg = arg;
	g_caught = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &g_old_int);
	sigaction(SIGTERM, &sa, &g_old_term);
	sigaction(SIGHUP, &sa, &g_old_hup);
}

void cli_signals_restore(void)
{
	sigaction(SIGINT, &g_old_int, NULL);
	sigaction(SIGTERM, &g_old_term, NULL);
	sigaction(SIGHUP, &g_old_hup, NULL);
	g_fn = NULL;
	g_arg = NULL;
}

int cli_signals_caught(void)
{
	return (int)g_caught;
}

static void cancel_eval(void *arg)
{
	msb_eval_cancel(arg); /* async-signal-safe */
}

void cli_signals_install_eval(msb_eval *ev)
{
	cli_signals_install(cancel_eval, ev);
}
