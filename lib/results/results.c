/*
 * lib/results/results.c - reading results.jsonl: streamed line by line,
 * torn and corrupt lines skipped and counted, the last record of an
 * (id, sample) winning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "medsafety/dataset.h"
#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/lines.h"
#include "results/results.h"

char *msb__results_path(const char *path)
{
	size_t n;
	char *p;

	if (!msb__is_dir(path))
		return msb__strdup(path);
	n = strlen(path) + sizeof "/results.jsonl";
	p = msb__malloc(n);
	if (p)
		snprintf(p, n, "%s/results.jsonl", path);
	return p;
}

int msb__jsonl_each(const char *path, int (*fn)(const char *line, size_t len, size_t off, void *ud),
    void *ud)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return msb__error_set(errno == ENOENT ? MSB_ENOTFOUND : MSB_EIO, "%s: cannot open: %s",
		    path, strerror(errno));
	rc = msb__lines_each(NULL, fd, path, fn, ud);
	close(fd);
	return rc;
}

static const char *sdup(msb_results *r, json_t *v, int text)
{
	const char *s = json_string_value(v);
	if (!s || (text && (r->flags & MSB_RESULTS_NO_TEXT)))
		return NULL;
	return msb_arena_strdup(&r->arena, s);
}

/* Short fields that repeat from record to record (source, split, judge, hash) share a copy. */
static const char *shared(msb_results *r, int slot, json_t *v)
{
	const char *s = json_string_value(v);

	if (!s)
		return NULL;
	if (r->last[slot] && !strcmp(r->last[slot], s))
		return r->last[slot];
	r->last[slot] = msb_arena_strdup(&r->arena, s);
	return r->last[slot];
}

