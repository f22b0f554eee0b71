/*
 * lib/eval/options.c - option defaults and versions (msb_eval_options
 * version 1: every field as given; version 2: zero means the default),
 * task queues, the one-call runner.
 */
#include <stddef.h>
#include <string.h>

#include "core/abi.h"
#include "core/error.h"
#include "eval/eval.h"

/* What msb_eval_options_init fills in: every default explicit. */
static const msb_eval_options default_options = {
	.version = MSB_EVAL_OPTIONS_VERSION,
	.concurrency = 16,
	.judge_concurrency = 16,
	.max_tokens = 512,
	.temperature = 0.0,
	.top_p = -1.0,
	.epochs = 1,
	.progress_interval_ms = 500,
	.fsync_interval_ms = 1000,
	.cancel_grace_ms = 2000,
};

/* Bytes of a version-1 struct (0.1.0): the fields before has_top_p. */
#define EVAL_V1_SIZE offsetof(msb_eval_options, has_top_p)

int msb_eval_options_init(msb_eval_options *opts, unsigned int version)
{
	/* an older caller's struct is shorter: write only its fields */
	return msb__options_init(opts, version == 1 ? EVAL_V1_SIZE : sizeof *opts, &default_options,
	    version, MSB_EVAL_OPTIONS_VERSION, "msb_eval_options");
}

int msb__eval_options_effective(msb_eval_options *out, const msb_eval_options *opts)
{
	int rc;

	*out = default_options;
	if (!opts)
		return 0;
	if ((rc = msb__check_version(opts, MSB_EVAL_OPTIONS_VERSION, "msb_eval_options")))
		return rc;
	memset(out, 0, sizeof *out);
	memcpy(out, opts, opts->version == 1 ? EVAL_V1_SIZE : sizeof *out);
	if (opts->version >= 2) {
		/* zero means the default; what 0 said in version 1 is -1 or a flag now */
		out->max_tokens = out->max_tokens == 0 ? default_options.max_tokens
		    : out->max_tokens < 0 ? 0 : out->max_tokens;
		if (out->top_p == 0 && !out->has_top_p)
			out->top_p = -1.0;
		else if (out->top_p < 0)
			out->top_p = -1.0;
		out->fsync_interval_ms = out->fsync_interval_ms == 0 ? default_options.fsync_interval_ms
		    : out->fsync_interval_ms < 0 ? 0 : out->fsync_interval_ms;
		out->cancel_grace_ms = out->cancel_grace_ms == 0 ? default_options.cancel_grace_ms
		    : out->cancel_grace_ms < 0 ? 0 : out->cancel_grace_ms;
	} else {
		if (out->fsync_interval_ms < 0)
			out->fsync_interval_ms = default_options.fsync_interval_ms;
		if (out->cancel_grace_ms < 0)
			out->cancel_grace_ms = 0;
	}
	if (out->concurrency <= 0)
		out->concurrency = default_options.concurrency;
	if (out->judge_concurrency <= 0)
		out->judge_concurrency = default_options.judge_concurrency;
	if (out->epochs <= 0)
		out->epochs = default_options.epochs;
	if (out->retries < 0)
		out->retries = 0;
	if (out->progress_interval_ms <= 0)
		out->progress_interval_ms = default_options.progress_interval_ms;
	out->version = MSB_EVAL_OPTIONS_VERSION;
	out->has_top_p = 0; /* not read further: top_p >= 0 is sent */
	return 0;
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

int msb_eval_run_simple(msb_eval_stats *stats, const msb_dataset *ds, msb_backend *backend,
    msb_judge *judge, const msb_eval_options *opts)
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
		if (msb_eval_get_stats(stats, ev) == 0 && rc)
			msb__error_set(saved.code, "%s", msg);
	}
	msb_eval_free(ev);
	return rc;
}
