/*
 * lib/eval/eval_folder_answers.c - the answers journal, out_dir/answers.jsonl: every
 * model answer the run paid for, appended as soon as it is read, judged
 * or not (write(2) at once, so a killed process keeps it; fsync'd by the
 * journal writer on the results.jsonl interval). On --resume, a unit
 * whose answer is stored goes straight to the judge: the model is not
 * asked again. A line is reused only for the very same request (its
 * `key` is the response cache's key: backend identity, prompts, settings).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/strmap.h"
#include "eval/eval_cache.h"
#include "eval/eval_folder.h"
#include "eval/eval_request.h"
#include "eval/eval_state.h"
#include "backend/completion.h"
#include "runfolder/runfolder.h"
#include "dataset/dataset.h"
#include "judge/verdict.h"

typedef struct {
	msb_eval *ev;
	msb_strmap ids;
} load_ctx;

static int load_line(const msb__rf_line *l, void *ud)
{
	load_ctx *lc = ud;
	msb_eval *ev = lc->ev;
	msb__rf_answer a;
	msb_completion *c = NULL;
	msb_request r;
	msb__task probe;
	char want[65];
	size_t idx, unit;

	/* a damaged or unusable line: that unit is asked again */
	if (!l->obj || msb__rf_answer_parse(l->obj, &a) || a.sample >= ev->o.epochs ||
	    !msb_strmap_get(&lc->ids, a.id, &idx))
		return 0;
	unit = idx * (size_t)ev->o.epochs + (size_t)a.sample;
	if (ev->done[unit] || ev->answers[unit])
		return 0;
	memset(&probe, 0, sizeof probe);
	probe.item = msb_dataset_item(ev->ds, idx);
	probe.sample = a.sample;
	msb__eval_build_request(ev, &probe, &r);
	msb__cache_model_key(ev, &r, want);
	if (strcmp(want, a.key))
		return 0; /* another model or other settings: not this run's answer */
	if (msb_completion_new(&c) || msb_completion_set_text(c, a.response)) {
		msb_completion_free(c);
		return MSB_ENOMEM;
	}
	if (a.reasoning)
		msb_completion_set_reasoning(c, a.reasoning);
	if (a.finish_reason)
		msb_completion_set_finish_reason(c, a.finish_reason);
	if (a.refusal_text && msb__completion_set_refusal(c, a.refusal_text)) {
		msb_completion_free(c);
		return MSB_ENOMEM;
	}
	msb_completion_set_usage(c, a.prompt_tokens, a.completion_tokens);
	msb__completion_set_usage_details(c, a.reasoning_tokens, a.cached_tokens);
	if (a.attempts > 0)
		msb_completion_set_attempts(c, a.attempts);
	ev->answers[unit] = c;
	ev->answers_loaded++;
	return 0;
}

static int load(msb_eval *ev, int fd, const char *path)
{
	load_ctx lc;
	off_t end = 0;
	struct stat st;
	size_t i;
	int rc;

	memset(&lc, 0, sizeof lc);
	lc.ev = ev;
	ev->answers = msb__calloc(ev->total ? ev->total : 1, sizeof *ev->answers);
	if (!ev->answers)
		return MSB_ENOMEM;
	for (i = 0; i < ev->n_items; i++)
		if (msb_strmap_put(&lc.ids, msb__item_id(msb_dataset_item(ev->ds, i)), i, NULL)) {
			msb_strmap_dispose(&lc.ids);
			return MSB_ENOMEM;
		}
	rc = msb__rf_each(fd, path, MSB__RF_OBJECT, &end, load_line, &lc);
	msb_strmap_dispose(&lc.ids);
	if (rc)
		return rc;
	/* a torn last line (killed in the middle of a write) is cut off */
	if (fstat(fd, &st) == 0 && st.st_size > end && ftruncate(fd, end) < 0)
		return msb__error_set(MSB_EIO, "%s: cannot repair the torn last line: %s", path,
		    strerror(errno));
	return 0;
}

