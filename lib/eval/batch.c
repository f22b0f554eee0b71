/*
 * lib/eval/batch.c - msb_batch_run: the model and judge stages through a
 * batch API, as a stage before the ordinary runner (docs/batch.md).
 *
 * Model stage: every unit without a stored answer becomes one request,
 * built exactly as the online backend builds it, with the custom id
 * "m-" + the first 40 hex digits of the unit's answer key (the response
 * cache key: model, prompts, settings, sample), so output lines map back
 * whatever their order. Requests go into input files of at most
 * max_lines lines and max_bytes bytes, each uploaded and made a batch;
 * the batch id is journaled (fsync'd) before the first poll. Ended
 * batches' answers go into answers.jsonl as online answers do. Judge
 * stage: the same for every stored answer without a verdict, with the
 * LLM judge's rendered prompt; verdicts go into OUT/batch/verdicts (the
 * response cache's format and key), where the runner looks first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "core/abi.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/lines.h"
#include "backend/backend.h"
#include "backend/openai.h"
#include "judge/llm.h"
#include "eval/batch.h"
#include "eval/eval_cache.h"
#include "eval/eval_folder.h"
#include "eval/eval_request.h"
#include "eval/eval_state.h"
#include "backend/completion.h"
#include "dataset/dataset.h"
#include "judge/verdict.h"

/* the defaults (the INIT macro is the zeroed struct; 0 takes these) */
static const msb_batch_options default_options = { .version = MSB_BATCH_OPTIONS_VERSION,
	.poll_interval_ms = 30000, .max_lines = 50000, .max_bytes = 200000000u };

/* Polls of a batch that may fail in a row (each after the HTTP retries) before the stage stops. */
#define POLL_FAILURES 10

int msb_batch_options_init(msb_batch_options *opts, unsigned int version)
{
	if (!opts)
		return msb__error_set(MSB_EINVAL, "msb_batch_options_init: NULL opts");
	if (version != MSB_BATCH_OPTIONS_VERSION)
		return msb__error_set(MSB_EVERSION, "msb_batch_options_init: version %u, this library "
		    "knows %d", version, MSB_BATCH_OPTIONS_VERSION);
	*opts = default_options;
	return 0;
}

typedef struct req {
	size_t unit;
	char cid[48];
	char key[65];
	int answered;
} req;

typedef struct stage stage;
struct stage {
	const char *name;             /* "model" or "judge" */
	msb_eval *ev;
	msb__batch_api *api;
	msb_backend *backend;         /* builds the bodies */
	msb__batch_journal *j;
	const msb_batch_options *o;
	msb_batch_stats *st;
	req *r;
	size_t n;
	msb_strmap by_cid;
	char dir[4096];               /* OUT/batch */
	char vdir[4200];              /* OUT/batch/verdicts */
	int (*body)(stage *s, const req *r, char **body, size_t *len);
	int (*store)(stage *s, req *r, const char *body, size_t len);
	size_t stored;                /* since the last flush */
	long long ptok, ctok;         /* tokens of the answers stored from the batch being collected */
};

static void add_tokens(stage *s, const msb_completion *c)
{
	if (msb__completion_prompt_tokens(c) > 0)
		s->ptok += msb__completion_prompt_tokens(c);
	if (msb__completion_completion_tokens(c) > 0)
		s->ctok += msb__completion_completion_tokens(c);
}

/* ---- the model stage's parts ---- */

static void probe_task(const stage *s, const req *r, msb__task *t)
{
	memset(t, 0, sizeof *t);
	t->ev = s->ev;
	t->unit = r->unit;
	t->sample = (int)(r->unit % (size_t)s->ev->o.epochs);
	t->item = msb_dataset_item(s->ev->ds, r->unit / (size_t)s->ev->o.epochs);
}

static int model_body(stage *s, const req *r, char **body, size_t *len)
{
	msb__task t;
	msb_request rq;

	probe_task(s, r, &t);
	msb__eval_build_request(s->ev, &t, &rq);
	return msb__batch_openai_body(s->backend, &rq, body, len);
}

