/*
 * lib/eval/eval_cache.c - the response cache shared across runs and processes.
 *
 * Content-addressed: an entry's name is the SHA-256 of everything that
 * determines the answer (backend identity, model settings and the exact
 * request; for judgements the judge's name and configuration hash, the
 * request and the response). One file per entry in a two-level fan-out
 * (DIR/ab/abcdef...json). Writers create a private temporary file and
 * rename() it into place, which is atomic: two processes writing the same
 * entry both leave a complete file, and readers never see half of one.
 * No fsync: an entry lost or emptied by a power cut is simply a miss.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "core/fileio.h"
#include "core/sha256.h"
#include "backend/backend.h"
#include "eval/eval_cache.h"
#include "eval/eval_state.h"
#include "runfolder/runfolder.h"
#include "backend/completion.h"
#include "judge/verdict.h"
#include "dataset/dataset.h"

/*
 * The fields of a key are collected in a small buffer and hashed in one
 * SHA256_Update per buffer-full (each update has a fixed cost; the bytes
 * hashed, and so the key, are those of one update per field).
 */
typedef struct keybuf {
	msb_sha256 *s;
	size_t n;
	char b[512];
} keybuf;

static void kb_flush(keybuf *k)
{
	if (k->n)
		msb_sha256_update(k->s, k->b, k->n);
	k->n = 0;
}

static void kb_put(keybuf *k, const char *p, size_t n)
{
	if (n > sizeof k->b - k->n) {
		kb_flush(k);
		if (n > sizeof k->b) {
			msb_sha256_update(k->s, p, n);
			return;
		}
	}
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

/* "TAG:LEN:VALUE", or "TAG:-;" for NULL: length-prefixed so that no two field lists hash alike */
static void kb_str(keybuf *k, const char *tag, const char *v)
{
	char d[24], *e = d + sizeof d, *q;
	size_t n;

	kb_put(k, tag, strlen(tag));
	if (!v) {
		kb_put(k, ":-;", 3);
		return;
	}
	n = strlen(v);
	*--e = ':';
	q = msb__udigits(e, n);
	*--q = ':';
	kb_put(k, q, (size_t)(d + sizeof d - q));
	kb_put(k, v, n);
}

static void put_str(msb_sha256 *s, const char *tag, const char *v)
{
	keybuf k;

	k.s = s;
	k.n = 0;
	kb_str(&k, tag, v);
	kb_flush(&k);
}

/* The backend identity without the server's URL: replicas of one model share entries. */
static void put_model(msb_sha256 *s, const char *id)
{
	char len[32];
	size_t n = msb__identity_model_len(id);
	int k;

	if (!id) {
		put_str(s, "backend", NULL);
		return;
	}
	k = snprintf(len, sizeof len, "backend:%zu:", n);
	msb_sha256_update(s, len, (size_t)k);
	msb_sha256_update(s, id, n);
}

static void kb_num(keybuf *k, const char *tag, double v)
{
	char b[64];
	int n;

	/*
	 * Whole numbers (max_tokens, sample, seed, a temperature of 0: most of a
	 * key) without snprintf's "%.17g", which gives the same digits for
	 * them: six of those calls were a sixth of the runner's own work per item.
	 */
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v && !(v == 0 && signbit(v))) {
		char d[24], *q;
		size_t t = strlen(tag);
		if (t < sizeof b - 28) {
			d[sizeof d - 1] = ';';
			q = msb__idigits(d + sizeof d - 1, (long long)v);
			memcpy(b, tag, t);
			b[t] = '=';
			memcpy(b + t + 1, q, (size_t)(d + sizeof d - q));
			kb_put(k, b, t + 1 + (size_t)(d + sizeof d - q));
			return;
		}
	}
	n = snprintf(b, sizeof b, "%s=%.17g;", tag, v);
	kb_put(k, b, (size_t)n);
}

static void put_num(msb_sha256 *s, const char *tag, double v)
{
	keybuf k;

	k.s = s;
	k.n = 0;
	kb_num(&k, tag, v);
	kb_flush(&k);
}