int msb__answers_open(msb_eval *ev)
{
	size_t n = strlen(ev->out_dir) + sizeof "/answers.jsonl";
	char *path = msb__malloc(n);
	int fd, rc = 0;

	if (!path)
		return MSB_ENOMEM;
	snprintf(path, n, "%s/answers.jsonl", ev->out_dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (ev->o.resume ? 0 : O_TRUNC), 0644);
	if (fd < 0) {
		rc = msb__error_set(MSB_EIO, "%s: cannot open: %s", path, strerror(errno));
		msb__free(path);
		return rc;
	}
	if (ev->o.resume)
		rc = load(ev, fd, path);
	if (!rc && lseek(fd, 0, SEEK_END) < 0)
		rc = msb__error_set(MSB_EIO, "%s: seek failed: %s", path, strerror(errno));
	msb__free(path);
	if (rc) {
		close(fd);
		return rc;
	}
	ev->answers_fd = fd;
	return 0;
}

int msb__answers_take(msb_eval *ev, msb__task *t)
{
	if (!ev->answers || !ev->answers[t->unit])
		return 0;
	t->c = ev->answers[t->unit];
	ev->answers[t->unit] = NULL;
	t->model_cached = 1; /* not asked again: no attempts, no latency in this session */
	t->model_stored = 1; /* but paid once, by this folder: its tokens count (the record's), no cache hit */
	t->model_attempts = 0;
	return 1;
}

/*
 * Append one model answer to the loop's batch; msb__answers_flush writes
 * the batch with one write(2) before the loop waits again, so an answer
 * is in the kernel within the loop turn that read it.
 */
int msb__answers_put(msb_eval *ev, const msb__task *t)
{
	const msb_completion *c = t->c;
	msb__rf_answer a;
	msb_request r;
	char key[65];

	if (ev->answers_fd < 0 || !c || !msb__completion_text(c))
		return 0;
	msb__eval_build_request(ev, t, &r);
	msb__cache_model_key(ev, &r, key);
	memset(&a, 0, sizeof a);
	a.id = msb__item_id(t->item);
	a.sample = t->sample;
	a.key = key;
	a.response = msb__completion_text(c);
	a.reasoning = msb__completion_reasoning(c);
	a.finish_reason = msb__completion_finish_reason(c);
	a.prompt_tokens = msb__completion_prompt_tokens(c);
	a.completion_tokens = msb__completion_completion_tokens(c);
	a.reasoning_tokens = msb__completion_reasoning_tokens(c);
	a.cached_tokens = msb__completion_cached_tokens(c);
	a.latency_ms = msb__completion_latency_ms(c);
	a.attempts = msb__completion_attempts(c);
	a.refusal_text = msb__completion_refusal(c);
	return msb__rf_answer_line(&ev->answers_buf, &a);
}

int msb__answers_flush(msb_eval *ev)
{
	size_t done = 0, len = ev->answers_buf.len;
	int rc = 0;

	if (ev->answers_fd < 0 || !len)
		return 0;
	while (done < len) {
		ssize_t w = write(ev->answers_fd, ev->answers_buf.ptr + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = msb__error_set(MSB_EIO, "%s/answers.jsonl: write failed: %s", ev->out_dir,
			    strerror(errno));
			if (!ev->stop_rc)
				ev->stop_rc = rc;
			break;
		}
		done += (size_t)w;
	}
	msb_buf_clear(&ev->answers_buf);
	if (!rc && !__atomic_exchange_n(&ev->answers_dirty, 1, __ATOMIC_ACQ_REL))
		msb__journal_nudge(&ev->journal);
	return rc;
}

void msb__answers_close(msb_eval *ev)
{
	size_t i;

	if (ev->answers_fd >= 0) {
		msb__answers_flush(ev);
		if (__atomic_exchange_n(&ev->answers_dirty, 0, __ATOMIC_ACQ_REL))
			fsync(ev->answers_fd);
		close(ev->answers_fd);
		ev->answers_fd = -1;
	}
	if (ev->answers) {
		for (i = 0; i < ev->total; i++)
			msb_completion_free(ev->answers[i]);
		msb__free(ev->answers);
		ev->answers = NULL;
	}
	msb_buf_dispose(&ev->answers_buf);
}
