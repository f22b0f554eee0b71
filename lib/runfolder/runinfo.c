/*
 * lib/runfolder/runinfo.c - run.json: its one reader and its one layout
 * on disk (the runner and merge write through msb__rf_runinfo_write), and
 * the public reader (msb_run_info_*) for the CLI and the bindings.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/runfolder.h"
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
};

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
	*out = info;
	return 0;
}

void msb_run_info_free(msb_run_info *info)
{
	if (!info)
		return;
	json_decref(info->root);
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

int msb_run_info_fields(msb_run_fields *out, const msb_run_info *info)
{
	json_t *r, *ds;

	if (!info || !out)
		return msb__error_set(MSB_EINVAL, "msb_run_info_fields: NULL argument");
	if (out->version < 1 || out->version > MSB_RUN_FIELDS_VERSION)
		return msb__error_set(MSB_EVERSION, "msb_run_fields: version %u, this library knows 1..%d",
		    out->version, MSB_RUN_FIELDS_VERSION);
	r = info->root;
	ds = json_object_get(r, "dataset");
	memset((char *)out + sizeof out->version, 0, sizeof *out - sizeof out->version);
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
