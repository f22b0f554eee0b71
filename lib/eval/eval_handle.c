/*
 * lib/eval/eval_handle.c - layer 9 of the runner: msb_eval_new and
 * msb_eval_free, which make and take apart every part below (the
 * options, the cache key, the provenance hash, the windows; the pool, the
 * journal writer, the answers journal).
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "medsafety/sys/backend.h"
#include "medsafety/sys/judge.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sha256.h"
#include "backend/backend.h"
#include "judge/judge.h"
#include "dataset/dataset.h"
#include "eval/eval_cache.h"
#include "eval/eval_folder.h"
#include "eval/eval_options.h"
#include "eval/eval_pool.h"
#include "eval/eval_run.h"
#include "eval/eval_state.h"
#include "backend/completion.h"
#include "judge/verdict.h"

static int dup_opt(char **dst, const char *src)
{
	return msb__strdup_opt(dst, src) ? MSB_ENOMEM : 0;
}

/* run.json's dataset hash: the dataset module's provenance hash */
static int set_dataset_hash(msb_eval *ev, const msb_dataset *ds)
{
	char *hex;
	int rc = msb_dataset_hash(&hex, ds);

	if (rc)
		return rc;
	memcpy(ev->dataset_hash, hex, 65);
	msb_free(hex);
	return 0;
}

int msb_eval_new(msb_eval **out, const msb_dataset *ds, msb_backend *backend, msb_judge *judge,
    const msb_eval_options *opts)
{
	msb_eval *ev;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_eval_new: NULL out");
	*out = NULL;
	if (!ds || !backend)
		return msb__error_set(MSB_EINVAL, "msb_eval_new: a dataset and a backend are needed");
	if ((rc = msb__check_version(opts, MSB_EVAL_OPTIONS_VERSION, "msb_eval_options")))
		return rc;
	ev = msb__calloc(1, sizeof *ev);
	if (!ev)
		return MSB_ENOMEM;
	msb__eval_options_effective(&ev->o, opts); /* eval_options.c: by version, every field explicit */
	ev->efd = -1;
	ev->lock_fd = -1;
	ev->journal.fd = -1;
	ev->loop_epfd = -1;
	ev->answers_fd = -1;
	if (!ev->o.dry_run && !ev->o.out_dir) {
		msb__free(ev);
		return msb__error_set(MSB_EINVAL, "msb_eval_new: out_dir is required (unless dry_run)");
	}
	if (dup_opt(&ev->out_dir, ev->o.out_dir) || dup_opt(&ev->cache_dir, ev->o.cache_dir) ||
	    dup_opt(&ev->system_prompt,
	        ev->o.system_prompt ? ev->o.system_prompt : MSB_EVAL_DEFAULT_SYSTEM_PROMPT)) {
		msb_eval_free(ev);
		return MSB_ENOMEM;
	}
	ev->o.out_dir = ev->out_dir;
	ev->o.cache_dir = ev->cache_dir;
	ev->o.system_prompt = ev->system_prompt;
	if (ev->o.config_json) {
		json_error_t jerr;
		ev->config = json_loads(ev->o.config_json, 0, &jerr);
		if (!json_is_object(ev->config)) {
			int parsed = ev->config != NULL;
			msb_eval_free(ev);
			if (parsed)
				return msb__error_set(MSB_EINVAL,
				    "msb_eval_new: config_json is JSON but not an object");
			return msb__error_set(MSB_EINVAL,
			    "msb_eval_new: config_json is not valid JSON: %s at position %d",
			    jerr.text, jerr.position);
		}
	}
	ev->o.config_json = NULL; /* not kept: ev->config holds it */
	ev->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ev->efd < 0) {
		msb_eval_free(ev);
		return msb__error_set(MSB_EIO, "msb_eval_new: eventfd: %s", strerror(errno));
	}
	if (pthread_mutex_init(&ev->mu, NULL) || pthread_mutex_init(&ev->pmu, NULL) ||
	    pthread_cond_init(&ev->pcond, NULL)) {
		msb_eval_free(ev);
		return msb__error_set(MSB_ERROR, "msb_eval_new: cannot create locks");
	}
	ev->ds = msb__dataset_ref(ds);
	ev->backend = msb__backend_ref(backend);
	ev->judge = judge ? msb__judge_ref(judge) : NULL;
	ev->backend_async = msb_backend_is_async(backend);
	ev->judge_async = judge && msb_judge_is_async(judge);
	ev->judge_inline = judge && !ev->judge_async && (judge->vt.flags & MSB_JUDGE_INLINE) &&
	    (judge->vt.flags & MSB_JUDGE_THREADSAFE);
	ev->n_items = msb_dataset_count(ds);
	ev->total = ev->n_items * (size_t)ev->o.epochs;
	ev->cap = 2 * (size_t)(ev->o.concurrency + ev->o.judge_concurrency) + 1024;
	ev->st.version = MSB_EVAL_STATS_VERSION;
	ev->st.total = ev->total;
	msb__cache_key_base(ev);
	if ((rc = set_dataset_hash(ev, ds)) || (rc = msb__eval_config_hash(ev)) ||
	    (rc = msb__eval_windows(ev))) {
		msb_eval_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

static void free_queue(msb__taskq *q)
{
	msb__task *t;

	while ((t = msb__taskq_pop(q)))
		msb__task_free(t);
}

void msb_eval_free(msb_eval *ev)
{
	msb__task *t;

	if (!ev)
		return;
	msb__pool_stop(ev); /* joins workers: waits for running host callbacks */
	if (ev->journal.started)
		msb__journal_stop(&ev->journal);
	/* tasks abandoned inside an asynchronous backend: it must not call back any more */
	while ((t = ev->async_head)) {
		ev->async_head = t->anext;
		msb__task_free(t);
	}
	if (ev->backend || ev->judge) {
		free_queue(&ev->judge_wait);
		free_queue(&ev->held_model);
		free_queue(&ev->held_judge);
		free_queue(&ev->finished);
		free_queue(&ev->completed);
		free_queue(&ev->jobs);
		pthread_mutex_destroy(&ev->mu);
		pthread_mutex_destroy(&ev->pmu);
		pthread_cond_destroy(&ev->pcond);
	}
	if (ev->efd >= 0)
		close(ev->efd);
	if (ev->loop_epfd >= 0)
		close(ev->loop_epfd);
	msb__answers_close(ev);
	if (ev->model_key_base_ok)
		msb_sha256_discard(&ev->model_key_base);
	if (ev->lock_fd >= 0)
		close(ev->lock_fd);
	msb_judge_free(ev->judge);
	msb_backend_free(ev->backend);
	msb_dataset_free((msb_dataset *)ev->ds);
	msb__free(ev->done);
	msb__free(ev->out_dir);
	msb__free(ev->cache_dir);
	msb__free(ev->batch_verdicts);
	msb__free(ev->system_prompt);
	json_decref(ev->config);
	msb__tally_dispose(&ev->tally);
	msb__free(ev);
}
