/*
 * lib/runfolder/answers.c - answers.jsonl's line: every model answer a run
 * paid for, written as soon as it is read so that a resumed run does not
 * ask (and pay) again. Reused only for the very same request: `key` is the
 * response cache's key (backend identity, prompts, settings).
 */
#include <jansson.h>

#include "medsafety/common.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "runfolder/runfolder.h"

static void put(int *bad, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v))
		*bad = 1;
}

int msb__rf_answer_line(msb_buf *out, const msb__rf_answer *a)
{
	json_t *o = json_object();
	char *s;
	int bad = !o, rc = 0;

	if (!o)
		return msb__error_set(MSB_ENOMEM, "answers.jsonl: out of memory");
	put(&bad, o, "id", msb__json_text(a->id));
	put(&bad, o, "sample", json_integer(a->sample));
	put(&bad, o, "key", json_string(a->key));
	put(&bad, o, "response", msb__json_text(a->response));
	if (a->reasoning)
		put(&bad, o, "reasoning", msb__json_text(a->reasoning));
	if (a->finish_reason)
		put(&bad, o, "finish_reason", msb__json_text(a->finish_reason));
	if (a->prompt_tokens >= 0)
		put(&bad, o, "prompt_tokens", json_integer(a->prompt_tokens));
	if (a->completion_tokens >= 0)
		put(&bad, o, "completion_tokens", json_integer(a->completion_tokens));
	if (a->reasoning_tokens >= 0)
		put(&bad, o, "reasoning_tokens", json_integer(a->reasoning_tokens));
	if (a->cached_tokens >= 0)
		put(&bad, o, "cached_tokens", json_integer(a->cached_tokens));
	put(&bad, o, "latency_ms", json_real(a->latency_ms));
	put(&bad, o, "attempts", json_integer(a->attempts));
	if (a->refusal_text) { /* the record of a resumed or batch answer keeps it */
		put(&bad, o, "refusal", json_true());
		put(&bad, o, "refusal_text", msb__json_text(a->refusal_text));
	}
	s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return msb__error_set(MSB_ENOMEM, "answers.jsonl: out of memory");
	if (msb_buf_puts(out, s) || msb_buf_putc(out, '\n'))
		rc = MSB_ENOMEM;
	msb__json_free(s);
	return rc;
}

static long long tokens_of(json_t *v)
{
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int msb__rf_answer_parse(json_t *o, msb__rf_answer *a)
{
	json_t *att;
	json_int_t sample;

	if (!json_is_object(o))
		return -1;
	a->id = json_string_value(json_object_get(o, "id"));
	a->key = json_string_value(json_object_get(o, "key"));
	a->response = json_string_value(json_object_get(o, "response"));
	sample = json_integer_value(json_object_get(o, "sample"));
	if (!a->id || !a->key || !a->response || sample < 0 || sample > 1000000)
		return -1;
	a->sample = (int)sample;
	a->reasoning = json_string_value(json_object_get(o, "reasoning"));
	a->finish_reason = json_string_value(json_object_get(o, "finish_reason"));
	a->prompt_tokens = tokens_of(json_object_get(o, "prompt_tokens"));
	a->completion_tokens = tokens_of(json_object_get(o, "completion_tokens"));
	a->reasoning_tokens = tokens_of(json_object_get(o, "reasoning_tokens"));
	a->cached_tokens = tokens_of(json_object_get(o, "cached_tokens"));
	a->latency_ms = json_number_value(json_object_get(o, "latency_ms"));
	att = json_object_get(o, "attempts");
	a->attempts = json_is_integer(att) && json_integer_value(att) > 0 &&
	    json_integer_value(att) < 1000000 ? (int)json_integer_value(att) : 0;
	a->refusal_text = NULL;
	if (json_is_true(json_object_get(o, "refusal"))) {
		a->refusal_text = json_string_value(json_object_get(o, "refusal_text"));
		if (!a->refusal_text)
			a->refusal_text = "";
	}
	return 0;
}
