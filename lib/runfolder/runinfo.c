/*
 * lib/runfolder/runinfo.c - run.json: its one reader and its one layout
 * on disk (the runner and merge write through msb__rf_runinfo_write), and
 * the public reader (msb_run_info_*) for the CLI and the bindings.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "medsafety/runfolder.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/jsonmem.h"
#include "runfolder/runfolder.h"

char *msb__rf_path(const char *path, const char *name)
{
	size_t n;
	char *p;

	if (!msb__is_dir(path))
		return msb__strdup(path);
	n = strlen(path) + strlen(name) + 2;
	p = msb__malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", path, name);
	return p;
}

int msb__rf_runinfo_read(json_t **out, const char *dir)
{
	char *path, *text = NULL;
	size_t len = 0;
	json_error_t err;
	int rc;

	*out = NULL;
	if (!(path = msb__rf_path(dir, "run.json")))
		return MSB_ENOMEM;
	if ((rc = msb__file_read(&text, &len, path))) {
		msb__free(path);
		return rc;
	}
	memset(&err, 0, sizeof err);
	*out = json_loadb(text, len, 0, &err);
	msb__free(text);
	if (!*out)
		rc = json_error_code(&err) == json_error_out_of_memory ?
		    msb__error_set(MSB_ENOMEM, "%s: out of memory", path) :
		    msb__error_set(MSB_EPARSE, "%s:%d: %s", path, err.line, err.text);
	else if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		rc = msb__error_set(MSB_EPARSE, "%s: not a JSON object", path);
	}
	msb__free(path);
	return rc;
}

int msb__rf_runinfo_write(const char *dir, json_t *o)
{
	char *text, *path;
	size_t n;
	int rc;

	n = strlen(dir) + sizeof "/run.json";
	if (!(path = msb__malloc(n)))
		return MSB_ENOMEM;
	snprintf(path, n, "%s/run.json", dir);
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		rc = msb__error_set(MSB_ENOMEM, "%s: out of memory", path);
		msb__free(path);
		return rc;
	}
	rc = msb__file_write_atomic(path, text, strlen(text));
	msb__json_free(text);
	msb__free(path);
	return rc;
}

/* ---- the public reader ---- */

struct msb_run_info {
	json_t *root;
	json_t *cost; /* the folder's cost.json, NULL without one */
};

/* The cost.json next to the run.json read from dir (a folder, or its run.json); NULL when none. */
static json_t *cost_read(const char *dir)
{
	char *path, *slash, *text = NULL;
	size_t n = strlen(dir) + sizeof "/cost.json", len = 0;
	json_t *o = NULL;
	struct stat st;

	if (!(path = msb__malloc(n)))
		return NULL;
	if (msb__is_dir(dir)) {
		snprintf(path, n, "%s/cost.json", dir);
	} else if ((slash = strrchr(dir, '/')) != NULL) {
		snprintf(path, n, "%.*s/cost.json", (int)(slash - dir), dir);
	} else {
		snprintf(path, n, "cost.json");
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && msb__file_read(&text, &len, path) == 0) {
		o = json_loadb(text, len, 0, NULL);
		if (!json_is_object(o)) {
			json_decref(o);
			o = NULL;
		}
	}
	msb__free(text);
	msb__free(path);
	return o;
}

int msb_run_info_open(msb_run_info **out, const char *dir)
{
	msb_run_info *info;
	int rc;

	if (!out || !dir)
		return msb__error_set(MSB_EINVAL, "msb_run_info_open: NULL argument");
	*out = NULL;
	if (!(info = msb__calloc(1, sizeof *info)))
		return MSB_ENOMEM;
	if ((rc = msb__rf_runinfo_read(&info->root, dir))) {
		msb__free(info);
		return rc;
	}
	info->cost = cost_read(dir);
	*out = info;
	return 0;
}

void msb_run_info_free(msb_run_info *info)
{
	if (!info)
		return;
	json_decref(info->root);
	json_decref(info->cost);
	msb__free(info);
}

static json_t *at_path(json_t *o, const char *path)
{
	char key[256];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path += n + (dot ? 1 : 0);
	}
	return o;
}

const char *msb_run_info_string(const msb_run_info *info, const char *path)
{
	return info && path ? json_string_value(at_path(info->root, path)) : NULL;
}