static int model_store(stage *s, req *r, const char *body, size_t len)
{
	msb__task t;
	int rc;

	probe_task(s, r, &t);
	if ((rc = msb_completion_new(&t.c)))
		return rc;
	if (msb__batch_parse(s->api, t.c, body, len) != 0) {
		msb_completion_free(t.c);
		return 1; /* not an answer: left to the online runner */
	}
	msb_completion_set_attempts(t.c, 1);
	add_tokens(s, t.c);
	if (s->ev->cache_dir) /* a paid answer: shared with later runs, as online answers are */
		msb__cache_put_model(s->ev->cache_dir, r->key, t.c);
	rc = msb__answers_put(s->ev, &t);
	msb_completion_free(t.c);
	if (!rc && ++s->stored >= 256) {
		s->stored = 0;
		rc = msb__answers_flush(s->ev);
	}
	return rc;
}

/* The answers written so far reach the disk (before the batch is journaled as ended). */
static int model_sync(stage *s)
{
	int rc = msb__answers_flush(s->ev);

	s->stored = 0;
	if (!rc && s->ev->answers_fd >= 0 && fsync(s->ev->answers_fd) < 0)
		rc = msb__error_set(MSB_EIO, "%s/answers.jsonl: fsync failed: %s", s->ev->out_dir,
		    strerror(errno));
	return rc;
}

/* ---- the judge stage's parts ---- */

static void judge_input(const stage *s, const req *r, msb_judge_input *in)
{
	const msb_item *it = msb_dataset_item(s->ev->ds, r->unit / (size_t)s->ev->o.epochs);

	msb_judge_input_init(in, MSB_JUDGE_INPUT_VERSION);
	in->id = msb__item_id(it);
	in->prompt = msb__item_prompt(it);
	in->response = msb__completion_text(s->ev->answers[r->unit]);
	in->principle = msb__item_principle(it);
	in->category = msb__item_category(it);
	in->source = msb__item_source(it);
}

static int judge_body(stage *s, const req *r, char **body, size_t *len)
{
	msb_judge_input in;
	msb_request rq;
	char *prompt = NULL;
	int rc;

	judge_input(s, r, &in);
	if ((rc = msb__llm_judge_request(s->ev->judge, &in, &rq, &prompt)))
		return rc;
	rc = msb__batch_openai_body(s->backend, &rq, body, len);
	msb__free(prompt);
	return rc;
}

static int judge_store(stage *s, req *r, const char *body, size_t len)
{
	msb_completion *c = NULL;
	msb_verdict *v = NULL;
	int rc;

	if ((rc = msb_completion_new(&c)) || (rc = msb_verdict_new(&v))) {
		msb_completion_free(c);
		return rc;
	}
	if (msb__batch_parse(s->api, c, body, len) != 0) {
		msb_completion_free(c);
		msb_verdict_free(v);
		return 1;
	}
	msb_completion_set_attempts(c, 1);
	add_tokens(s, c);
	rc = msb__llm_judge_verdict(s->ev->judge, v, c);
	if (!rc)
		msb__cache_put_judge(s->vdir, r->key, v);
	msb_completion_free(c);
	msb_verdict_free(v);
	return rc;
}

/* ---- submitting ---- */

static int progress(stage *s, const msb__batch_entry *e, const msb__batch_state *bs, size_t open)
{
	msb_batch_progress p;

	if (!s->o->progress)
		return 0;
	memset(&p, 0, sizeof p);
	p.version = MSB_BATCH_PROGRESS_VERSION;
	p.stage = s->name;
	p.batch_id = e->batch_id;
	p.status = bs->status;
	p.requests = bs->total ? bs->total : e->requests;
	p.completed = bs->completed;
	p.failed = bs->failed;
	p.batches = open;
	return s->o->progress(&p, s->o->progress_userdata) ? MSB_ECANCELED : 0;
}

/*
 * Upload one input file and create its batch (or, for a provider that
 * takes the requests inline, create it from the file), then journal it.
 */
