/*
 * lib/eval/eval_folder_runinfo.c - the run's identity (config_hash), its provenance
 * (run.json). Its statistics (summary.json) are not the runner's: see
 * msb_run_write_summary (lib/results/finish.c).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/results.h"
#include "medsafety/runfolder.h"
#include "medsafety/version.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/sha256.h"
#include "backend/backend.h"
#include "dataset/dataset.h"
#include "eval/batch.h"
#include "eval/eval_folder.h"
#include "eval/eval_state.h"
#include "judge/llm.h"
#include "results/results.h"
#include "runfolder/runfolder.h"

/*
 * The configuration hash covers what decides the records: the model
 * (backend identity without the server's URL: replicas of one model
 * share it), the generation settings, the number of samples and
 * the judge. Not the dataset (shards of one run differ there and must
 * merge), not concurrency, budgets, cache or folder.
 */
int msb__eval_config_hash(msb_eval *ev)
{
	msb_buf b = MSB_BUF_INIT;
	const char *jh = ev->judge ? msb_judge_config_hash(ev->judge) : NULL;

	const char *id = msb_backend_identity(ev->backend);

	/* the model, not the replica that serves it: the URL is provenance (run.json) */
	msb_buf_printf(&b, "medsafety-config/1\nbackend=%.*s\nsystem=%zu:%s\nmax_tokens=%d\n"
	    "temperature=%.17g\ntop_p=%.17g\nepochs=%d\nseed=%lld\nhas_seed=%d\njudge=%s\njudge_config=%s\n",
	    (int)msb__identity_model_len(id), id ? id : "", strlen(ev->system_prompt), ev->system_prompt,
	    ev->o.max_tokens, ev->o.temperature, ev->o.top_p, ev->o.epochs,
	    (ev->o.has_seed || ev->o.epochs > 1) ? ev->o.seed : 0LL, ev->o.has_seed || ev->o.epochs > 1,
	    ev->judge ? msb_judge_name(ev->judge) : "-", jh ? jh : "-");
	if (b.failed) {
		msb_buf_dispose(&b);
		return MSB_ENOMEM;
	}
	msb_sha256_hex(b.ptr, b.len, ev->config_hash);
	msb_buf_dispose(&b);
	return 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? msb__json_text(s) : json_null();
}

/* One stage's tokens as run.json shows them: null where no record reported the part. */
static json_t *usage_json(const msb_usage_totals *u)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "records", json_integer((json_int_t)u->records));
	json_object_set_new(o, "prompt_tokens", json_integer(u->prompt_tokens));
	json_object_set_new(o, "completion_tokens", json_integer(u->completion_tokens));
	json_object_set_new(o, "reasoning_tokens", u->reasoning_reported ?
	    json_integer(u->reasoning_tokens) : json_null());
	json_object_set_new(o, "cached_tokens", u->cached_reported ?
	    json_integer(u->cached_tokens) : json_null());
	json_object_set_new(o, "cache_hits", json_integer((json_int_t)u->cache_hits)); /* --cache */
	return o;
}

/*
 * The tokens of the whole run folder per stage: the records kept on resume
 * plus this session's (ev->usage, kept as the journal wrote them: the
 * journal is not read back), answers from a response cache left out: the
 * base of a cost figure (docs/providers.md). NULL when out of memory (run.json
 * then goes without it).
 */
static json_t *run_usage(const msb_eval *ev)
{
	json_t *o = json_object();

	if (o) {
		json_object_set_new(o, "model", usage_json(&ev->usage[MSB_STAGE_MODEL]));
		json_object_set_new(o, "judge", usage_json(&ev->usage[MSB_STAGE_JUDGE]));
	}
	return o;
}

