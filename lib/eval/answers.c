/*
 * lib/eval/answers.c - the answers journal, out_dir/answers.jsonl: every
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

#include <jansson.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "core/lines.h"
#include "core/strmap.h"
#include "eval/eval.h"
#include "backend/completion.h"

typedef struct {
	msb_eval *ev;
	msb_strmap ids;
} load_ctx;

static long long tokens_of(json_t *v)
{
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static int load_line(const char *line, size_t len, size_t off, void *ud)
{
	load_ctx *lc = ud;
	msb_eval *ev = lc->ev;
	json_t *o = json_loadb(line, len, 0, NULL);
	const char *id, *key, *text;
	msb_completion *c = NULL;
	msb_request r;
	msb__task probe;
	char want[65];
	size_t idx, unit;
	json_int_t sample;

	(void)off;
	if (!json_is_object(o))
		goto skip; /* a damaged line: that unit is asked again */
	id = json_string_value(json_object_get(o, "id"));
	key = json_string_value(json_object_get(o, "key"));
	text = json_string_value(json_object_get(o, "response"));
	sample = json_integer_value(json_object_get(o, "sample"));
	if (!id || !key || !text || sample < 0 || sample >= ev->o.epochs ||
	    !msb_strmap_get(&lc->ids, id, &idx))
		goto skip;
	unit = idx * (size_t)ev->o.epochs + (size_t)sample;
	if (ev->done[unit] || ev->answers[unit])
		goto skip;
	memset(&probe, 0, sizeof probe);
	probe.item = msb_dataset_item(ev->ds, idx);
	probe.sample = (int)sample;
	msb__eval_build_request(ev, &probe, &r);
	msb__cache_model_key(ev, &r, want);
	if (strcmp(want, key))
		goto skip; /* another model or other settings: not this run's answer */
	if (msb_completion_new(&c) || msb_completion_set_text(c, text)) {
		msb_completion_free(c);
		json_decref(o);
		return MSB_ENOMEM;
	}
	if (json_is_string(json_object_get(o, "reasoning")))
		msb_completion_set_reasoning(c, json_string_value(json_object_get(o, "reasoning")));
	if (json_is_string(json_object_get(o, "finish_reason")))
		msb_completion_set_finish_reason(c, json_string_value(json_object_get(o, "finish_reason")));
	msb_completion_set_usage(c, tokens_of(json_object_get(o, "prompt_tokens")),
	    tokens_of(json_object_get(o, "completion_tokens")));
	msb__completion_set_usage_details(c, tokens_of(json_object_get(o, "reasoning_tokens")),
	    tokens_of(json_object_get(o, "cached_tokens")));
	if (json_is_integer(json_object_get(o, "attempts")) &&
	    json_integer_value(json_object_get(o, "attempts")) > 0)
		msb_completion_set_attempts(c, (int)json_integer_value(json_object_get(o, "attempts")));
	ev->answers[unit] = c;
	ev->answers_loaded++;
skip:
	json_decref(o);
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
		if (msb_strmap_put(&lc.ids, msb_item_id(msb_dataset_item(ev->ds, i)), i, NULL)) {
			msb_strmap_dispose(&lc.ids);
			return MSB_ENOMEM;
		}
	rc = msb__lines_each(&end, fd, path, load_line, &lc);
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
	t->model_attempts = 0;
	ev->st.cache_hits++;
	return 1;
}

static void put(int *bad, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v))
		*bad = 1;
}

/*
 * Append one model answer to the loop's batch; msb__answers_flush writes
 * the batch with one write(2) before the loop waits again, so an answer
 * is in the kernel within the loop turn that read it.
 */
int msb__answers_put(msb_eval *ev, const msb__task *t)
{
	const msb_completion *c = t->c;
	json_t *o;
	msb_request r;
	char key[65], *s;
	int bad = 0, rc = 0;

	if (ev->answers_fd < 0 || !c || !msb_completion_text(c))
		return 0;
	msb__eval_build_request(ev, t, &r);
	msb__cache_model_key(ev, &r, key);
	if (!(o = json_object()))
		return MSB_ENOMEM;
	put(&bad, o, "id", msb__json_text(msb_item_id(t->item)));
	put(&bad, o, "sample", json_integer(t->sample));
	put(&bad, o, "key", json_string(key));
	put(&bad, o, "response", msb__json_text(msb_completion_text(c)));
	if (msb_completion_reasoning(c))
		put(&bad, o, "reasoning", msb__json_text(msb_completion_reasoning(c)));
	if (msb_completion_finish_reason(c))
		put(&bad, o, "finish_reason", msb__json_text(msb_completion_finish_reason(c)));
	if (msb_completion_prompt_tokens(c) >= 0)
		put(&bad, o, "prompt_tokens", json_integer(msb_completion_prompt_tokens(c)));
	if (msb_completion_completion_tokens(c) >= 0)
		put(&bad, o, "completion_tokens", json_integer(msb_completion_completion_tokens(c)));
	if (msb_completion_reasoning_tokens(c) >= 0)
		put(&bad, o, "reasoning_tokens", json_integer(msb_completion_reasoning_tokens(c)));
	if (msb_completion_cached_tokens(c) >= 0)
		put(&bad, o, "cached_tokens", json_integer(msb_completion_cached_tokens(c)));
	put(&bad, o, "latency_ms", json_real(msb_completion_latency_ms(c)));
	put(&bad, o, "attempts", json_integer(msb_completion_attempts(c)));
	s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return MSB_ENOMEM;
	if (msb_buf_puts(&ev->answers_buf, s) || msb_buf_putc(&ev->answers_buf, '\n'))
		rc = MSB_ENOMEM;
	msb__json_free(s);
	return rc;
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