static int submit_file(stage *s, const char *path, const char *const *cids, size_t n)
{
	char file_id[128], batch_id[128];
	const char *base = strrchr(path, '/');
	int rc;

	if (s->api->upload)
		rc = s->api->upload(s->api, path, file_id);
	else /* inline: the journal names the local input file */
		rc = snprintf(file_id, sizeof file_id, "%s", base ? base + 1 : path) < 0 ? MSB_EIO : 0;
	if (rc || (rc = s->api->create(s->api, s->api->upload ? file_id : NULL, path, batch_id)))
		return rc;
	if ((rc = msb__batch_journal_submitted(s->j, s->name, s->api->name, batch_id, file_id, cids, n)))
		return rc;
	s->st->batches_created++;
	s->st->submitted += n;
	return 0;
}

static int write_all(int fd, const char *p, size_t len, const char *path)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return msb__error_set(MSB_EIO, "%s: write failed: %s", path, strerror(errno));
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Every request not answered and submitted at most `retry` times so far,
 * in files within the limits, written line by line (a 200 MB file is
 * never held in memory).
 */
static int submit_pending(stage *s)
{
	msb_buf line = MSB_BUF_INIT;
	/* the options' limits, capped by the provider's */
	size_t max_lines = s->api->max_lines && s->api->max_lines < s->o->max_lines ?
	    s->api->max_lines : s->o->max_lines;
	size_t max_bytes = s->api->max_bytes && s->api->max_bytes < s->o->max_bytes ?
	    s->api->max_bytes : s->o->max_bytes;
	const char **cids = msb__calloc(max_lines ? max_lines : 1, sizeof *cids);
	size_t i, n = 0, flen = 0, seq = s->j->n;
	char path[4300];
	int rc = 0, fd = -1;

	if (!cids)
		return MSB_ENOMEM;
	for (i = 0; i <= s->n && !rc; i++) {
		req *r = i < s->n ? &s->r[i] : NULL;
		char *body = NULL;
		size_t blen = 0;
		int flush;

		msb_buf_clear(&line);
		if (r && (r->answered || msb__batch_journal_subs(s->j, r->cid) > (size_t)s->o->retry))
			continue;
		if (r) {
			if ((rc = s->body(s, r, &body, &blen)))
				break;
			rc = s->api->line(s->api, &line, r->cid, body, blen);
			msb__free(body);
			if (rc)
				break;
		}
		flush = n && (!r || n == max_lines || flen + line.len > max_bytes);
		if (flush) {
			rc = close(fd) < 0 ? msb__error_set(MSB_EIO, "%s: cannot write: %s", path,
			    strerror(errno)) : 0;
			fd = -1;
			if (rc || (rc = submit_file(s, path, cids, n)))
				break;
			n = 0;
			flen = 0;
		}
		if (r) {
			if (line.len > max_bytes) {
				rc = msb__error_set(MSB_EINVAL, "batch: one request of %zu bytes is larger than "
				    "the batch file limit of %zu bytes", line.len, max_bytes);
				break;
			}
			if (fd < 0) {
				snprintf(path, sizeof path, "%s/input-%s-%zu.jsonl", s->dir, s->name, seq++);
				fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
				if (fd < 0) {
					rc = msb__error_set(MSB_EIO, "%s: cannot create: %s", path, strerror(errno));
					break;
				}
			}
			if ((rc = write_all(fd, line.ptr, line.len, path)))
				break;
			flen += line.len;
			cids[n++] = r->cid;
		}
	}
	if (fd >= 0)
		close(fd);
	msb_buf_dispose(&line);
	msb__free(cids);
	return rc;
}

/* ---- polling and collecting ---- */

typedef struct {
	stage *s;
	size_t ok;
	size_t before;   /* answered lines of units stored by an earlier session (a kill mid-collect) */
} collect_ctx;

static int collect_line(const char *line, size_t len, size_t off, void *ud)
{
	collect_ctx *cc = ud;
	stage *s = cc->s;
	json_t *root = NULL;
	const char *cid;
	char *body = NULL, msg[256];
	size_t idx;
	int ok, rc;

	(void)off;
	rc = s->api->result(s->api, line, len, &root, &cid, &ok, &body, msg, sizeof msg);
	if (rc == 0 && ok && msb_strmap_get(&s->by_cid, cid, &idx) && !s->r[idx].answered) {
		rc = s->store(s, &s->r[idx], body, strlen(body));
		if (rc == 0) {
			s->r[idx].answered = 1;
			cc->ok++;
		} else if (rc > 0) {
			rc = 0; /* an answer that does not parse: the online runner asks again */
		}
	} else if (rc == 0 && ok && !msb_strmap_get(&s->by_cid, cid, &idx)) {
		cc->before++;
	} else if (rc == MSB_EPARSE) {
		rc = 0; /* a line that is not a result: skipped */
	}
	msb__free(body);
	json_decref(root);
	return rc;
}

