/*
 * lib/backend/anthropic.c - the Anthropic Messages dialect of the HTTP
 * backend (docs/providers.md): the request body of POST /v1/messages and
 * the reading of its answer. The transport, retries and the adaptive
 * window are the OpenAI backend's engine (openai.c): only the bytes differ.
 *
 * Shapes from Anthropic's public API reference, "Messages" (create a
 * message: request fields, content blocks, stop_reason, usage) and
 * "Errors" (the error object, 429 and 529 overloaded_error).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "backend/completion.h"
#include "backend/openai.h"

int msb__anthropic_build_body(char **out, size_t *len, const msb_request *req, const char *model,
    int omit_temperature)
{
	msb_buf b = MSB_BUF_INIT;
	size_t i;

	*out = NULL;
	*len = 0;
	msb_buf_grow(&b, strlen(req->prompt) + (req->system ? strlen(req->system) : 0) + 256);
	msb_buf_puts(&b, "{\"model\":");
	msb__oa_put_json_string(&b, model);
	/* max_tokens is required by the Messages API: "leave it to the server" is not offered */
	msb_buf_printf(&b, ",\"max_tokens\":%d",
	    req->max_tokens > 0 ? req->max_tokens : MSB__ANTHROPIC_MAX_TOKENS);
	if (req->system && *req->system) {
		msb_buf_puts(&b, ",\"system\":");
		msb__oa_put_json_string(&b, req->system);
	}
	msb_buf_puts(&b, ",\"messages\":[{\"role\":\"user\",\"content\":");
	msb__oa_put_json_string(&b, req->prompt);
	msb_buf_puts(&b, "}]");
	if (!omit_temperature && req->temperature >= 0 && isfinite(req->temperature))
		msb__oa_put_number(&b, "temperature", req->temperature);
	if (req->top_p >= 0 && isfinite(req->top_p))
		msb__oa_put_number(&b, "top_p", req->top_p);
	/* no "seed": the API rejects unknown fields */
	if (req->n_stop) {
		msb_buf_puts(&b, ",\"stop_sequences\":[");
		for (i = 0; i < req->n_stop; i++) {
			if (i)
				msb_buf_putc(&b, ',');
			msb__oa_put_json_string(&b, req->stop[i] ? req->stop[i] : "");
		}
		msb_buf_putc(&b, ']');
	}
	msb_buf_putc(&b, '}');
	*len = b.len;
	*out = msb_buf_detach(&b);
	return *out ? 0 : MSB_ENOMEM;
}

static int fail(msb__oa_outcome *o, int code, const char *kind, int retry)
{
	o->code = code;
	o->kind = kind;
	o->retry = retry;
	return code;
}

