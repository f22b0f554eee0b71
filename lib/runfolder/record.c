/*
 * lib/runfolder/record.c - results.jsonl's record: the one function that
 * makes a line (the runner's journal writer calls it) and the one rule of
 * what a valid line is (every reader applies it).
 */
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "medsafety/common.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "runfolder/runfolder.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string even for text that is not valid UTF-8 (models do emit such bytes): bad bytes become U+FFFD. */
json_t *msb__json_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	msb_buf b = MSB_BUF_INIT;
	json_t *j = json_string(s);

	if (j)
		return j;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n)
			msb_buf_put(&b, (const char *)p, n), p += n;
		else
			msb_buf_puts(&b, "\xEF\xBF\xBD"), p++;
	}
	/* the repaired text is valid UTF-8: a failure now is out of memory (NULL) */
	j = b.failed ? NULL : json_string(msb_buf_cstr(&b));
	msb_buf_dispose(&b);
	return j;
}

static json_t *str_or_null(const char *s)
{
	return s ? msb__json_text(s) : json_null();
}

static json_t *tokens(long long n)
{
	return n >= 0 ? json_integer(n) : json_null();
}

/*
 * Set obj[key] = value (taking the reference), and remember a failure in
 * *bad: a NULL value (jansson could not allocate it) or a failed set. A
 * record with a member missing must never reach the journal.
 */
static void put(int *bad, json_t *obj, const char *key, json_t *value)
{
	if (!obj || !value || json_object_set_new(obj, key, value) != 0) {
		*bad = 1;
		if (!obj)
			json_decref(value);
	}
}

static json_t *error_obj(const msb__rf_record *r)
{
	json_t *e = json_object();
	int bad = !e;

	put(&bad, e, "stage", json_string(r->error_stage));
	put(&bad, e, "kind", str_or_null(r->error_kind));
	put(&bad, e, "message", str_or_null(r->error_message));
	put(&bad, e, "code", json_integer(r->error_code));
	if (bad) {
		json_decref(e);
		return NULL;
	}
	return e;
}

