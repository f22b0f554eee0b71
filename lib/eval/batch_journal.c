/*
 * lib/eval/batch_journal.c - OUT/batch/batches.jsonl: one line when a
 * batch is created (its id, input file and custom ids; fsync'd before the
 * batch is polled, so a kill at any later point finds it) and one when it
 * ended and its answers are stored. A "submitted" line without an "ended"
 * line is a batch to poll again on resume; every custom id counts as
 * submitted, so nothing goes in twice. Also run.json's "batch" block.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/jsonmem.h"
#include "core/lines.h"
#include "eval/batch.h"

static msb__batch_entry *find(msb__batch_journal *j, const char *batch_id)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (!strcmp(j->e[i].batch_id, batch_id))
			return &j->e[i];
	return NULL;
}

static msb__batch_entry *add(msb__batch_journal *j)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 16;
		msb__batch_entry *e = msb__realloc(j->e, cap * sizeof *e);
		if (!e)
			return NULL;
		j->e = e;
		j->cap = cap;
	}
	memset(&j->e[j->n], 0, sizeof j->e[j->n]);
	return &j->e[j->n++];
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static size_t num(json_t *o, const char *k)
{
	json_int_t v = json_integer_value(json_object_get(o, k));
	return v > 0 ? (size_t)v : 0;
}

static int count_sub(msb__batch_journal *j, const char *cid)
{
	size_t n = 0;

	msb_strmap_get(&j->subs, cid, &n);
	return msb_strmap_put(&j->subs, cid, n + 1, NULL) ? MSB_ENOMEM : 0;
}

static int load_line(const char *line, size_t len, size_t off, void *ud)
{
	msb__batch_journal *j = ud;
	json_t *o = json_loadb(line, len, 0, NULL), *ids, *v;
	const char *ev = json_string_value(json_object_get(o, "event"));
	const char *id = json_string_value(json_object_get(o, "batch"));
	msb__batch_entry *e;
	size_t i;
	int rc = 0;

	(void)off;
	if (!ev || !id || strlen(id) >= sizeof e->batch_id)
		goto out; /* a damaged line */
	if (!strcmp(ev, "submitted") && !find(j, id)) {
		if (!(e = add(j))) {
			rc = MSB_ENOMEM;
			goto out;
		}
		copy(e->stage, sizeof e->stage, json_string_value(json_object_get(o, "stage")));
		copy(e->provider, sizeof e->provider, json_string_value(json_object_get(o, "provider")));
		copy(e->batch_id, sizeof e->batch_id, id);
		copy(e->input_file, sizeof e->input_file, json_string_value(json_object_get(o, "input_file")));
		e->requests = num(o, "requests");
		ids = json_object_get(o, "custom_ids");
		json_array_foreach(ids, i, v)
			if (json_is_string(v) && (rc = count_sub(j, json_string_value(v))))
				goto out;
	} else if (!strcmp(ev, "ended") && (e = find(j, id))) {
		e->ended = 1;
		copy(e->status, sizeof e->status, json_string_value(json_object_get(o, "status")));
		e->succeeded = num(o, "succeeded");
		e->failed = num(o, "failed");
		e->prompt_tokens = (long long)num(o, "prompt_tokens");
		e->completion_tokens = (long long)num(o, "completion_tokens");
	}
out:
	json_decref(o);
	return rc;
}

int msb__batch_journal_open(msb__batch_journal *j, const char *dir, int resume)
{
	size_t n = strlen(dir) + sizeof "/batches.jsonl";
	off_t end = 0;
	struct stat st;
	int rc;

	memset(j, 0, sizeof *j);
	j->fd = -1;
	if (!(j->path = msb__malloc(n)))
		return MSB_ENOMEM;
	snprintf(j->path, n, "%s/batches.jsonl", dir);
	j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC | (resume ? 0 : O_TRUNC), 0644);
	if (j->fd < 0)
		return msb__error_set(MSB_EIO, "%s: cannot open: %s", j->path, strerror(errno));
	if (resume) {
		if ((rc = msb__lines_each(&end, j->fd, j->path, load_line, j)))
			return rc;
		/* a torn last line: that batch was not journaled (its creation is repeated) */
		if (fstat(j->fd, &st) == 0 && st.st_size > end && ftruncate(j->fd, end) < 0)
			return msb__error_set(MSB_EIO, "%s: cannot repair the torn last line: %s",
			    j->path, strerror(errno));
	}
	if (lseek(j->fd, 0, SEEK_END) < 0)
		return msb__error_set(MSB_EIO, "%s: seek failed: %s", j->path, strerror(errno));
	return 0;
}

static int append(msb__batch_journal *j, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t len, done = 0;
	int rc = 0;

	json_decref(o);
	if (!s)
		return MSB_ENOMEM;
	len = strlen(s);
	s[len] = '\n'; /* replaces the NUL: written with its length */
	while (done < len + 1) {
		ssize_t w = write(j->fd, s + done, len + 1 - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = msb__error_set(MSB_EIO, "%s: write failed: %s", j->path, strerror(errno));
			break;
		}
		done += (size_t)w;
	}
	s[len] = '\0';
	msb__json_free(s);
	if (!rc && fsync(j->fd) < 0)
		rc = msb__error_set(MSB_EIO, "%s: fsync failed: %s", j->path, strerror(errno));
	return rc;
}