void msb__cache_key_base(msb_eval *ev)
{
	if (ev->model_key_base_ok)
		msb_sha256_discard(&ev->model_key_base);
	ev->model_key_system = ev->system_prompt[0] ? ev->system_prompt : NULL;
	msb_sha256_init(&ev->model_key_base);
	put_str(&ev->model_key_base, "kind", "generation/1");
	put_model(&ev->model_key_base, msb_backend_identity(ev->backend));
	put_str(&ev->model_key_base, "system", ev->model_key_system);
	ev->model_key_base_ok = 1;
}

void msb__cache_model_key(const msb_eval *ev, const msb_request *r, char key[65])
{
	msb_sha256 s;
	keybuf k;
	unsigned char d[32];
	size_t i;

	if (ev->model_key_base_ok && r->system == ev->model_key_system) {
		/* the same first fields in every request of the run: hashed once, copied */
		msb_sha256_copy(&s, &ev->model_key_base);
	} else {
		msb_sha256_init(&s);
		put_str(&s, "kind", "generation/1");
		put_model(&s, msb_backend_identity(ev->backend));
		put_str(&s, "system", r->system);
	}
	k.s = &s;
	k.n = 0;
	kb_str(&k, "prompt", r->prompt);
	kb_str(&k, "reference", r->reference);
	kb_num(&k, "max_tokens", r->max_tokens);
	kb_num(&k, "temperature", r->temperature);
	kb_num(&k, "top_p", r->top_p);
	kb_num(&k, "has_seed", r->has_seed);
	kb_num(&k, "seed", r->has_seed ? (double)r->seed : 0);
	kb_num(&k, "sample", r->sample_index);
	for (i = 0; i < r->n_stop; i++)
		kb_str(&k, "stop", r->stop[i]);
	kb_flush(&k);
	msb_sha256_final(&s, d);
	msb_sha256_tohex(d, key);
}

void msb__cache_judge_key(const msb_eval *ev, const msb_judge_input *in, char key[65])
{
	msb_sha256 s;
	unsigned char d[32];

	msb_sha256_init(&s);
	put_str(&s, "kind", "judgement/1");
	put_str(&s, "judge", msb_judge_name(ev->judge));
	put_str(&s, "judge_config", msb_judge_config_hash(ev->judge));
	put_str(&s, "prompt", in->prompt);
	put_str(&s, "response", in->response);
	put_num(&s, "principle", in->principle);
	put_num(&s, "category", in->category);
	put_str(&s, "source", in->source);
	msb_sha256_final(&s, d);
	msb_sha256_tohex(d, key);
}

static int entry_path(char *out, size_t n, const char *dir, const char *key)
{
	return snprintf(out, n, "%s/%.2s/%s.json", dir, key, key + 2) < (int)n ? 0 : -1;
}

