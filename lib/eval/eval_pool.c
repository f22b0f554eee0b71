/* lib/eval/eval_pool.c - worker threads for synchronous backends and judges (host callbacks). */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "eval/eval_pool.h"
#include "eval/eval_stage.h"
#include "eval/eval_state.h"
#include "backend/completion.h"
#include "judge/verdict.h"
#include "dataset/dataset.h"

static void *worker(void *arg)
{
	msb_eval *ev = arg;

	for (;;) {
		msb__task *t;
		pthread_mutex_lock(&ev->pmu);
		while (!ev->jobs.n && !ev->pool_quit)
			pthread_cond_wait(&ev->pcond, &ev->pmu);
		t = msb__taskq_pop(&ev->jobs);
		pthread_mutex_unlock(&ev->pmu);
		if (!t)
			break; /* quit and nothing left */
		msb__task_run_sync(t);
		pthread_mutex_lock(&ev->mu);
		msb__taskq_push(&ev->completed, t);
		pthread_mutex_unlock(&ev->mu);
		msb__loop_wake(ev);
	}
	return NULL;
}

int msb__pool_start(msb_eval *ev, int n)
{
	int i;

	ev->threads = msb__calloc((size_t)n, sizeof *ev->threads);
	if (!ev->threads)
		return MSB_ENOMEM;
	for (i = 0; i < n; i++) {
		if (pthread_create(&ev->threads[i], NULL, worker, ev)) {
			if (i == 0) {
				msb__free(ev->threads);
				ev->threads = NULL;
				return msb__error_set(MSB_ERROR, "cannot start worker threads");
			}
			break; /* fewer workers still work */
		}
		ev->n_threads = i + 1;
	}
	return 0;
}

void msb__pool_push(msb_eval *ev, msb__task *t)
{
	pthread_mutex_lock(&ev->pmu);
	msb__taskq_push(&ev->jobs, t);
	pthread_cond_signal(&ev->pcond);
	pthread_mutex_unlock(&ev->pmu);
}

void msb__pool_stop(msb_eval *ev)
{
	int i;

	if (!ev->threads)
		return;
	pthread_mutex_lock(&ev->pmu);
	ev->pool_quit = 1;
	/* jobs not yet taken are dropped; they were never sent */
	while (ev->jobs.n)
		msb__task_free(msb__taskq_pop(&ev->jobs));
	pthread_cond_broadcast(&ev->pcond);
	pthread_mutex_unlock(&ev->pmu);
	for (i = 0; i < ev->n_threads; i++)
		pthread_join(ev->threads[i], NULL);
	msb__free(ev->threads);
	ev->threads = NULL;
	ev->n_threads = 0;
}

void msb__pool_take_back(msb_eval *ev, msb__taskq *out)
{
	if (!ev->threads)
		return;
	pthread_mutex_lock(&ev->pmu);
	msb__taskq_splice(out, &ev->jobs);
	pthread_mutex_unlock(&ev->pmu);
}