static int collect(stage *s, size_t entry, const msb__batch_state *bs)
{
	msb__batch_entry *e = &s->j->e[entry];
	collect_ctx cc = { s, 0, 0 };
	size_t ok;
	char path[4400];
	int rc = 0, fd;

	s->ptok = s->ctok = 0;
	if (bs->output_file[0]) {
		snprintf(path, sizeof path, "%s/output-%s.jsonl", s->dir, e->batch_id);
		if ((rc = s->api->download(s->api, bs->output_file, path)))
			return rc;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return msb__error_set(MSB_EIO, "%s: cannot open: %s", path, strerror(errno));
		rc = msb__lines_each(NULL, fd, path, collect_line, &cc);
		close(fd);
		if (rc)
			return rc;
	}
	if (bs->error_file[0]) {
		/* kept for the record: what failed and why; those requests go online */
		snprintf(path, sizeof path, "%s/errors-%s.jsonl", s->dir, e->batch_id);
		if ((rc = s->api->download(s->api, bs->error_file, path)))
			return rc;
	}
	if (s->store == model_store && (rc = model_sync(s)))
		return rc;
	ok = cc.ok + cc.before;
	s->st->succeeded += cc.ok;
	s->st->failed += e->requests > ok ? e->requests - ok : 0;
	return msb__batch_journal_ended(s->j, entry, bs, ok, e->requests > ok ? e->requests - ok : 0,
	    s->ptok, s->ctok);
}

static void nap(int ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	/* a signal ends the nap: the poll after it lets the progress callback stop the stage */
	nanosleep(&ts, NULL);
}

/* Poll every open batch of the stage until each has ended and its results are stored. */
static int wait_open(stage *s)
{
	int wait = s->o->poll_interval_ms < 1000 ? s->o->poll_interval_ms : 1000;
	int rc, failures = 0;

	for (;;) {
		size_t i, open = 0;
		for (i = 0; i < s->j->n; i++)
			open += !s->j->e[i].ended && !strcmp(s->j->e[i].stage, s->name);
		if (!open)
			return 0;
		for (i = 0; i < s->j->n; i++) {
			msb__batch_entry *e = &s->j->e[i];
			msb__batch_state bs;
			if (e->ended || strcmp(e->stage, s->name))
				continue;
			if ((rc = s->api->get(s->api, e->batch_id, &bs))) {
				/*
				 * A batch runs for hours: a poll that failed (after its own
				 * retries) is tried again at the next interval, up to
				 * POLL_FAILURES in a row; then the stage stops (resumable).
				 */
				if (rc != MSB_EHTTP || ++failures >= POLL_FAILURES)
					return rc;
				break;
			}
			failures = 0;
			if ((rc = progress(s, e, &bs, open)))
				return rc;
			if (bs.ended) {
				if ((rc = collect(s, i, &bs)))
					return rc;
				open--;
			}
		}
		if (!open)
			return 0;
		nap(wait);
		wait = wait * 2 > s->o->poll_interval_ms ? s->o->poll_interval_ms : wait * 2;
	}
}

static int run_stage(stage *s)
{
	size_t i;
	int rc;

	for (i = 0; i < s->n; i++)
		if (msb_strmap_put(&s->by_cid, s->r[i].cid, i, NULL))
			return MSB_ENOMEM;
	for (i = 0; i < s->j->n; i++)
		s->st->batches_resumed += !s->j->e[i].ended && !strcmp(s->j->e[i].stage, s->name);
	/* batches an earlier session journaled first: their requests are not sent again */
	if ((rc = wait_open(s)))
		return rc;
	for (;;) {
		size_t before = s->j->n;
		if ((rc = submit_pending(s)))
			return rc;
		if (s->j->n == before)
			return 0; /* nothing left to submit: the rest goes online */
		if ((rc = wait_open(s)))
			return rc;
	}
}

