/*
 * lib/eval/eval_state.c - layer 2 of the runner: the run handle's shared
 * state (struct msb_eval, eval_state.h) and the calls any part may make on
 * it: cancel, the loop's wake-up, "are we stopping", the accessors.
 */
#include <errno.h>
#include <unistd.h>

#include "core/abi.h"
#include "core/error.h"
#include "backend/backend.h"
#include "judge/judge.h"
#include "eval/eval_state.h"

void msb_eval_cancel(msb_eval *ev)
{
	int saved = errno; /* a signal handler must leave errno alone */
	uint64_t one = 1;

	if (!ev)
		return;
	__atomic_store_n(&ev->cancel, 1, __ATOMIC_SEQ_CST);
	if (write(ev->efd, &one, sizeof one) < 0) {
		/* the counter is full: the loop is awake anyway */
	}
	errno = saved;
}

int msb__eval_cancelled(const msb_eval *ev)
{
	return __atomic_load_n(&ev->cancel, __ATOMIC_SEQ_CST);
}

void msb__loop_wake(msb_eval *ev)
{
	uint64_t one = 1;

	if (write(ev->efd, &one, sizeof one) < 0) {
		/* full counter: already awake */
	}
	if (__atomic_load_n(&ev->in_async_poll, __ATOMIC_SEQ_CST)) {
		if (ev->backend_async)
			msb_backend_wakeup(ev->backend);
		if (ev->judge_async)
			msb_judge_wakeup(ev->judge);
	}
}

int msb__eval_stopping(const msb_eval *ev)
{
	return msb__eval_cancelled(ev) || ev->budget_hit || ev->stop_rc;
}

const char *msb_eval_config_hash(const msb_eval *ev)
{
	return ev ? ev->config_hash : NULL;
}

int msb_eval_get_stats(msb_eval_stats *out, const msb_eval *ev)
{
	int rc;

	if (!ev || !out)
		return msb__error_set(MSB_EINVAL, "msb_eval_get_stats: NULL argument");
	if ((rc = msb__check_version(out, MSB_EVAL_STATS_VERSION, "msb_eval_stats")))
		return rc;
	*out = ev->st;
	return 0;
}
