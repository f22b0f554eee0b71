/*
 * lib/eval/eval_folder_resume.c - opening a run folder's journal: refuse to clobber a
 * run, lock the folder against a second process, repair a torn last line,
 * and find the units an earlier session finished.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/jsonmem.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/strmap.h"
#include "eval/eval_folder.h"
#include "eval/eval_state.h"
#include "results/results.h"
#include "runfolder/runfolder.h"
#include "dataset/dataset.h"
#include "backend/completion.h"
#include "judge/verdict.h"

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = msb__malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Append "what (was A, now B)" to a list of differences. */
static void differ(msb_buf *b, const char *what, const char *was, const char *now)
{
	msb_buf_printf(b, "%s%s (was %.80s, now %.80s)", b->len ? "; " : "", what,
	    was ? was : "none", now ? now : "none");
}

static void differ_json(msb_buf *b, const char *what, json_t *was, json_t *now)
{
	char *w = was ? json_dumps(was, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	char *n = now ? json_dumps(now, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	differ(b, what, w, n);
	msb__json_free(w);
	msb__json_free(n);
}

/* The dataset selection keys (filters, shard) of the two configurations that differ. */
static void differ_selection(msb_buf *b, json_t *was_cfg, json_t *now_cfg)
{
	json_t *was = json_object_get(was_cfg, "dataset"), *now = json_object_get(now_cfg, "dataset");
	const char *k;
	json_t *v;

	if (!json_is_object(was) || !json_is_object(now))
		return;
	json_object_foreach(now, k, v) {
		if (!json_equal(v, json_object_get(was, k))) {
			char what[96];
			snprintf(what, sizeof what, "dataset.%s", k);
			differ_json(b, what, json_object_get(was, k), v);
		}
	}
	json_object_foreach(was, k, v) {
		if (!json_object_get(now, k)) {
			char what[96];
			snprintf(what, sizeof what, "dataset.%s", k);
			differ_json(b, what, v, NULL);
		}
	}
}

/*
 * Resume continues the same run only: the same dataset selection (its
 * hash covers filters, sample and shard) and the same configuration hash
 * (model, generation settings, judge). Anything else would mix two runs
 * in one journal, so the message says what differs.
 */
static int resume_check_config(msb_eval *ev, json_t *root, const char *path)
{
	const char *h = json_string_value(json_object_get(root, "config_hash"));
	json_t *ds = json_object_get(root, "dataset"), *model = json_object_get(root, "model");
	json_t *judge = json_object_get(root, "judge");
	const char *dh = json_string_value(json_object_get(ds, "hash"));
	msb_buf b = MSB_BUF_INIT;
	int rc = 0;

	if (dh && strcmp(dh, ev->dataset_hash)) {
		char was[64], now[64];
		snprintf(was, sizeof was, "%.12s, %lld items", dh,
		    (long long)json_integer_value(json_object_get(ds, "items")));
		snprintf(now, sizeof now, "%.12s, %zu items", ev->dataset_hash, ev->n_items);
		differ(&b, "dataset selection (dataset, filters, sample or shard)", was, now);
		differ_selection(&b, json_object_get(root, "config"), ev->config);
	}
	if (h && strcmp(h, ev->config_hash)) {
		const char *jn = ev->judge ? msb_judge_name(ev->judge) : NULL;
		const char *jh = ev->judge ? msb_judge_config_hash(ev->judge) : NULL;
		const char *s;
		size_t before = b.len;
		json_t *now;

		s = json_string_value(json_object_get(model, "identity"));
		if (s && strcmp(s, msb_backend_identity(ev->backend)))
			differ(&b, "model", s, msb_backend_identity(ev->backend));
		s = json_string_value(json_object_get(model, "system_prompt"));
		if (s && strcmp(s, ev->system_prompt))
			differ(&b, "system prompt", "another", "this one");
#define SETTING(name, val) \
		now = val; \
		if (json_object_get(model, name) && !json_equal(json_object_get(model, name), now)) \
			differ_json(&b, name, json_object_get(model, name), now); \
		json_decref(now)
		SETTING("max_tokens", json_integer(ev->o.max_tokens));
		SETTING("temperature", json_real(ev->o.temperature));
		SETTING("top_p", json_real(ev->o.top_p));
		SETTING("epochs", json_integer(ev->o.epochs));
		SETTING("seed", (ev->o.has_seed || ev->o.epochs > 1) ? json_integer(ev->o.seed) :
		    json_null());
#undef SETTING
		s = json_string_value(json_object_get(judge, "name"));
		if ((s || jn) && (!s || !jn || strcmp(s, jn)))
			differ(&b, "judge", s, jn);
		else if ((s = json_string_value(json_object_get(judge, "config_hash"))) && jh &&
		    strcmp(s, jh))
			differ(&b, "judge configuration (prompt, policy or settings)", s, jh);
		if (b.len == before)
			differ(&b, "configuration hash", h, ev->config_hash);
	}
	if (b.failed) {
		rc = MSB_ENOMEM;
	} else if (b.len) {
		rc = msb__error_set(MSB_EMISMATCH, "%s: cannot resume: this is another run: %s "
		    "(resume needs the same dataset selection, model, settings and judge; use "
		    "another folder, or force to start over)", path, b.ptr);
	}
	msb_buf_dispose(&b);
	return rc;
}

/* Check run.json against this run and keep its start time. */
static int check_runinfo(msb_eval *ev)
{
	json_t *root = NULL;
	const char *st;
	char *path;
	int rc = msb__rf_runinfo_read(&root, ev->out_dir);

	if (rc == MSB_ENOMEM)
		return rc;
	if (rc)
		return 0; /* none (or unreadable): nothing to compare */
	st = json_string_value(json_object_get(root, "start_time"));
	path = join(ev->out_dir, "run.json");
	rc = path ? resume_check_config(ev, root, path) : MSB_ENOMEM;
	msb__free(path);
	if (st && strlen(st) < sizeof ev->first_start_time)
		strcpy(ev->first_start_time, st);
	json_decref(root);
	return rc;
}

typedef struct {
	msb_eval *ev;
	msb_strmap ids;
	int out_fd;     /* compaction target, or -1 */
	size_t dropped; /* errored records left out for retry */
	size_t bad;     /* unparsable lines */
} scan;

static int scan_line(scan *s, const msb__rf_line *l)
{
	msb_eval *ev = s->ev;
	json_t *o = l->obj;
	const char *id, *hash;
	size_t idx;
	int sample, keep = 1, rc = 0;

	if (!o) {
		s->bad++;
		return 0; /* a corrupt line is skipped by every reader; its unit runs again */
	}
	id = json_string_value(json_object_get(o, "id"));
	hash = json_string_value(json_object_get(o, "config_hash"));
	sample = (int)json_integer_value(json_object_get(o, "sample"));
	if (hash && strcmp(hash, ev->config_hash)) {
		rc = msb__error_set(MSB_EMISMATCH,
		    "%s/results.jsonl: cannot resume: records of configuration %.12s, this run is "
		    "%.12s (use another folder, or force to start over)", ev->out_dir, hash,
		    ev->config_hash);
		return rc;
	}
	if (ev->o.retry_errors && ev->o.retry_errors != MSB_EVAL_RETRY_UNSCORED &&
	    !json_is_null(json_object_get(o, "error")) && json_object_get(o, "error")) {
		keep = 0;
		s->dropped++;
	} else if ((ev->o.retry_errors & MSB_EVAL_RETRY_UNSCORED) && ev->judge &&
	    json_is_null(json_object_get(o, "error")) && json_is_null(json_object_get(o, "score"))) {
		/* --retry-unscored: no error, but the judge's verdict could not be read */
		keep = 0;
		s->dropped++;
	} else if (id && msb_strmap_get(&s->ids, id, &idx) && sample >= 0 && sample < ev->o.epochs) {
		size_t unit = idx * (size_t)ev->o.epochs + (size_t)sample;
		if (!ev->done[unit]) {
			ev->done[unit] = 1;
			ev->st.resumed++;
		}
	}
	if (keep && !msb__rf_record_invalid(o)) { /* its tokens stay the folder's (run.json "usage") */
		msb__rf_record x;
		msb__rf_record_parse(o, &x);
		msb__usage_add_record(ev->usage, &x);
		msb__tally_add(&ev->tally, &x); /* and its scores (msb_eval_write_summary) */
	}
	if (keep && s->out_fd >= 0) {
		if (write(s->out_fd, l->text, l->len) != (ssize_t)l->len || write(s->out_fd, "\n", 1) != 1)
			return msb__error_set(MSB_EIO, "%s: cannot write the compacted journal: %s",
			    ev->out_dir, strerror(errno));
	}
	return 0;
}

static int scan_each(const msb__rf_line *l, void *ud)
{
	return scan_line(ud, l);
}

static int lock_dir(msb_eval *ev)
{
	char *path = join(ev->out_dir, ".lock");

	if (!path)
		return MSB_ENOMEM;
	ev->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	msb__free(path);
	if (ev->lock_fd < 0)
		return msb__error_set(MSB_EIO, "%s: cannot create the lock file: %s", ev->out_dir,
		    strerror(errno));
	if (flock(ev->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return msb__error_set(MSB_ESTATE, "%s: another process is running in this folder",
		    ev->out_dir);
	return 0;
}

int msb__journal_open(msb_eval *ev, int *out_fd)
{
	char *path = join(ev->out_dir, "results.jsonl"), *tmp = NULL, *runinfo = join(ev->out_dir, "run.json");
	scan s;
	off_t good_end = 0;
	int fd = -1, rc = 0, had = 0;
	size_t i;

	*out_fd = -1;
	memset(&s, 0, sizeof s);
	s.out_fd = -1;
	s.ev = ev;
	memset(ev->usage, 0, sizeof ev->usage);
	msb__tally_dispose(&ev->tally);
	ev->usage[0].version = ev->usage[1].version = MSB_USAGE_TOTALS_VERSION;
	if (!path || !runinfo) {
		rc = MSB_ENOMEM;
		goto out;
	}
	if (ev->o.resume && ev->o.force) {
		/* force starts over; continuing a run while overriding its checks mixed runs */
		rc = msb__error_set(MSB_EINVAL, "resume and force cannot be combined: force starts "
		    "the run over, resume continues the same run");
		goto out;
	}
	had = exists(path) || exists(runinfo);
	if (had && !ev->o.resume && !ev->o.force) {
		rc = msb__error_set(MSB_EEXISTS, "%s: the folder holds a run; resume or force", ev->out_dir);
		goto out;
	}
	if (!ev->o.dry_run && (rc = lock_dir(ev)))
		goto out;
	if (ev->o.resume && (rc = check_runinfo(ev)))
		goto out;
	fd = open(path, (ev->o.dry_run ? O_RDONLY : O_RDWR | O_CREAT) | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (ev->o.dry_run && errno == ENOENT)
			goto out;
		rc = msb__error_set(MSB_EIO, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	if (!ev->o.resume) { /* force: start over */
		if (!ev->o.dry_run && ftruncate(fd, 0) < 0) {
			rc = msb__error_set(MSB_EIO, "%s: cannot truncate: %s", path, strerror(errno));
			goto out;
		}
		goto ready;
	}
	for (i = 0; i < ev->n_items; i++) {
		if (msb_strmap_put(&s.ids, msb__item_id(msb_dataset_item(ev->ds, i)), i, NULL)) {
			rc = MSB_ENOMEM;
			goto out;
		}
	}
	if (ev->o.retry_errors && !ev->o.dry_run) {
		tmp = join(ev->out_dir, "results.jsonl.compact");
		if (!tmp) {
			rc = MSB_ENOMEM;
			goto out;
		}
		s.out_fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (s.out_fd < 0) {
			rc = msb__error_set(MSB_EIO, "%s: cannot create: %s", tmp, strerror(errno));
			goto out;
		}
	}
	if ((rc = msb__rf_each(fd, path, MSB__RF_RECORD, &good_end, scan_each, &s)))
		goto out;
	if (ev->o.dry_run)
		goto ready;
	if (s.out_fd >= 0 && s.dropped) {
		/* the retried records are left out, so every unit stays in the journal once */
		if (fsync(s.out_fd) < 0 || rename(tmp, path) < 0) {
			rc = msb__error_set(MSB_EIO, "%s: cannot replace the journal: %s", path, strerror(errno));
			goto out;
		}
		close(fd);
		fd = s.out_fd;
		s.out_fd = -1;
	} else {
		struct stat st;
		/* a torn last line (a crash in the middle of a write) is cut off */
		if (fstat(fd, &st) == 0 && st.st_size > good_end && ftruncate(fd, good_end) < 0) {
			rc = msb__error_set(MSB_EIO, "%s: cannot repair the torn last line: %s", path,
			    strerror(errno));
			goto out;
		}
	}
ready:
	ev->st.done = ev->st.resumed;
	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		rc = msb__error_set(MSB_EIO, "%s: seek failed: %s", path, strerror(errno));
		goto out;
	}
	*out_fd = fd;
	fd = -1;
out:
	if (s.out_fd >= 0) {
		close(s.out_fd);
		unlink(tmp);
	}
	if (fd >= 0)
		close(fd);
	msb_strmap_dispose(&s.ids);
	msb__free(tmp);
	msb__free(path);
	msb__free(runinfo);
	return rc;
}
