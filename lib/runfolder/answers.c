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

/* ",\"k\":" then the integer (written directly: the bytes json_dumps writes, record.c) */
int msb__rf_answer_line(msb_buf *out, const msb__rf_answer *a)
{
	size_t at = out->len;
	int bad = 0;

	msb_buf_puts(out, "{\"id\":");
	msb__rf_json_text(out, a->id);
	msb__rf_json_int_member(out, "sample", a->sample);
	msb__rf_json_key(out, "key");
	msb__rf_json_text(out, a->key);
	msb__rf_json_key(out, "response");
	msb__rf_json_text(out, a->response);
	if (a->reasoning) {
		msb__rf_json_key(out, "reasoning");
		msb__rf_json_text(out, a->reasoning);
	}
	if (a->finish_reason) {
		msb__rf_json_key(out, "finish_reason");
		msb__rf_json_text(out, a->finish_reason);
	}
	if (a->prompt_tokens >= 0)
		msb__rf_json_int_member(out, "prompt_tokens", a->prompt_tokens);
	if (a->completion_tokens >= 0)
		msb__rf_json_int_member(out, "completion_tokens", a->completion_tokens);
	if (a->reasoning_tokens >= 0)
		msb__rf_json_int_member(out, "reasoning_tokens", a->reasoning_tokens);
	if (a->cached_tokens >= 0)
		msb__rf_json_int_member(out, "cached_tokens", a->cached_tokens);
	msb__rf_json_key(out, "latency_ms");
	bad = msb__rf_json_real(out, a->latency_ms);
	msb__rf_json_int_member(out, "attempts", a->attempts);
	if (a->refusal_text) { /* the record of a resumed or batch answer keeps it */
		msb_buf_puts(out, ",\"refusal\":true,\"refusal_text\":");
		msb__rf_json_text(out, a->refusal_text);
	}
	msb_buf_puts(out, "}\n");
	if (bad || out->failed) {
		if (!out->failed) {
			out->len = at;
			out->ptr[at] = '\0';
		}
		return msb__error_set(MSB_ENOMEM, "answers.jsonl: out of memory");
	}
	return 0;
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
