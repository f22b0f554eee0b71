/*
 * lib/results/results.c - reading results.jsonl into records: streamed line
 * by line through the run folder's reader (lib/runfolder/reader.c), torn
 * and corrupt lines skipped and counted, the last record of an (id,
 * sample) winning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "medsafety/dataset.h"
#include "medsafety/stats.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "results/results.h"
#include "runfolder/runfolder.h"

char *msb__results_path(const char *path)
{
	return msb__rf_path(path, "results.jsonl");
}

static const char *sdup(msb_results *r, const char *s, int text)
{
	if (!s || (text && (r->flags & MSB_RESULTS_NO_TEXT)))
		return NULL;
	return msb_arena_strdup(&r->arena, s);
}

/* Short fields that repeat from record to record (source, split, judge, hash) share a copy. */
static const char *shared(msb_results *r, int slot, const char *s)
{
	if (!s)
		return NULL;
	if (r->last[slot] && !strcmp(r->last[slot], s))
		return r->last[slot];
	r->last[slot] = msb_arena_strdup(&r->arena, s);
	return r->last[slot];
}

/* The line has the string but the arena could not copy it: out of memory. */
static int lost(const char *s, const char *copy)
{
	return s && !copy;
}

/* One line of the journal, parsed and checked by the run folder's codec (lib/runfolder). */
static int add_line(const msb__rf_line *l, void *ud)
{
	msb_results *r = ud;
	msb__rf_record x;
	struct msb_record rec;
	char key[4200];
	size_t at, off = l->off;
	int existed = 0, oom = 0, text = !(r->flags & MSB_RESULTS_NO_TEXT);

	r->line_no = l->no;
	if (!l->obj) {
		if (r->skipped < MSB_RESULTS_SKIPPED_KEPT)
			r->skipped_at[r->skipped] = r->line_no;
		r->skipped++;
		return 0;
	}
	msb__rf_record_parse(l->obj, &x);
	memset(&rec, 0, sizeof rec);
	rec.id = sdup(r, x.id, 0);
	rec.sample = x.sample;
	rec.principle = x.principle;
	rec.category = x.category;
	rec.kind = !strcmp(x.kind, "benign") ? MSB_KIND_BENIGN : MSB_KIND_HARMFUL;
	rec.source = shared(r, 0, x.source);
	rec.split = shared(r, 1, x.split);
	rec.prompt = sdup(r, x.prompt, 1);
	rec.response = sdup(r, x.response, 1);
	rec.score = x.score;
	rec.judge_name = shared(r, 2, x.judge_name);
	rec.judge_reason = sdup(r, x.judge_reason, 1);
	rec.judge_raw = sdup(r, x.judge_raw, 1);
	if (x.error_stage) {
		rec.error_stage = shared(r, 4, x.error_stage);
		rec.error_kind = sdup(r, x.error_kind, 0);
		rec.error_message = sdup(r, x.error_message, 0);
	}
	rec.config_hash = shared(r, 3, x.config_hash);
	rec.attempts = x.attempts;
	rec.latency_ms = x.latency_ms;
	rec.prompt_tokens = x.prompt_tokens;
	rec.completion_tokens = x.completion_tokens;
	rec.reasoning_tokens = x.reasoning_tokens;
	rec.cached_tokens = x.cached_tokens;
	rec.judge_prompt_tokens = x.judge_prompt_tokens;
	rec.judge_completion_tokens = x.judge_completion_tokens;
	rec.judge_reasoning_tokens = x.judge_reasoning_tokens;
	rec.judge_cached_tokens = x.judge_cached_tokens;
	rec.model_cached = x.cached;
	rec.judge_cached = x.judge_cached;
	rec.line_off = off;
	rec.line_len = l->len;
	oom = !rec.id || lost(x.source, rec.source) || lost(x.split, rec.split) ||
	    lost(x.judge_name, rec.judge_name) || lost(x.config_hash, rec.config_hash) ||
	    lost(x.error_stage, rec.error_stage) || lost(x.error_kind, rec.error_kind) ||
	    lost(x.error_message, rec.error_message) ||
	    (text && (lost(x.prompt, rec.prompt) || lost(x.response, rec.response) ||
	        lost(x.judge_reason, rec.judge_reason) || lost(x.judge_raw, rec.judge_raw)));
	if (oom)
		return msb__error_set(MSB_ENOMEM, "%s: out of memory reading the record at byte %zu",
		    r->path, off);
	snprintf(key, sizeof key, "%.4000s\x1f%d", rec.id, rec.sample);
	if (msb_results_find(r, rec.id, rec.sample)) {
		msb_strmap_get(&r->index, key, &at);
		existed = 1;
	} else {
		if (r->n == r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : 256;
			struct msb_record *nr = msb__reallocarray(r->recs, ncap, sizeof *nr);
			if (!nr)
				return MSB_ENOMEM;
			r->recs = nr;
			r->cap = ncap;
		}
		at = r->n++;
		oom = msb_strmap_put(&r->index, key, at, NULL) != 0;
	}
	(void)existed;
	r->recs[at] = rec;
	return oom ? MSB_ENOMEM : 0;
}