/* ---- setting up ---- */

static void make_cid(char cid[48], char prefix, const char key[65])
{
	snprintf(cid, 48, "%c-%.40s", prefix, key);
}

static int model_reqs(stage *s)
{
	msb_eval *ev = s->ev;
	msb_completion *c = NULL;
	size_t u;
	int rc;

	if (!(s->r = msb__calloc(ev->total ? ev->total : 1, sizeof *s->r)))
		return MSB_ENOMEM;
	for (u = 0; u < ev->total; u++) {
		req *r = &s->r[s->n];
		msb__task t;
		msb_request rq;
		if (ev->done[u] || (ev->answers && ev->answers[u]))
			continue;
		r->unit = u;
		probe_task(s, r, &t);
		msb__eval_build_request(ev, &t, &rq);
		msb__cache_model_key(ev, &rq, r->key);
		if (ev->cache_dir) {
			/* in the shared response cache: the runner takes it from there, free */
			int hit;
			if ((rc = msb_completion_new(&c)))
				return rc;
			hit = msb__cache_get_model(ev->cache_dir, r->key, c);
			msb_completion_free(c);
			if (hit)
				continue;
		}
		make_cid(r->cid, 'm', r->key);
		s->n++;
	}
	return 0;
}

static int judge_reqs(stage *s)
{
	msb_eval *ev = s->ev;
	msb_verdict *v = NULL;
	size_t u;
	int rc;

	if (!(s->r = msb__calloc(ev->total ? ev->total : 1, sizeof *s->r)))
		return MSB_ENOMEM;
	for (u = 0; u < ev->total; u++) {
		req *r = &s->r[s->n];
		msb_judge_input in;
		if (ev->done[u] || !ev->answers || !ev->answers[u])
			continue;
		r->unit = u;
		judge_input(s, r, &in);
		msb__cache_judge_key(ev, &in, r->key);
		if ((rc = msb_verdict_new(&v)))
			return rc;
		/* judged already (a batch of an earlier session, or the shared cache) */
		if (msb__cache_get_judge(s->vdir, r->key, v) ||
		    (ev->cache_dir && msb__cache_get_judge(ev->cache_dir, r->key, v))) {
			msb_verdict_free(v);
			continue;
		}
		msb_verdict_free(v);
		make_cid(r->cid, 'j', r->key);
		s->n++;
	}
	return 0;
}

/* A runner handle on the folder: locked, journal read, answers loaded (resume). */
static int open_run(msb_eval **out, const msb_dataset *ds, msb_backend *backend, msb_judge *judge,
    const msb_eval_options *eo, int resume)
{
	msb_eval_options o = *eo;
	msb_eval *ev = NULL;
	int rc, fd = -1;

	o.progress = NULL;
	o.resume = resume;
	o.force = resume ? 0 : eo->force;
	o.retry_errors = resume && eo->resume ? eo->retry_errors : 0;
	*out = NULL;
	if ((rc = msb_eval_new(&ev, ds, backend, judge, &o)))
		return rc;
	ev->ran = 1;
	msb__iso8601_now(ev->start_time);
	if (!(ev->done = msb__calloc(ev->total ? ev->total : 1, 1))) {
		msb_eval_free(ev);
		return MSB_ENOMEM;
	}
	if ((rc = msb__mkdir_p(ev->out_dir)) || (rc = msb__journal_open(ev, &fd)) ||
	    (rc = msb__answers_open(ev))) {
		if (fd >= 0)
			close(fd);
		msb_eval_free(ev);
		return rc;
	}
	close(fd);
	if (!ev->answers && !(ev->answers = msb__calloc(ev->total ? ev->total : 1, sizeof *ev->answers))) {
		msb_eval_free(ev);
		return MSB_ENOMEM;
	}
	*out = ev;
	return 0;
}