int msb__batch_journal_submitted(msb__batch_journal *j, const char *stage, const char *provider,
    const char *batch_id, const char *input_file, const char *const *custom_ids, size_t n)
{
	json_t *o = json_object(), *ids = json_array();
	msb__batch_entry *e;
	char now[32];
	size_t i;
	int rc;

	if (!o || !ids) {
		json_decref(o);
		json_decref(ids);
		return MSB_ENOMEM;
	}
	msb__iso8601_now(now);
	for (i = 0; i < n; i++)
		json_array_append_new(ids, json_string(custom_ids[i]));
	json_object_set_new(o, "event", json_string("submitted"));
	json_object_set_new(o, "stage", json_string(stage));
	json_object_set_new(o, "provider", json_string(provider));
	json_object_set_new(o, "batch", json_string(batch_id));
	json_object_set_new(o, "input_file", json_string(input_file));
	json_object_set_new(o, "requests", json_integer((json_int_t)n));
	json_object_set_new(o, "time", json_string(now));
	json_object_set_new(o, "custom_ids", ids);
	if ((rc = append(j, o)))
		return rc;
	if (!(e = add(j)))
		return MSB_ENOMEM;
	copy(e->stage, sizeof e->stage, stage);
	copy(e->provider, sizeof e->provider, provider);
	copy(e->batch_id, sizeof e->batch_id, batch_id);
	copy(e->input_file, sizeof e->input_file, input_file);
	e->requests = n;
	for (i = 0; i < n; i++)
		if ((rc = count_sub(j, custom_ids[i])))
			return rc;
	return 0;
}

int msb__batch_journal_ended(msb__batch_journal *j, size_t entry, const msb__batch_state *st,
    size_t succeeded, size_t failed, long long prompt_tokens, long long completion_tokens)
{
	msb__batch_entry *e = &j->e[entry];
	json_t *o = json_object();
	char now[32];

	if (!o)
		return MSB_ENOMEM;
	msb__iso8601_now(now);
	json_object_set_new(o, "event", json_string("ended"));
	json_object_set_new(o, "stage", json_string(e->stage));
	json_object_set_new(o, "batch", json_string(e->batch_id));
	json_object_set_new(o, "status", json_string(st->status));
	json_object_set_new(o, "output_file", st->output_file[0] ? json_string(st->output_file) : json_null());
	json_object_set_new(o, "error_file", st->error_file[0] ? json_string(st->error_file) : json_null());
	json_object_set_new(o, "succeeded", json_integer((json_int_t)succeeded));
	json_object_set_new(o, "failed", json_integer((json_int_t)failed));
	json_object_set_new(o, "prompt_tokens", json_integer(prompt_tokens));
	json_object_set_new(o, "completion_tokens", json_integer(completion_tokens));
	json_object_set_new(o, "time", json_string(now));
	e->ended = 1;
	e->prompt_tokens = prompt_tokens;
	e->completion_tokens = completion_tokens;
	copy(e->status, sizeof e->status, st->status);
	e->succeeded = succeeded;
	e->failed = failed;
	return append(j, o);
}

size_t msb__batch_journal_subs(const msb__batch_journal *j, const char *custom_id)
{
	size_t n = 0;

	msb_strmap_get(&j->subs, custom_id, &n);
	return n;
}

void msb__batch_journal_close(msb__batch_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	msb__free(j->path);
	msb__free(j->e);
	msb_strmap_dispose(&j->subs);
	memset(j, 0, sizeof *j);
	j->fd = -1;
}

/*
 * {"discount": 0.5, "model": {"provider", "batches": [{id, status, requests}],
 * "requests", "succeeded", "failed", "prompt_tokens", "completion_tokens",
 * "discount"}, "judge": {...}}: the batch APIs bill half the online price
 * for every request they answer (the tokens here are those answers');
 * requests that went online pay in full.
 */
json_t *msb__batch_runinfo(const char *out_dir)
{
	msb__batch_journal j;
	char dir[4096];
	json_t *o = NULL;
	size_t i;

	snprintf(dir, sizeof dir, "%s/batch", out_dir);
	if (!msb__is_dir(dir))
		return NULL;
	{
		char path[4200];
		struct stat st;
		snprintf(path, sizeof path, "%s/batches.jsonl", dir);
		if (stat(path, &st) < 0)
			return NULL;
	}
	if (msb__batch_journal_open(&j, dir, 1) || !j.n) {
		msb__batch_journal_close(&j);
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, "discount", json_real(0.5));
	for (i = 0; o && i < j.n; i++) {
		const msb__batch_entry *e = &j.e[i];
		json_t *s = json_object_get(o, e->stage);
		if (!s) {
			s = json_pack("{s:[], s:i, s:i, s:i, s:i, s:i, s:f}", "batches", "requests", 0,
			    "succeeded", 0, "failed", 0, "prompt_tokens", 0, "completion_tokens", 0,
			    "discount", 0.5);
			json_object_set_new(o, e->stage, s);
		}
		/* the provider of the stage's batches (journals written before name none) */
		if (e->provider[0] && !json_object_get(s, "provider"))
			json_object_set_new(s, "provider", json_string(e->provider));
		json_array_append_new(json_object_get(s, "batches"), json_pack("{s:s, s:s, s:i}",
		    "id", e->batch_id, "status", e->ended ? e->status : "open", "requests",
		    (json_int_t)e->requests));
#define ADD(k, v) json_object_set_new(s, k, json_integer(json_integer_value(json_object_get(s, k)) + (json_int_t)(v)))
		ADD("requests", e->requests);
		ADD("succeeded", e->succeeded);
		ADD("failed", e->failed);
		ADD("prompt_tokens", e->prompt_tokens);
		ADD("completion_tokens", e->completion_tokens);
#undef ADD
	}
	msb__batch_journal_close(&j);
	return o;
}