static long long count(const json_t *usage, const char *key)
{
	const json_t *v = json_object_get(usage, key);
	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

/* input_tokens excludes the cache: the prompt is all three, the cached part is the read one */
static void set_usage(msb_completion *c, const json_t *usage)
{
	long long in = count(usage, "input_tokens"), read = count(usage, "cache_read_input_tokens");
	long long made = count(usage, "cache_creation_input_tokens");

	if (!json_is_object(usage))
		return;
	if (in >= 0)
		in += (read > 0 ? read : 0) + (made > 0 ? made : 0);
	msb_completion_set_usage(c, in, count(usage, "output_tokens"));
	/* thinking is billed inside output_tokens and not reported apart */
	msb__completion_set_usage_details(c, -1, read);
}

static int all_space(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Text blocks into text, thinking blocks into reasoning (a redacted one as a marker). */
static int join_blocks(const json_t *content, msb_buf *text, msb_buf *reasoning)
{
	size_t i;
	const json_t *blk;

	json_array_foreach(content, i, blk) {
		const char *type = json_string_value(json_object_get(blk, "type"));
		const json_t *t;
		if (!type)
			continue;
		if (!strcmp(type, "text") && json_is_string(t = json_object_get(blk, "text"))) {
			msb_buf_put(text, json_string_value(t), json_string_length(t));
		} else if (!strcmp(type, "thinking") &&
		    json_is_string(t = json_object_get(blk, "thinking"))) {
			if (reasoning->len)
				msb_buf_putc(reasoning, '\n');
			msb_buf_put(reasoning, json_string_value(t), json_string_length(t));
		} else if (!strcmp(type, "redacted_thinking")) {
			/* encrypted by the provider: only that there was some is known */
			if (reasoning->len)
				msb_buf_putc(reasoning, '\n');
			msb_buf_puts(reasoning, "[redacted thinking]");
		}
		/* tool_use and other blocks carry no answer text */
	}
	return text->failed || reasoning->failed ? MSB_ENOMEM : 0;
}

/*
 * The answer of a message whose stop_reason is "refusal": the provider's
 * classifiers ended it. It is recorded as a refusal (as OpenAI's
 * message.refusal is) and judged; when no text came, a fixed note in our
 * own words is the text, so the record says what happened.
 */
#define REFUSAL_NOTE "[no answer: the API ended the response with stop_reason \"refusal\"]"

static int set_answer(msb_completion *c, const msb_buf *text, const char *stop,
    msb__oa_outcome *o)
{
	const char *s = text->ptr ? text->ptr : "";
	int rc;

	if (stop && !strcmp(stop, "refusal")) {
		if ((rc = msb__completion_set_refusal(c, s)))
			return fail(o, rc, "error", 0);
		rc = msb_completion_set_text(c, all_space(s, text->len) ? REFUSAL_NOTE : s);
		return rc ? fail(o, rc, "error", 0) : 0;
	}
	if (all_space(s, text->len)) {
		/* an empty answer is not a refusal: never judged, not retried */
		rc = msb__completion_set_empty(c, MSB_ERROR, text->len ? "content is only white space" :
		    "no text block");
		snprintf(o->msg, sizeof o->msg, "%s", c->error_message ? c->error_message : "no answer");
		return fail(o, rc == MSB_ENOMEM ? MSB_ENOMEM : MSB_ERROR, "empty", 0);
	}
	rc = msb_completion_set_text_n(c, s, text->len);
	return rc ? fail(o, rc, "error", 0) : 0;
}

int msb__anthropic_parse(msb_completion *c, const char *body, size_t len, msb__oa_outcome *o,
    msb__oa_error_info *err)
{
	msb_buf text = MSB_BUF_INIT, reasoning = MSB_BUF_INIT;
	json_error_t jerr;
	json_t *root, *content;
	const char *type, *stop;
	int rc;

	o->code = 0;
	o->kind = NULL;
	o->retry = 0;
	o->msg[0] = '\0';
	memset(err, 0, sizeof *err);
	if (!body || !len) {
		snprintf(o->msg, sizeof o->msg, "empty response body");
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	root = json_loadb(body, len, 0, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(o->msg, sizeof o->msg, "invalid JSON in the response (%s at byte %d)",
		    root ? "not an object" : jerr.text, root ? 0 : jerr.position);
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	type = json_string_value(json_object_get(root, "type"));
	content = json_object_get(root, "content");
	if ((type && !strcmp(type, "error")) || json_object_get(root, "error")) {
		/* {"type":"error","error":{"type":"overloaded_error","message":...}} */
		json_decref(root);
		if (msb__openai_error_info(body, len, err))
			return fail(o, MSB_EHTTP, NULL, 1);
		snprintf(o->msg, sizeof o->msg, "an error body without a message");
		return fail(o, MSB_EHTTP, "http", 1);
	}
	if (!json_is_array(content)) {
		json_decref(root);
		snprintf(o->msg, sizeof o->msg, "the response has no content blocks");
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	stop = json_string_value(json_object_get(root, "stop_reason"));
	set_usage(c, json_object_get(root, "usage"));
	rc = join_blocks(content, &text, &reasoning);
	if (!rc && stop)
		rc = msb_completion_set_finish_reason(c, stop);
	if (!rc && reasoning.len) {
		char *r = msb__strndup(reasoning.ptr, reasoning.len);
		rc = r ? msb_completion_set_reasoning(c, r) : MSB_ENOMEM;
		msb__free(r);
	}
	if (rc)
		rc = fail(o, MSB_ENOMEM, "error", 0);
	else
		rc = set_answer(c, &text, stop, o);
	msb_buf_dispose(&text);
	msb_buf_dispose(&reasoning);
	json_decref(root);
	return rc;
}