static int do_stage(stage *s, int judge_stage)
{
	int rc;

	s->body = judge_stage ? judge_body : model_body;
	s->store = judge_stage ? judge_store : model_store;
	if (judge_stage && (rc = msb__mkdir_p(s->vdir)))
		return rc;
	if ((rc = judge_stage ? judge_reqs(s) : model_reqs(s)))
		return rc;
	rc = run_stage(s);
	if (!judge_stage) {
		int r2 = model_sync(s);
		rc = rc ? rc : r2;
	}
	return rc;
}

int msb_batch_run(msb_batch_stats *stats, const msb_dataset *ds, msb_backend *backend,
    msb_judge *judge, const msb_eval_options *eo, const msb_batch_options *bopts)
{
	msb_batch_options bo;
	msb_batch_stats st;
	msb__batch_api *mapi = NULL, *japi = NULL;
	msb__batch_journal j;
	msb_backend *jb = NULL;
	msb_eval *ev = NULL;
	stage s;
	int rc;

	memset(&st, 0, sizeof st);
	st.version = MSB_BATCH_STATS_VERSION;
	memset(&j, 0, sizeof j);
	j.fd = -1;
	if (!ds || !backend || !eo || !bopts)
		return msb__error_set(MSB_EINVAL, "msb_batch_run: NULL argument");
	if ((rc = msb__check_version(bopts, MSB_BATCH_OPTIONS_VERSION, "msb_batch_options")) ||
	    (stats && (rc = msb__check_version(stats, MSB_BATCH_STATS_VERSION, "msb_batch_stats"))))
		return rc;
	bo = *bopts;
	if ((!bo.model && !bo.judge) || eo->dry_run)
		return 0;
	if (!eo->out_dir)
		return msb__error_set(MSB_EINVAL, "msb_batch_run: out_dir is required");
	if (bo.poll_interval_ms <= 0)
		bo.poll_interval_ms = default_options.poll_interval_ms;
	if (bo.max_lines == 0)
		bo.max_lines = default_options.max_lines;
	if (bo.max_bytes == 0)
		bo.max_bytes = default_options.max_bytes;
	if (bo.retry < 0)
		bo.retry = 0;
	if (bo.judge) {
		if (!judge || !(jb = msb__judge_llm_backend(judge)))
			return msb__error_set(MSB_EINVAL, "batch: the judge stage needs an LLM judge "
			    "(openai/, anthropic/ or azure/), not %s", judge ? msb_judge_name(judge) : "none");
		if ((rc = msb__batch_api_new(&japi, jb)))
			return rc;
	}
	if (bo.model && (rc = msb__batch_api_new(&mapi, backend)))
		goto out;
	memset(&s, 0, sizeof s);
	s.o = &bo;
	s.st = &st;
	s.j = &j;
	snprintf(s.dir, sizeof s.dir, "%s/batch", eo->out_dir);
	snprintf(s.vdir, sizeof s.vdir, "%s/verdicts", s.dir);
	if ((rc = open_run(&ev, ds, backend, judge, eo, eo->resume)) || (rc = msb__mkdir_p(s.dir)) ||
	    (rc = msb__batch_journal_open(&j, s.dir, eo->resume)) ||
	    (rc = msb__runinfo_write(ev, "running")))
		goto out;
	if (bo.model) {
		s.name = "model";
		s.ev = ev;
		s.api = mapi;
		s.backend = backend;
		rc = do_stage(&s, 0);
		msb_strmap_dispose(&s.by_cid);
		msb__free(s.r);
		s.r = NULL;
		s.n = 0;
		if (rc)
			goto out;
	}
	if (bo.judge) {
		/* again, with every answer stored so far loaded */
		msb_eval_free(ev);
		if ((rc = open_run(&ev, ds, backend, judge, eo, 1)))
			goto out;
		s.name = "judge";
		s.ev = ev;
		s.api = japi;
		s.backend = jb;
		rc = do_stage(&s, 1);
		msb_strmap_dispose(&s.by_cid);
		msb__free(s.r);
	}
out:
	if (ev && !rc)
		rc = msb__runinfo_write(ev, "running"); /* with the batch block */
	else if (ev)
		msb__runinfo_write(ev, "running");
	msb_eval_free(ev);
	msb__batch_journal_close(&j);
	if (mapi)
		mapi->free(mapi);
	if (japi)
		japi->free(japi);
	if (stats)
		*stats = st;
	return rc;
}