static long long int_at(json_t *o, const char *key, long long dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

/* The shard from dataset.shard, else config.dataset.shard ("I/N", 0.1.0), else 0 of 1. */
static int shard_of(json_t *root, unsigned int *index, unsigned int *count)
{
	json_t *sh = at_path(root, "dataset.shard");
	const char *s = json_string_value(at_path(root, "config.dataset.shard"));
	unsigned int i, n;

	*index = 0;
	*count = 1;
	if (json_is_object(sh)) {
		long long si = int_at(sh, "index", -1), sn = int_at(sh, "count", -1);
		if (si >= 0 && sn >= 1 && si < sn && sn <= 1000000) {
			*index = (unsigned int)si;
			*count = (unsigned int)sn;
			return 1;
		}
	} else if (s && sscanf(s, "%u/%u", &i, &n) == 2 && n >= 1 && i < n && n <= 1000000) {
		*index = i;
		*count = n;
		return 1;
	}
	return 0;
}

/* Zero an out-struct past its version (checked with msb__out_version first). */
static void clear_out(void *out, size_t size)
{
	memset((char *)out + sizeof(unsigned int), 0, size - sizeof(unsigned int));
}

int msb_run_info_fields(msb_run_fields *out, const msb_run_info *info)
{
	json_t *r, *ds;
	int rc;

	if (!info || !out)
		return msb__error_set(MSB_EINVAL, "msb_run_info_fields: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_RUN_FIELDS_VERSION, "msb_run_info_fields",
	    "msb_run_fields")))
		return rc;
	r = info->root;
	ds = json_object_get(r, "dataset");
	clear_out(out, sizeof *out);
	out->status = json_string_value(json_object_get(r, "status"));
	out->config_hash = json_string_value(json_object_get(r, "config_hash"));
	out->library_version = json_string_value(json_object_get(r, "version"));
	out->start_time = json_string_value(json_object_get(r, "start_time"));
	out->session_start_time = json_string_value(json_object_get(r, "session_start_time"));
	out->end_time = json_string_value(json_object_get(r, "end_time"));
	out->dataset_hash = json_string_value(json_object_get(ds, "hash"));
	out->selection_hash = json_string_value(json_object_get(ds, "selection_hash"));
	out->items = int_at(ds, "items", -1);
	out->units = int_at(ds, "units", -1);
	out->selection_items = int_at(ds, "selection_items", -1);
	out->shard_recorded = shard_of(r, &out->shard_index, &out->shard_count);
	out->epochs = (int)int_at(json_object_get(r, "model"), "epochs", 1);
	if (out->epochs < 1)
		out->epochs = 1;
	out->model_identity = json_string_value(at_path(r, "model.identity"));
	out->judge_name = json_string_value(at_path(r, "judge.name"));
	out->partial = json_string_value(json_object_get(r, "partial"));
	out->resumed = int_at(json_object_get(r, "session"), "resumed", 0);
	return 0;
}