int msb_results_open(msb_results **out, const char *path, unsigned int flags)
{
	msb_results *r;
	size_t i;
	int rc;

	if (!out || !path)
		return msb__error_set(MSB_EINVAL, "msb_results_open: NULL argument");
	*out = NULL;
	r = msb__calloc(1, sizeof *r);
	if (!r)
		return MSB_ENOMEM;
	r->flags = flags;
	r->path = msb__results_path(path);
	if (!r->path) {
		msb__free(r);
		return MSB_ENOMEM;
	}
	if ((rc = msb__rf_each_path(r->path, MSB__RF_RECORD, add_line, r))) {
		msb_results_free(r);
		return rc;
	}
	for (i = 0; i < r->n; i++) {
		const char *h = r->recs[i].config_hash;
		if (r->recs[i].error_stage)
			r->errors++;
		if (!h)
			continue;
		if (!r->config_hash)
			r->config_hash = h;
		else if (strcmp(r->config_hash, h))
			r->config_hash = "mixed";
	}
	*out = r;
	return 0;
}

void msb_results_free(msb_results *r)
{
	if (!r)
		return;
	msb_arena_dispose(&r->arena);
	msb_strmap_dispose(&r->index);
	msb__free(r->recs);
	msb__free(r->path);
	msb__free(r);
}

size_t msb_results_count(const msb_results *r)
{
	return r ? r->n : 0;
}

const msb_record *msb_results_record(const msb_results *r, size_t i)
{
	return r && i < r->n ? &r->recs[i] : NULL;
}

const msb_record *msb_results_find(const msb_results *r, const char *id, int sample)
{
	char key[4200];
	size_t at;

	if (!r || !id)
		return NULL;
	snprintf(key, sizeof key, "%.4000s\x1f%d", id, sample);
	return msb_strmap_get(&r->index, key, &at) ? &r->recs[at] : NULL;
}

size_t msb_results_skipped_lines(const msb_results *r)
{
	return r ? r->skipped : 0;
}

size_t msb_results_skipped_line(const msb_results *r, size_t i)
{
	return r && i < r->skipped && i < MSB_RESULTS_SKIPPED_KEPT ? r->skipped_at[i] : 0;
}

const char *msb_results_config_hash(const msb_results *r)
{
	return r ? r->config_hash : NULL;
}

size_t msb_results_error_count(const msb_results *r)
{
	return r ? r->errors : 0;
}

const char *msb__record_id(const msb_record *rec) { return rec ? rec->id : NULL; }
int msb__record_sample(const msb_record *rec) { return rec ? rec->sample : 0; }
int msb__record_score(const msb_record *rec) { return rec ? rec->score : 0; }
const char *msb__record_error_stage(const msb_record *rec) { return rec ? rec->error_stage : NULL; }

int msb_results_record_json(char **out, const msb_results *r, const msb_record *rec)
{
	ssize_t got;
	char *line;
	int fd;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_results_record_json: NULL out");
	*out = NULL;
	if (!r || !rec || rec < r->recs || rec >= r->recs + r->n)
		return msb__error_set(MSB_EINVAL, "msb_results_record_json: not a record of these results");
	if (!(line = msb__malloc(rec->line_len + 1)))
		return msb__error_set(MSB_ENOMEM, "%s: out of memory", r->path);
	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msb__free(line);
		return msb__error_set(MSB_EIO, "%s: cannot open: %s", r->path, strerror(errno));
	}
	got = pread(fd, line, rec->line_len, (off_t)rec->line_off);
	close(fd);
	if (got != (ssize_t)rec->line_len) {
		msb__free(line);
		return msb__error_set(MSB_EIO, "%s: cannot read the record at byte %zu", r->path,
		    rec->line_off);
	}
	line[rec->line_len] = '\0';
	*out = line;
	return 0;
}

int msb_record_info_get(msb_record_info *out, const msb_record *rec)
{
	msb_record_info info;
	int rc;

	if (!out || !rec)
		return msb__error_set(MSB_EINVAL, "msb_record_info_get: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_RECORD_INFO_VERSION, "msb_record_info_get",
	    "msb_record_info")))
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.id = rec->id;
	info.sample = rec->sample;
	info.kind = rec->kind;
	info.principle = rec->principle;
	info.category = rec->category;
	info.source = rec->source;
	info.split = rec->split;
	info.prompt = rec->prompt;
	info.response = rec->response;
	info.score = rec->score;
	info.judge_name = rec->judge_name;
	info.judge_reason = rec->judge_reason;
	info.judge_raw = rec->judge_raw;
	info.error_stage = rec->error_stage;
	/* results.jsonl keeps the stage, kind and message of an error, not its code */
	info.error.code = rec->error_stage ? MSB_ERROR : 0;
	info.error.kind = rec->error_kind;
	info.error.message = rec->error_message;
	info.usage.prompt_tokens = rec->prompt_tokens;
	info.usage.completion_tokens = rec->completion_tokens;
	info.usage.attempts = rec->attempts;
	info.usage.latency_ms = rec->latency_ms;
	info.config_hash = rec->config_hash;
	/* version 1 is the only layout: a later one copies the prefix its version knows */
	*out = info;
	return 0;
}
