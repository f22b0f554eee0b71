/*
 * lib/results/merge.c - joining shard run folders into one run: the
 * records are copied verbatim (so the merged journal says exactly what
 * the shards said), after checking that every shard ran the same
 * configuration and that no item appears in two shards, and (merge_check.c)
 * that they are exactly the shards 0..N-1 of one selection, all finished.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "core/fileio.h"
#include "core/strmap.h"
#include "results/merge_check.h"
#include "results/results.h"
#include "runfolder/runfolder.h"

static int exists_in(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

typedef struct {
	msb_buf *out;
	const char *path;
} copy_ctx;

static int write_all(int fd, const char *p, size_t n, const char *path)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return msb__error_set(MSB_EIO, "%s: write failed: %s", path, strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy the winning lines of one shard (read back by offset: no texts kept in memory). */
static int copy_records(const msb_results *r, int out_fd, const char *out_path)
{
	msb_buf line = MSB_BUF_INIT;
	int fd = open(r->path, O_RDONLY | O_CLOEXEC), rc = 0;
	size_t i;

	if (fd < 0)
		return msb__error_set(MSB_EIO, "%s: cannot open: %s", r->path, strerror(errno));
	for (i = 0; i < r->n && !rc; i++) {
		const struct msb_record *x = &r->recs[i];
		ssize_t got;
		msb_buf_clear(&line);
		if (msb_buf_grow(&line, x->line_len + 1)) {
			rc = MSB_ENOMEM;
			break;
		}
		got = pread(fd, line.ptr, x->line_len, (off_t)x->line_off);
		if (got != (ssize_t)x->line_len) {
			rc = msb__error_set(MSB_EIO, "%s: short read", r->path);
			break;
		}
		line.ptr[x->line_len] = '\n';
		rc = write_all(out_fd, line.ptr, x->line_len + 1, out_path);
	}
	close(fd);
	msb_buf_dispose(&line);
	return rc;
}

/*
 * The merged set has no single dataset hash of its own (no shard loaded it
 * whole), so its provenance is each shard's dataset: {"items": total,
 * "shards": [{"run", "hash", "items"}, ...]}. The shard's own place in the
 * split (dataset.shard, run.out) is dropped from the copied configuration:
 * it described shard 0, not the merged run.
 */
static json_t *merged_dataset(const char *const *dirs, size_t n, const msb__merge_plan *plan)
{
	json_t *d = json_object(), *shards = json_array();
	json_int_t total = 0;
	size_t i;
	int bad = !d || !shards;

	/* every member or none: a run.json missing one under memory pressure is an error */
	for (i = 0; i < n && !bad; i++) {
		json_t *ri = msb__merge_runinfo(dirs[i]), *ds = ri ? json_object_get(ri, "dataset") : NULL;
		json_t *hash = ds ? json_object_get(ds, "hash") : NULL;
		json_t *model = ri ? json_object_get(json_object_get(ri, "model"), "identity") : NULL;
		json_t *items = ds ? json_object_get(ds, "items") : NULL;
		json_t *s = json_object();
		if (!s || json_object_set_new(s, "run", json_string(dirs[i])) ||
		    json_object_set_new(s, "hash", json_is_string(hash) ? json_copy(hash) : json_null()) ||
		    json_object_set_new(s, "items", json_is_integer(items) ? json_copy(items) : json_null()) ||
		    /* which server answered this shard (replicas of one model may differ) */
		    json_object_set_new(s, "model", json_is_string(model) ? json_copy(model) : json_null())) {
			json_decref(s);
			bad = 1;
		} else if (json_array_append_new(shards, s)) {
			bad = 1;
		}
		if (json_is_integer(items))
			total += json_integer_value(items);
		json_decref(ri);
	}
	/* d takes its own reference to shards: ours is dropped in any case */
	bad = bad || json_object_set_new(d, "items", json_integer(total)) ||
	    json_object_set(d, "shards", shards) ||
	    json_object_set_new(d, "selection_items", plan->selection_items >= 0 ?
		json_integer(plan->selection_items) : json_null()) ||
	    json_object_set_new(d, "selection_hash", plan->selection_hash[0] ?
		json_string(plan->selection_hash) : json_null());
	json_decref(shards);
	if (bad) {
		json_decref(d);
		return NULL;
	}
	return d;
}