int msb__rf_record_line(msb_buf *out, const msb__rf_record *r)
{
	json_t *o = json_object(), *judge, *usage;
	char *s;
	int rc = 0, bad = 0;

	if (!o)
		return msb__error_set(MSB_ENOMEM, "results.jsonl: out of memory building the record of %s",
		    r->id);
	put(&bad, o, "id", msb__json_text(r->id));
	put(&bad, o, "principle", json_integer(r->principle));
	put(&bad, o, "category", json_integer(r->category));
	put(&bad, o, "source", str_or_null(r->source));
	put(&bad, o, "split", str_or_null(r->split));
	put(&bad, o, "prompt", msb__json_text(r->prompt ? r->prompt : ""));
	put(&bad, o, "response", str_or_null(r->response));
	put(&bad, o, "score", r->score ? json_integer(r->score) : json_null());
	judge = json_object();
	put(&bad, judge, "name", str_or_null(r->judge_name));
	put(&bad, judge, "reason", str_or_null(r->judge_reason));
	put(&bad, judge, "raw", str_or_null(r->judge_raw));
	put(&bad, o, "judge", judge);
	put(&bad, o, "error", r->error_stage ? error_obj(r) : json_null());
	put(&bad, o, "attempts", json_integer(r->attempts));
	put(&bad, o, "latency_ms", json_real(r->latency_ms));
	usage = json_object();
	put(&bad, usage, "prompt_tokens", tokens(r->prompt_tokens));
	put(&bad, usage, "completion_tokens", tokens(r->completion_tokens));
	put(&bad, usage, "judge_prompt_tokens", tokens(r->judge_prompt_tokens));
	put(&bad, usage, "judge_completion_tokens", tokens(r->judge_completion_tokens));
	/* beyond the contract: the parts the server reported (issue #21 item 5), null when not */
	put(&bad, usage, "reasoning_tokens", tokens(r->reasoning_tokens));
	put(&bad, usage, "cached_tokens", tokens(r->cached_tokens));
	put(&bad, usage, "judge_reasoning_tokens", tokens(r->judge_reasoning_tokens));
	put(&bad, usage, "judge_cached_tokens", tokens(r->judge_cached_tokens));
	put(&bad, o, "usage", usage);
	put(&bad, o, "config_hash", str_or_null(r->config_hash));
	/* additions beyond the contract */
	put(&bad, o, "sample", json_integer(r->sample));
	if (r->reasoning)
		put(&bad, o, "reasoning", msb__json_text(r->reasoning));
	if (r->finish_reason)
		put(&bad, o, "finish_reason", msb__json_text(r->finish_reason));
	/* the server's own refusal (OpenAI "refusal"), and answers whose bad bytes became U+FFFD */
	if (r->refusal_text) {
		put(&bad, o, "refusal", json_true());
		put(&bad, o, "refusal_text", msb__json_text(r->refusal_text));
	}
	if (r->text_repaired)
		put(&bad, o, "text_repaired", json_true());
	put(&bad, o, "judge_attempts", json_integer(r->judge_attempts));
	put(&bad, o, "judge_latency_ms", json_real(r->judge_latency_ms));
	put(&bad, o, "cached", json_boolean(r->cached));
	put(&bad, o, "kind", json_string(r->kind ? r->kind : "harmful"));
	if (r->judge_cached) /* the verdict came from the response cache: its tokens not this folder's */
		put(&bad, o, "judge_cached", json_true());
	if (bad) {
		json_decref(o);
		return msb__error_set(MSB_ENOMEM, "results.jsonl: out of memory building the record of %s",
		    r->id);
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return msb__error_set(MSB_ENOMEM, "results.jsonl: out of memory writing the record of %s",
		    r->id);
	if (msb_buf_puts(out, s) || msb_buf_putc(out, '\n'))
		rc = MSB_ENOMEM;
	msb__json_free(s); /* jansson's memory, from its own allocator (libc by default) */
	return rc;
}

static int int_in(json_t *v, long long lo, long long hi)
{
	return !json_is_integer(v) || (json_integer_value(v) >= lo && json_integer_value(v) <= hi);
}

/*
 * A record whose principle, category, sample or score is out of range is
 * corrupt (the journal writer never makes one): every reader skips it like
 * a torn line rather than hand it on to break the scorer or a report.
 */
const char *msb__rf_record_invalid(json_t *o)
{
	if (!json_is_object(o))
		return "not a JSON object";
	if (!json_string_value(json_object_get(o, "id")))
		return "no \"id\"";
	if (!int_in(json_object_get(o, "principle"), 0, 9))
		return "\"principle\" out of range";
	if (!int_in(json_object_get(o, "category"), 0, 1000000))
		return "\"category\" out of range";
	if (!int_in(json_object_get(o, "sample"), 0, 1000000))
		return "\"sample\" out of range";
	if (!int_in(json_object_get(o, "score"), 1, 5))
		return "\"score\" out of range";
	return NULL;
}

static long long ival(json_t *v, long long dflt)
{
	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

void msb__rf_record_parse(json_t *o, msb__rf_record *r)
{
	json_t *j = json_object_get(o, "judge"), *e = json_object_get(o, "error");
	json_t *u = json_object_get(o, "usage");

	memset(r, 0, sizeof *r);
	r->id = json_string_value(json_object_get(o, "id"));
	r->principle = (int)ival(json_object_get(o, "principle"), 0);
	r->category = (int)ival(json_object_get(o, "category"), 0);
	r->source = json_string_value(json_object_get(o, "source"));
	r->split = json_string_value(json_object_get(o, "split"));
	r->prompt = json_string_value(json_object_get(o, "prompt"));
	r->response = json_string_value(json_object_get(o, "response"));
	r->score = (int)ival(json_object_get(o, "score"), 0);
	if (r->score < 0 || r->score > 5)
		r->score = 0;
	r->judge_name = json_string_value(json_object_get(j, "name"));
	r->judge_reason = json_string_value(json_object_get(j, "reason"));
	r->judge_raw = json_string_value(json_object_get(j, "raw"));
	if (json_is_object(e)) {
		r->error_stage = json_string_value(json_object_get(e, "stage"));
		if (!r->error_stage)
			r->error_stage = "model";
		r->error_kind = json_string_value(json_object_get(e, "kind"));
		r->error_message = json_string_value(json_object_get(e, "message"));
		r->error_code = (int)ival(json_object_get(e, "code"), 0);
	}
	r->attempts = (int)ival(json_object_get(o, "attempts"), 0);
	r->latency_ms = json_number_value(json_object_get(o, "latency_ms"));
	r->prompt_tokens = ival(json_object_get(u, "prompt_tokens"), -1);
	r->completion_tokens = ival(json_object_get(u, "completion_tokens"), -1);
	r->judge_prompt_tokens = ival(json_object_get(u, "judge_prompt_tokens"), -1);
	r->judge_completion_tokens = ival(json_object_get(u, "judge_completion_tokens"), -1);
	r->reasoning_tokens = ival(json_object_get(u, "reasoning_tokens"), -1);
	r->cached_tokens = ival(json_object_get(u, "cached_tokens"), -1);
	r->judge_reasoning_tokens = ival(json_object_get(u, "judge_reasoning_tokens"), -1);
	r->judge_cached_tokens = ival(json_object_get(u, "judge_cached_tokens"), -1);
	r->config_hash = json_string_value(json_object_get(o, "config_hash"));
	r->sample = (int)ival(json_object_get(o, "sample"), 0);
	r->reasoning = json_string_value(json_object_get(o, "reasoning"));
	r->finish_reason = json_string_value(json_object_get(o, "finish_reason"));
	r->refusal_text = json_is_true(json_object_get(o, "refusal")) ?
	    json_string_value(json_object_get(o, "refusal_text")) : NULL;
	r->text_repaired = json_is_true(json_object_get(o, "text_repaired"));
	r->judge_attempts = (int)ival(json_object_get(o, "judge_attempts"), 0);
	r->judge_latency_ms = json_number_value(json_object_get(o, "judge_latency_ms"));
	r->cached = json_is_true(json_object_get(o, "cached"));
	r->judge_cached = json_is_true(json_object_get(o, "judge_cached"));
	r->kind = json_string_value(json_object_get(o, "kind"));
	if (!r->kind)
		r->kind = "harmful";
}