int msb__runinfo_write(msb_eval *ev, const char *status)
{
	json_t *o = json_object(), *ds = json_object(), *model = json_object(), *judge = json_object(),
	       *opt = json_object(), *counts = json_object();
	char end[32], hex[65], policy_hex[65];
	int rc;

	if (!o || !ds || !model || !judge || !opt || !counts) {
		json_decref(o), json_decref(ds), json_decref(model), json_decref(judge);
		json_decref(opt), json_decref(counts);
		return MSB_ENOMEM;
	}
	json_object_set_new(o, "library", json_string("libmedsafety"));
	json_object_set_new(o, "version", json_string(msb_version()));
	json_object_set_new(o, "config_hash", json_string(ev->config_hash));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(ds, "hash", json_string(ev->dataset_hash));
	json_object_set_new(ds, "items", json_integer((json_int_t)ev->n_items));
	json_object_set_new(ds, "units", json_integer((json_int_t)ev->total));
	{
		/* the shard and its selection: merge checks coverage with them */
		unsigned int si, sn;
		size_t sel_items;
		const char *sel_hash;
		json_t *sh = json_object();
		msb__dataset_shard_info(ev->ds, &si, &sn, &sel_items, &sel_hash);
		json_object_set_new(sh, "index", json_integer(si));
		json_object_set_new(sh, "count", json_integer(sn));
		json_object_set_new(ds, "shard", sh);
		json_object_set_new(ds, "selection_items", json_integer((json_int_t)sel_items));
		json_object_set_new(ds, "selection_hash", json_string(sel_hash ? sel_hash : ev->dataset_hash));
	}
	json_object_set_new(o, "dataset", ds);
	json_object_set_new(model, "identity", str_or_null(msb_backend_identity(ev->backend)));
	{
		/* what the configuration hash and the cache take of the identity (no URL) */
		const char *id = msb_backend_identity(ev->backend);
		json_object_set_new(model, "hash_identity",
		    id ? json_stringn(id, msb__identity_model_len(id)) : json_null());
	}
	json_object_set_new(model, "system_prompt", str_or_null(ev->system_prompt));
	if (ev->system_prompt) {
		msb_sha256_hex(ev->system_prompt, strlen(ev->system_prompt), hex);
		json_object_set_new(model, "system_prompt_hash", json_string(hex));
	}
	json_object_set_new(model, "max_tokens", json_integer(ev->o.max_tokens));
	json_object_set_new(model, "temperature", json_real(ev->o.temperature));
	json_object_set_new(model, "top_p", json_real(ev->o.top_p));
	json_object_set_new(model, "epochs", json_integer(ev->o.epochs));
	json_object_set_new(model, "seed", (ev->o.has_seed || ev->o.epochs > 1) ?
	    json_integer(ev->o.seed) : json_null());
	json_object_set_new(o, "model", model);
	json_object_set_new(judge, "name", ev->judge ? str_or_null(msb_judge_name(ev->judge)) : json_null());
	json_object_set_new(judge, "config_hash",
	    str_or_null(ev->judge ? msb_judge_config_hash(ev->judge) : NULL));
	if (ev->judge && msb__llm_judge_hashes(ev->judge, hex, policy_hex)) {
		json_object_set_new(judge, "template_hash", json_string(hex));
		json_object_set_new(judge, "policy_hash", json_string(policy_hex));
	}
	json_object_set_new(o, "judge", judge);
	json_object_set_new(opt, "concurrency", json_integer(ev->o.concurrency));
	json_object_set_new(opt, "judge_concurrency", json_integer(ev->o.judge_concurrency));
	json_object_set_new(opt, "model_in_flight", json_integer(ev->model_window));
	json_object_set_new(opt, "judge_in_flight", json_integer(ev->judge ? ev->judge_window : 0));
	json_object_set_new(opt, "workers", json_integer(ev->o.workers));
	json_object_set_new(opt, "retries", json_integer(ev->o.retries));
	json_object_set_new(opt, "resume", json_boolean(ev->o.resume));
	json_object_set_new(opt, "force", json_boolean(ev->o.force));
	json_object_set_new(opt, "retry_errors", json_boolean(ev->o.retry_errors));
	json_object_set_new(opt, "cache_dir", str_or_null(ev->cache_dir));
	json_object_set_new(opt, "max_requests", json_integer(ev->o.max_requests));
	json_object_set_new(opt, "max_total_tokens", json_integer(ev->o.max_total_tokens));
	json_object_set_new(opt, "fsync_interval_ms", json_integer(ev->o.fsync_interval_ms));
	json_object_set_new(o, "options", opt);
	if (ev->config)
		json_object_set(o, "config", ev->config);
	json_object_set_new(o, "start_time",
	    json_string(ev->first_start_time[0] ? ev->first_start_time : ev->start_time));
	json_object_set_new(o, "session_start_time", json_string(ev->start_time));
	if (strcmp(status, "running")) {
		msb__iso8601_now(end);
		json_object_set_new(o, "end_time", json_string(end));
	} else {
		json_object_set_new(o, "end_time", json_null());
	}
	json_object_set_new(counts, "done", json_integer((json_int_t)ev->st.done));
	json_object_set_new(counts, "resumed", json_integer((json_int_t)ev->st.resumed));
	json_object_set_new(counts, "finished", json_integer((json_int_t)ev->st.finished));
	json_object_set_new(counts, "errors", json_integer((json_int_t)ev->st.errors));
	json_object_set_new(counts, "model_requests", json_integer((json_int_t)ev->st.model_requests));
	json_object_set_new(counts, "judge_requests", json_integer((json_int_t)ev->st.judge_requests));
	json_object_set_new(counts, "cache_hits", json_integer((json_int_t)ev->st.cache_hits));
	json_object_set_new(counts, "prompt_tokens", json_integer(ev->st.prompt_tokens));
	json_object_set_new(counts, "completion_tokens", json_integer(ev->st.completion_tokens));
	json_object_set_new(o, "session", counts);
	if (strcmp(status, "running")) {
		json_t *u = run_usage(ev);
		if (u)
			json_object_set_new(o, "usage", u);
	}
	{
		/* the batch stages (docs/batch.md): ids, counts, discount */
		json_t *batch = msb__batch_runinfo(ev->out_dir);
		if (batch)
			json_object_set_new(o, "batch", batch);
	}
	rc = msb__rf_runinfo_write(ev->out_dir, o);
	json_decref(o);
	if (!rc)
		ev->runinfo_written = 1;
	return rc;
}