/* "coverage": which shards and records the merge holds, of how many. */
static json_t *coverage(const msb__merge_plan *plan)
{
	json_t *c = json_object();
	if (!c || json_object_set_new(c, "shards", json_integer((json_int_t)plan->shards)) ||
	    json_object_set_new(c, "shard_count", json_integer(plan->shard_count)) ||
	    json_object_set_new(c, "records", json_integer((json_int_t)plan->records)) ||
	    json_object_set_new(c, "records_expected", plan->records_expected >= 0 ?
		json_integer(plan->records_expected) : json_null()) ||
	    json_object_set_new(c, "complete", json_boolean(!plan->partial))) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static int write_runinfo(const char *out_dir, const char *const *dirs, size_t n, const char *hash,
    size_t count, const msb__merge_plan *plan)
{
	json_t *o, *from, *cfg, *dataset, *cov;
	size_t i;
	int rc, bad;

	o = msb__merge_runinfo(dirs[0]);
	if (!o)
		o = json_object();
	dataset = merged_dataset(dirs, n, plan);
	from = json_array();
	cov = coverage(plan);
	bad = !o || !dataset || !from || !cov;
	for (i = 0; i < n && !bad; i++)
		bad = json_array_append_new(from, json_string(dirs[i])) != 0;
	/* o takes its own references to from and dataset: ours are dropped in any case */
	bad = bad || json_object_set_new(o, "config_hash", hash ? json_string(hash) : json_null()) ||
	    json_object_set_new(o, "status", json_string("merged")) ||
	    json_object_set(o, "merged_from", from) ||
	    json_object_set_new(o, "merged_records", json_integer((json_int_t)count)) ||
	    json_object_set(o, "dataset", dataset) ||
	    json_object_set(o, "coverage", cov) ||
	    (plan->partial && json_object_set_new(o, "partial", json_string(plan->text)));
	json_decref(from);
	json_decref(dataset);
	json_decref(cov);
	if (bad) {
		json_decref(o);
		return msb__error_set(MSB_ENOMEM, "%s/run.json: out of memory", out_dir);
	}
	json_object_del(o, "session");
	cfg = json_object_get(o, "config");
	if (json_is_object(cfg)) {
		json_t *sub = json_object_get(cfg, "dataset");
		if (json_is_object(sub))
			json_object_del(sub, "shard");
		sub = json_object_get(cfg, "run");
		if (json_is_object(sub))
			json_object_del(sub, "out");
	}
	rc = msb__rf_runinfo_write(out_dir, o);
	json_decref(o);
	return rc;
}

static const msb_results_merge_options default_merge = MSB_RESULTS_MERGE_OPTIONS_INIT;

int msb_results_merge_options_init(msb_results_merge_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_merge, version,
	    MSB_RESULTS_MERGE_OPTIONS_VERSION, "msb_results_merge_options");
}

int msb_results_merge(const char *out_dir, const char *const *run_dirs, size_t n,
    const msb_results_merge_options *opts)
{
	msb_results **rs = NULL;
	msb_strmap seen = MSB_STRMAP_INIT;
	msb__merge_plan plan;
	const char *hash = NULL;
	char path[4096], tmp[4200];
	size_t i, j, count = 0;
	int rc = 0, fd = -1;

	if (!out_dir || !run_dirs || !n)
		return msb__error_set(MSB_EINVAL, "msb_results_merge: no output folder or no shards");
	if ((rc = msb__check_version(opts, MSB_RESULTS_MERGE_OPTIONS_VERSION, "msb_results_merge_options")))
		return rc;
	if (!opts)
		opts = &default_merge;
	if (exists_in(out_dir, "results.jsonl") || exists_in(out_dir, "run.json"))
		return msb__error_set(MSB_EEXISTS, "%s: the folder already holds a run", out_dir);
	rs = msb__calloc(n, sizeof *rs);
	if (!rs)
		return MSB_ENOMEM;
	for (i = 0; i < n && !rc; i++)
		rc = msb_results_open(&rs[i], run_dirs[i], MSB_RESULTS_NO_TEXT);
	if (!rc)
		rc = msb__merge_check(&plan, run_dirs, rs, n, opts->allow_partial);
	for (i = 0; i < n && !rc; i++) {
		const char *h = msb_results_config_hash(rs[i]);
		if (h && !strcmp(h, "mixed"))
			rc = msb__error_set(MSB_EMISMATCH, "%s: records of several configurations", run_dirs[i]);
		else if (h && hash && strcmp(h, hash))
			rc = msb__error_set(MSB_EMISMATCH,
			    "%s: configuration %.12s differs from %.12s of %s", run_dirs[i], h, hash, run_dirs[0]);
		else if (h && !hash)
			hash = h;
		for (j = 0; !rc && j < rs[i]->n; j++) {
			const struct msb_record *x = &rs[i]->recs[j];
			char key[4200];
			size_t prev;
			snprintf(key, sizeof key, "%.4000s\x1f%d", x->id, x->sample);
			if (msb_strmap_get(&seen, key, &prev))
				rc = msb__error_set(MSB_EMISMATCH, "%s and %s overlap: both hold item %s",
				    run_dirs[prev], run_dirs[i], x->id);
			else if (msb_strmap_put(&seen, key, i, NULL))
				rc = MSB_ENOMEM;
		}
		count += rs[i]->n;
	}
	if (rc)
		goto out;
	if ((rc = msb__mkdir_p(out_dir)))
		goto out;
	snprintf(path, sizeof path, "%s/results.jsonl", out_dir);
	snprintf(tmp, sizeof tmp, "%s/results.jsonl.merge.%ld", out_dir, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = msb__error_set(MSB_EIO, "%s: cannot create: %s", tmp, strerror(errno));
		goto out;
	}
	for (i = 0; i < n && !rc; i++)
		rc = copy_records(rs[i], fd, path);
	if (!rc && fsync(fd) < 0)
		rc = msb__error_set(MSB_EIO, "%s: fsync failed: %s", tmp, strerror(errno));
	close(fd);
	if (!rc && rename(tmp, path) < 0)
		rc = msb__error_set(MSB_EIO, "%s: cannot rename: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	/* the merge stops here, as the runner does: summary.json is msb_run_write_summary's */
	if (!rc)
		rc = write_runinfo(out_dir, run_dirs, n, hash, count, &plan);
out:
	for (i = 0; i < n; i++)
		msb_results_free(rs[i]);
	msb__free(rs);
	msb_strmap_dispose(&seen);
	return rc;
}
