/* lib/eval/options.c - option defaults, task queues, the one-call runner. */
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "eval/eval.h"

static const msb_eval_options default_options = MSB_EVAL_OPTIONS_INIT;

int msb_eval_options_init(msb_eval_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_options, version,
	    MSB_EVAL_OPTIONS_VERSION, "msb_eval_options");
}

void msb__taskq_push(msb__taskq *q, msb__task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
}

msb__task *msb__taskq_pop(msb__taskq *q)
{
	msb__task *t = q->head;

	if (!t)
		return NULL;
	q->head = t->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	t->next = NULL;
	return t;
}

void msb__taskq_splice(msb__taskq *dst, msb__taskq *src)
{
	if (!src->head)
		return;
	if (dst->tail)
		dst->tail->next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	dst->n += src->n;
	src->head = src->tail = NULL;
	src->n = 0;
}

int msb_eval_run_simple(const msb_dataset *ds, msb_backend *backend, msb_judge *judge,
    const msb_eval_options *opts, msb_eval_stats *stats)
{
	msb_eval *ev;
	int rc;

	if ((rc = msb_eval_new(&ev, ds, backend, judge, opts)))
		return rc;
	rc = msb__eval_finish_simple(ev, msb_eval_run(ev)); /* + summary.json (runinfo.c) */
	if (stats) {
		/* keep the run's error: get_stats must not overwrite it */
		msb_error saved = *msb_error_last();
		char msg[1024];
		strncpy(msg, saved.message, sizeof msg - 1);
		msg[sizeof msg - 1] = '\0';
		if (msb_eval_get_stats(ev, stats) == 0 && rc)
			msb__error_set(saved.code, "%s", msg);
	}
	msb_eval_free(ev);
	return rc;
}