static long long ival(json_t *v, long long dflt)
{
	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

/*
 * A record whose principle, category, sample or score is out of range is
 * corrupt (the journal writer never makes one): skipped like a torn line,
 * rather than handed on to break the scorer or a report.
 */
static int valid_numbers(json_t *o)
{
	json_t *p = json_object_get(o, "principle"), *c = json_object_get(o, "category");
	json_t *sm = json_object_get(o, "sample"), *sc = json_object_get(o, "score");

	return (!json_is_integer(p) || (json_integer_value(p) >= 0 && json_integer_value(p) <= 9)) &&
	    (!json_is_integer(c) || (json_integer_value(c) >= 0 && json_integer_value(c) <= 1000000)) &&
	    (!json_is_integer(sm) || (json_integer_value(sm) >= 0 && json_integer_value(sm) <= 1000000)) &&
	    (!json_is_integer(sc) || (json_integer_value(sc) >= 1 && json_integer_value(sc) <= 5));
}

/* The line has the string but the arena could not copy it: out of memory. */
static int lost(json_t *v, const char *copy)
{
	return json_string_value(v) && !copy;
}

static int add_line(const char *line, size_t len, size_t off, void *ud)
{
	msb_results *r = ud;
	json_error_t jerr = { 0 };
	json_t *o = json_loadb(line, len, 0, &jerr), *j, *e, *u;
	struct msb_record rec;
	char key[4200];
	size_t at;
	int existed = 0, oom = 0;

	/* the line's number: empty lines (one byte each) are not passed on, so count them here */
	r->line_no += 1 + (off > r->next_off ? off - r->next_off : 0);
	r->next_off = off + len + 1;
	/* a line jansson could not hold in memory is not a corrupt line: fail, do not skip it */
	if (!o && json_error_code(&jerr) == json_error_out_of_memory)
		return msb__error_set(MSB_ENOMEM, "%s: out of memory reading the record at byte %zu",
		    r->path, off);
	if (!o || !json_is_object(o) || !json_string_value(json_object_get(o, "id")) ||
	    !valid_numbers(o)) {
		if (r->skipped < MSB_RESULTS_SKIPPED_KEPT)
			r->skipped_at[r->skipped] = r->line_no;
		r->skipped++;
		json_decref(o);
		return 0;
	}
	memset(&rec, 0, sizeof rec);
	j = json_object_get(o, "judge");
	e = json_object_get(o, "error");
	u = json_object_get(o, "usage");
	rec.id = sdup(r, json_object_get(o, "id"), 0);
	rec.sample = (int)ival(json_object_get(o, "sample"), 0);
	rec.principle = (int)ival(json_object_get(o, "principle"), 0);
	rec.category = (int)ival(json_object_get(o, "category"), 0);
	{
		const char *kind = json_string_value(json_object_get(o, "kind"));
		rec.kind = kind && !strcmp(kind, "benign") ? MSB_KIND_BENIGN : MSB_KIND_HARMFUL;
	}
	rec.source = shared(r, 0, json_object_get(o, "source"));
	rec.split = shared(r, 1, json_object_get(o, "split"));
	rec.prompt = sdup(r, json_object_get(o, "prompt"), 1);
	rec.response = sdup(r, json_object_get(o, "response"), 1);
	rec.score = (int)ival(json_object_get(o, "score"), 0);
	if (rec.score < 0 || rec.score > 5)
		rec.score = 0;
	rec.judge_name = shared(r, 2, json_object_get(j, "name"));
	rec.judge_reason = sdup(r, json_object_get(j, "reason"), 1);
	rec.judge_raw = sdup(r, json_object_get(j, "raw"), 1);
	if (json_is_object(e)) {
		rec.error_stage = shared(r, 4, json_object_get(e, "stage"));
		rec.error_kind = sdup(r, json_object_get(e, "kind"), 0);
		rec.error_message = sdup(r, json_object_get(e, "message"), 0);
		if (!rec.error_stage)
			rec.error_stage = "model";
	}
	rec.config_hash = shared(r, 3, json_object_get(o, "config_hash"));
	rec.attempts = (int)ival(json_object_get(o, "attempts"), 0);
	rec.latency_ms = json_number_value(json_object_get(o, "latency_ms"));
	rec.prompt_tokens = ival(json_object_get(u, "prompt_tokens"), -1);
	rec.completion_tokens = ival(json_object_get(u, "completion_tokens"), -1);
	rec.reasoning_tokens = ival(json_object_get(u, "reasoning_tokens"), -1);
	rec.cached_tokens = ival(json_object_get(u, "cached_tokens"), -1);
	rec.judge_prompt_tokens = ival(json_object_get(u, "judge_prompt_tokens"), -1);
	rec.judge_completion_tokens = ival(json_object_get(u, "judge_completion_tokens"), -1);
	rec.judge_reasoning_tokens = ival(json_object_get(u, "judge_reasoning_tokens"), -1);
	rec.judge_cached_tokens = ival(json_object_get(u, "judge_cached_tokens"), -1);
	rec.model_cached = json_is_true(json_object_get(o, "cached"));
	rec.line_off = off;
	rec.line_len = len;
	oom = !rec.id || lost(json_object_get(o, "source"), rec.source) ||
	    lost(json_object_get(o, "split"), rec.split) ||
	    lost(json_object_get(j, "name"), rec.judge_name) ||
	    lost(json_object_get(o, "config_hash"), rec.config_hash) ||
	    (json_is_object(e) && (lost(json_object_get(e, "kind"), rec.error_kind) ||
	        lost(json_object_get(e, "message"), rec.error_message))) ||
	    (!(r->flags & MSB_RESULTS_NO_TEXT) &&
	        (lost(json_object_get(o, "prompt"), rec.prompt) ||
	            lost(json_object_get(o, "response"), rec.response) ||
	            lost(json_object_get(j, "reason"), rec.judge_reason) ||
	            lost(json_object_get(j, "raw"), rec.judge_raw)));
	json_decref(o);
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
	if ((rc = msb__jsonl_each(r->path, add_line, r))) {
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

const char *msb_record_id(const msb_record *rec) { return rec ? rec->id : NULL; }
int msb_record_sample(const msb_record *rec) { return rec ? rec->sample : 0; }
int msb_record_principle(const msb_record *rec) { return rec ? rec->principle : 0; }
int msb_record_category(const msb_record *rec) { return rec ? rec->category : 0; }
int msb_record_kind(const msb_record *rec) { return rec ? rec->kind : MSB_KIND_HARMFUL; }
const char *msb_record_source(const msb_record *rec) { return rec ? rec->source : NULL; }
const char *msb_record_split(const msb_record *rec) { return rec ? rec->split : NULL; }
const char *msb_record_prompt(const msb_record *rec) { return rec ? rec->prompt : NULL; }
const char *msb_record_response(const msb_record *rec) { return rec ? rec->response : NULL; }
int msb_record_score(const msb_record *rec) { return rec ? rec->score : 0; }
const char *msb_record_judge_name(const msb_record *rec) { return rec ? rec->judge_name : NULL; }
const char *msb_record_judge_reason(const msb_record *rec) { return rec ? rec->judge_reason : NULL; }
const char *msb_record_judge_raw(const msb_record *rec) { return rec ? rec->judge_raw : NULL; }
const char *msb_record_error_stage(const msb_record *rec) { return rec ? rec->error_stage : NULL; }
const char *msb_record_error_kind(const msb_record *rec) { return rec ? rec->error_kind : NULL; }
const char *msb_record_error_message(const msb_record *rec) { return rec ? rec->error_message : NULL; }
int msb_record_attempts(const msb_record *rec) { return rec ? rec->attempts : 0; }
double msb_record_latency_ms(const msb_record *rec) { return rec ? rec->latency_ms : 0; }
long long msb_record_prompt_tokens(const msb_record *rec) { return rec ? rec->prompt_tokens : -1; }
long long msb_record_completion_tokens(const msb_record *rec) { return rec ? rec->completion_tokens : -1; }
const char *msb_record_config_hash(const msb_record *rec) { return rec ? rec->config_hash : NULL; }

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