static json_t *load(const char *dir, const char *key)
{
	char path[4096];
	char *text = NULL;
	json_t *o;

	if (entry_path(path, sizeof path, dir, key))
		return NULL;
	if (msb__file_read(&text, NULL, path))
		return NULL;
	o = json_loads(text, 0, NULL);
	msb__free(text);
	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void store(const char *dir, const char *key, json_t *o)
{
	static unsigned long counter; /* atomic: unique temporary names within a process */
	char path[4096], sub[4096], tmp[4200];
	char *text = json_dumps(o, JSON_COMPACT);
	size_t len;
	int fd;
	ssize_t w;

	if (!text)
		return;
	len = strlen(text);
	if (entry_path(path, sizeof path, dir, key) ||
	    snprintf(sub, sizeof sub, "%s/%.2s", dir, key) >= (int)sizeof sub)
		goto out;
	snprintf(tmp, sizeof tmp, "%s/.tmp.%ld.%lu", sub, (long)getpid(),
	    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		msb__mkdir_p(sub);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		goto out;
	w = write(fd, text, len);
	close(fd);
	if (w != (ssize_t)len || rename(tmp, path) < 0)
		unlink(tmp);
out:
	msb__json_free(text); /* jansson's */
}

static long long tok(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int msb__cache_get_model(const char *dir, const char *key, msb_completion *c)
{
	json_t *o = load(dir, key);
	const char *text;
	int ok = 0;

	if (!o)
		return 0;
	text = json_string_value(json_object_get(o, "text"));
	if (text && !msb_completion_set_text(c, text)) {
		const char *r = json_string_value(json_object_get(o, "reasoning"));
		const char *f = json_string_value(json_object_get(o, "finish_reason"));
		ok = !(r && msb_completion_set_reasoning(c, r)) && !(f && msb_completion_set_finish_reason(c, f));
		msb_completion_set_usage(c, tok(o, "prompt_tokens"), tok(o, "completion_tokens"));
		/* the attempts the answer took when it was paid for (0: an entry without them) */
		msb_completion_set_attempts(c, tok(o, "attempts") > 0 ? (int)tok(o, "attempts") : 0);
	}
	json_decref(o);
	return ok;
}

int msb__cache_get_judge(const char *dir, const char *key, msb_verdict *v)
{
	json_t *o = load(dir, key);
	json_t *score;
	int ok = 0;

	if (!o)
		return 0;
	score = json_object_get(o, "score");
	if (json_is_integer(score) && json_integer_value(score) >= 0 && json_integer_value(score) <= 5) {
		const char *r = json_string_value(json_object_get(o, "reason"));
		const char *raw = json_string_value(json_object_get(o, "raw"));
		ok = !msb_verdict_set_score(v, (int)json_integer_value(score)) &&
		    !(r && msb_verdict_set_reason(v, r)) && !(raw && msb_verdict_set_raw(v, raw));
		msb_verdict_set_usage(v, tok(o, "prompt_tokens"), tok(o, "completion_tokens"));
		msb_verdict_set_attempts(v, tok(o, "attempts") > 0 ? (int)tok(o, "attempts") : 0);
	}
	json_decref(o);
	return ok;
}

static void set_opt(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, msb__json_text(v));
}

void msb__cache_put_model(const char *dir, const char *key, const msb_completion *c)
{
	json_t *o = json_object();

	if (!o || !msb__completion_text(c)) {
		json_decref(o);
		return;
	}
	set_opt(o, "text", msb__completion_text(c));
	set_opt(o, "reasoning", msb__completion_reasoning(c));
	set_opt(o, "finish_reason", msb__completion_finish_reason(c));
	if (msb__completion_prompt_tokens(c) >= 0)
		json_object_set_new(o, "prompt_tokens", json_integer(msb__completion_prompt_tokens(c)));
	if (msb__completion_completion_tokens(c) >= 0)
		json_object_set_new(o, "completion_tokens", json_integer(msb__completion_completion_tokens(c)));
	if (msb__completion_attempts(c) > 0)
		json_object_set_new(o, "attempts", json_integer(msb__completion_attempts(c)));
	store(dir, key, o);
	json_decref(o);
}

void msb__cache_put_judge(const char *dir, const char *key, const msb_verdict *v)
{
	json_t *o = json_object();

	if (!o)
		return;
	json_object_set_new(o, "score", json_integer(msb__verdict_score(v)));
	set_opt(o, "reason", msb__verdict_reason(v));
	set_opt(o, "raw", msb__verdict_raw(v));
	if (msb__verdict_prompt_tokens(v) >= 0)
		json_object_set_new(o, "prompt_tokens", json_integer(msb__verdict_prompt_tokens(v)));
	if (msb__verdict_completion_tokens(v) >= 0)
		json_object_set_new(o, "completion_tokens", json_integer(msb__verdict_completion_tokens(v)));
	if (msb__verdict_attempts(v) > 0)
		json_object_set_new(o, "attempts", json_integer(msb__verdict_attempts(v)));
	store(dir, key, o);
	json_decref(o);
}