int msb_run_info_json(char **out, const msb_run_info *info)
{
	char *s, *copy;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_run_info_json: NULL out");
	*out = NULL;
	if (!info)
		return msb__error_set(MSB_EINVAL, "msb_run_info_json: NULL info");
	s = json_dumps(info->root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	copy = s ? msb__strdup(s) : NULL;
	msb__json_free(s);
	if (!copy)
		return msb__error_set(MSB_ENOMEM, "msb_run_info_json: out of memory");
	*out = copy;
	return 0;
}

int msb_run_info_member_json(char **out, const msb_run_info *info, const char *path)
{
	json_t *v;
	char *s, *copy;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_run_info_member_json: NULL out");
	*out = NULL;
	if (!info || !path)
		return msb__error_set(MSB_EINVAL, "msb_run_info_member_json: NULL argument");
	if (!(v = at_path(info->root, path)))
		return msb__error_set(MSB_ENOTFOUND, "run.json has no %s", path);
	/* sorted and compact: equal JSON, equal text (what the CLI compares between runs) */
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	copy = s ? msb__strdup(s) : NULL;
	msb__json_free(s);
	if (!copy)
		return msb__error_set(MSB_ENOMEM, "msb_run_info_member_json: out of memory");
	*out = copy;
	return 0;
}

/* The top-level members the library writes (the runner's and merge's run.json). */
static const char *const library_members[] = {
	"library", "version", "config_hash", "status", "dataset", "model", "judge", "options",
	"config", "start_time", "session_start_time", "end_time", "session", "usage", "batch",
	"merged_from", "merged_records", "coverage", "partial",
};

int msb_run_info_set_member(const char *dir, const char *name, const char *json)
{
	json_t *root = NULL, *v;
	json_error_t err;
	size_t i;
	int rc;

	if (!dir || !name || !*name || !json)
		return msb__error_set(MSB_EINVAL, "msb_run_info_set_member: NULL or empty argument");
	for (i = 0; i < sizeof library_members / sizeof library_members[0]; i++)
		if (!strcmp(name, library_members[i]))
			return msb__error_set(MSB_EINVAL, "msb_run_info_set_member: \"%s\" is written by "
			    "the library", name);
	memset(&err, 0, sizeof err);
	if (!(v = json_loads(json, JSON_DECODE_ANY, &err)))
		return json_error_code(&err) == json_error_out_of_memory ?
		    msb__error_set(MSB_ENOMEM, "msb_run_info_set_member: out of memory") :
		    msb__error_set(MSB_EINVAL, "msb_run_info_set_member: %s is not JSON: %s", name,
		        err.text);
	if (!(rc = msb__rf_runinfo_read(&root, dir))) {
		if (json_object_set_new(root, name, v))
			rc = msb__error_set(MSB_ENOMEM, "msb_run_info_set_member: out of memory");
		else
			rc = msb__rf_runinfo_write(dir, root);
		v = NULL;
	}
	json_decref(v);
	json_decref(root);
	return rc;
}

/* ---- tokens and cost per stage (run.json "usage" and "batch", cost.json) ---- */

static const char *stage_name(int stage)
{
	return stage == 0 ? "model" : stage == 1 ? "judge" : NULL;
}

static long long tokens_or(json_t *o, const char *key, long long dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? (long long)json_integer_value(v) : dflt;
}

int msb_run_info_usage(const msb_run_info *info, int stage, msb_run_usage *out)
{
	const char *name = stage_name(stage);
	json_t *u, *b, *bs;
	int rc;

	if (!info || !out || !name)
		return msb__error_set(MSB_EINVAL, "msb_run_info_usage: NULL argument or unknown stage %d",
		    stage);
	if ((rc = msb__out_version(out->version, MSB_RUN_USAGE_VERSION, "msb_run_info_usage",
	    "msb_run_usage")))
		return rc;
	clear_out(out, sizeof *out);
	u = json_object_get(json_object_get(info->root, "usage"), name);
	b = json_object_get(info->root, "batch");
	bs = json_object_get(b, name);
	out->reported = json_is_object(u);
	out->records = tokens_or(u, "records", 0);
	out->prompt_tokens = out->records > 0 ? tokens_or(u, "prompt_tokens", 0) : -1;
	out->completion_tokens = out->records > 0 ? tokens_or(u, "completion_tokens", 0) : -1;
	out->reasoning_tokens = tokens_or(u, "reasoning_tokens", -1);
	out->cached_tokens = tokens_or(u, "cached_tokens", -1);
	out->cache_hits = tokens_or(u, "cache_hits", 0);
	out->batch = json_is_object(bs);
	out->batch_discount = 1.0;
	if (out->batch) {
		json_t *d = json_object_get(bs, "discount");
		if (!json_is_number(d))
			d = json_object_get(b, "discount");
		if (json_is_number(d) && json_number_value(d) >= 0 && json_number_value(d) <= 1)
			out->batch_discount = json_number_value(d);
		out->batch_requests = tokens_or(bs, "requests", 0);
		out->batch_prompt_tokens = tokens_or(bs, "prompt_tokens", 0);
		out->batch_completion_tokens = tokens_or(bs, "completion_tokens", 0);
	}
	/* online = all - batch; never below 0 (a batch re-read after a kill counts its tokens once) */
	out->online_prompt_tokens = out->prompt_tokens < 0 ? -1 :
	    out->prompt_tokens > out->batch_prompt_tokens ? out->prompt_tokens - out->batch_prompt_tokens : 0;
	out->online_completion_tokens = out->completion_tokens < 0 ? -1 :
	    out->completion_tokens > out->batch_completion_tokens ?
	    out->completion_tokens - out->batch_completion_tokens : 0;
	return 0;
}

static double num_or(json_t *o, const char *key, double dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : dflt;
}

int msb_run_info_cost(const msb_run_info *info, int stage, msb_run_cost *out)
{
	const char *name = stage_name(stage);
	json_t *c, *u, *total;
	int rc;

	if (!info || !out || !name)
		return msb__error_set(MSB_EINVAL, "msb_run_info_cost: NULL argument or unknown stage %d",
		    stage);
	if ((rc = msb__out_version(out->version, MSB_RUN_COST_VERSION, "msb_run_info_cost",
	    "msb_run_cost")))
		return rc;
	clear_out(out, sizeof *out);
	c = json_object_get(info->cost, name);
	u = json_object_get(json_object_get(info->root, "usage"), name);
	/* a cost.json of other tokens than run.json's (an earlier session's) is not this run's cost */
	if (!json_is_object(c) || !json_is_object(u) ||
	    tokens_or(c, "prompt_tokens", -1) != tokens_or(u, "prompt_tokens", 0) ||
	    tokens_or(c, "completion_tokens", -1) != tokens_or(u, "completion_tokens", 0))
		return 0;
	out->present = 1;
	out->spec = json_string_value(json_object_get(c, "spec"));
	out->batch_discount = num_or(c, "discount", 1.0);
	if (json_is_number(json_object_get(c, "cost"))) {
		json_t *online = json_object_get(c, "online"), *batch = json_object_get(c, "batch");
		out->priced = json_is_number(json_object_get(c, "price_in"));
		out->price_in = num_or(c, "price_in", 0);
		out->price_out = num_or(c, "price_out", 0);
		out->cost = num_or(c, "cost", 0);
		out->online_cost = json_is_object(online) ? num_or(online, "cost", 0) : out->cost;
		out->batch_cost = num_or(batch, "cost", 0);
	}
	total = json_object_get(info->cost, "total");
	out->total_known = json_is_number(total);
	out->total = out->total_known ? json_number_value(total) :
	    num_or(info->cost, "priced_part", 0);
	return 0;
}
