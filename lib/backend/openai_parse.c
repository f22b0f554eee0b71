/*
 * lib/backend/openai_parse.c - parse the bodies OpenAI-compatible servers
 * send: OpenAI, vLLM, llama.cpp server, Ollama's /v1. Kept apart from the
 * transport so that it can be fuzzed (fuzz/) and unit tested.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/alloc.h"
#include "core/error.h"
#include "backend/completion.h"
#include "backend/openai.h"

/* A short printable excerpt of a body, for messages: never the whole body. */
static void excerpt(const char *body, size_t len, char *dst, size_t size)
{
	size_t i, n = 0;

	if (!size)
		return;
	for (i = 0; i < len && n + 4 < size && n < 160; i++) {
		unsigned char ch = (unsigned char)body[i];
		dst[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : ' ';
	}
	if (i < len && n + 4 < size) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static const char *str_member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The message of a JSON error value: {"message", "type", "code"} or a string. */
static int error_value_message(const json_t *err, char *msg, size_t size)
{
	const char *m, *type;
	const json_t *code;

	if (json_is_string(err)) {
		snprintf(msg, size, "%s", json_string_value(err));
		return 1;
	}
	if (!json_is_object(err))
		return 0;
	m = str_member(err, "message");
	if (!m)
		m = str_member(err, "msg");
	if (!m)
		return 0;
	type = str_member(err, "type");
	code = json_object_get(err, "code");
	if (type && json_is_string(code))
		snprintf(msg, size, "%s (%s, %s)", m, type, json_string_value(code));
	else if (type)
		snprintf(msg, size, "%s (%s)", m, type);
	else if (json_is_string(code))
		snprintf(msg, size, "%s (%s)", m, json_string_value(code));
	else
		snprintf(msg, size, "%s", m);
	return 1;
}

static int body_error_message(const json_t *root, char *msg, size_t size)
{
	const json_t *detail;
	const char *m;

	if (!json_is_object(root))
		return 0;
	if (error_value_message(json_object_get(root, "error"), msg, size))
		return 1;
	if ((m = str_member(root, "message"))) {
		snprintf(msg, size, "%s", m);
		return 1;
	}
	/* FastAPI-style servers (some vLLM versions): {"detail": "..."} or a list. */
	detail = json_object_get(root, "detail");
	if (json_is_string(detail)) {
		snprintf(msg, size, "%s", json_string_value(detail));
		return 1;
	}
	if (json_is_array(detail) && json_array_size(detail) > 0) {
		const char *d = str_member(json_array_get(detail, 0), "msg");
		if (d) {
			snprintf(msg, size, "%s", d);
			return 1;
		}
	}
	return 0;
}

void msb__openai_error_message(const char *body, size_t len, char *msg, size_t size)
{
	json_t *root;

	if (!size)
		return;
	msg[0] = '\0';
	if (!body || !len) {
		snprintf(msg, size, "empty body");
		return;
	}
	root = json_loadb(body, len, 0, NULL);
	if (!body_error_message(root, msg, size))
		excerpt(body, len, msg, size);
	json_decref(root);
}

/* Concatenate content parts ([{"type":"text","text":...}]) into c's text. */
static int set_content_parts(msb_completion *c, const json_t *parts)
{
	size_t i, total = 0, at = 0;
	const json_t *p;
	char *joined;
	int rc;

	json_array_foreach(parts, i, p) {
		const json_t *t = json_object_get(p, "text");
		if (json_is_string(t))
			total += json_string_length(t);
	}
	joined = msb__malloc(total + 1);
	if (!joined)
		return MSB_ENOMEM;
	json_array_foreach(parts, i, p) {
		const json_t *t = json_object_get(p, "text");
		if (json_is_string(t)) {
			memcpy(joined + at, json_string_value(t), json_string_length(t));
			at += json_string_length(t);
		}
	}
	joined[at] = '\0';
	rc = msb_completion_set_text_n(c, joined, at);
	msb__free(joined);
	return rc;
}

/*
 * Reasoning models served without a reasoning parser put their thoughts
 * in a leading <think>...</think> block: keep it apart from the answer.
 */
static int set_text_split_think(msb_completion *c, const char *s, size_t len)
{
	size_t lead = 0;
	const char *end;

	while (lead < len && isspace((unsigned char)s[lead]))
		lead++;
	if (len - lead >= 7 && !memcmp(s + lead, "<think>", 7) &&
	    (end = strstr(s + lead + 7, "</think>")) != NULL && (size_t)(end - s) < len) {
		const char *r = s + lead + 7, *a = end + 8;
		size_t rlen = (size_t)(end - r);
		int rc;
		if (!c->reasoning) {
			char *tmp = msb__malloc(rlen + 1);
			if (!tmp)
				return MSB_ENOMEM;
			memcpy(tmp, r, rlen);
			tmp[rlen] = '\0';
			rc = msb_completion_set_reasoning(c, tmp);
			msb__free(tmp);
			if (rc)
				return rc;
		}
		while (a < s + len && isspace((unsigned char)*a))
			a++;
		return msb_completion_set_text_n(c, a, (size_t)(s + len - a));
	}
	return msb_completion_set_text_n(c, s, len);
}

static long long usage_count(const json_t *usage, const char *key)
{
	const json_t *v = json_object_get(usage, key);
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		return json_integer_value(v);
	if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1e15)
		return (long long)json_real_value(v);
	return -1;
}

static int parse_choice(msb_completion *c, const json_t *choice, int endpoint, char *msg,
    size_t size)
{
	const json_t *message = json_object_get(choice, "message");
	const json_t *content, *reasoning, *fr;
	int rc;

	fr = json_object_get(choice, "finish_reason");
	if (json_is_string(fr) && (rc = msb_completion_set_finish_reason(c, json_string_value(fr))))
		return rc;

	if (json_is_object(message)) {
		reasoning = json_object_get(message, "reasoning_content");
		if (!json_is_string(reasoning))
			reasoning = json_object_get(message, "reasoning");
		if (json_is_string(reasoning) && json_string_length(reasoning) > 0 &&
		    (rc = msb_completion_set_reasoning(c, json_string_value(reasoning))))
			return rc;
		content = json_object_get(message, "content");
		if (json_is_string(content))
			return set_text_split_think(c, json_string_value(content),
			    json_string_length(content));
		if (json_is_array(content))
			return set_content_parts(c, content);
		if (json_is_null(content) || !content) {
			const char *refusal = str_member(message, "refusal");
			if (refusal)
				return msb_completion_set_text(c, refusal);
			/*
			 * No content and no refusal: a content filter, or a reasoning
			 * model that spent max_tokens thinking. The empty answer is the
			 * answer; retrying would give the same.
			 */
			if (json_is_string(fr) || c->reasoning)
				return msb_completion_set_text(c, "");
		}
		snprintf(msg, size, "the response's message has no content");
		return MSB_EPARSE;
	}
	/* /completions, or a chat server that answers in the completions shape */
	content = json_object_get(choice, "text");
	if (json_is_string(content))
		return set_text_split_think(c, json_string_value(content), json_string_length(content));
	snprintf(msg, size, "the response's choice has no %s",
	    endpoint == MSB_OPENAI_CHAT ? "message" : "text");
	return MSB_EPARSE;
}

int msb__openai_parse_response(msb_completion *c, const char *body, size_t len, int endpoint,
    char *msg, size_t size)
{
	json_error_t jerr;
	json_t *root, *choices, *usage;
	char ex[200];
	int rc;

	if (size)
		msg[0] = '\0';
	if (!body || !len) {
		snprintf(msg, size, "empty response body");
		return MSB_EPARSE;
	}
	root = json_loadb(body, len, 0, &jerr);
	if (!root) {
		excerpt(body, len, ex, sizeof ex);
		snprintf(msg, size, "invalid JSON in the response (%s at byte %d): %s", jerr.text,
		    jerr.position, ex);
		return MSB_EPARSE;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(msg, size, "the response is not a JSON object");
		return MSB_EPARSE;
	}
	choices = json_object_get(root, "choices");
	if (!json_is_array(choices) || json_array_size(choices) == 0) {
		/* Some servers (Ollama, proxies) send errors with status 200. */
		rc = body_error_message(root, msg, size) ? MSB_EHTTP : MSB_EPARSE;
		if (rc == MSB_EPARSE)
			snprintf(msg, size, "the response has no choices");
		json_decref(root);
		return rc;
	}
	rc = parse_choice(c, json_array_get(choices, 0), endpoint, msg, size);
	if (rc == 0) {
		usage = json_object_get(root, "usage");
		if (json_is_object(usage))
			msb_completion_set_usage(c, usage_count(usage, "prompt_tokens"),
			    usage_count(usage, "completion_tokens"));
	}
	json_decref(root);
	return rc;
}

double msb__retry_after_ms(const char *value, double now_epoch_s)
{
	char *end;
	double secs;
	time_t when;

	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	if (!*value)
		return -1;
	if (isdigit((unsigned char)*value)) {
		secs = strtod(value, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
			end++;
		if (*end || secs < 0 || secs > 1e7)
			return -1;
		return secs * 1000.0;
	}
	when = curl_getdate(value, NULL);
	if (when == (time_t)-1)
		return -1;
	secs = (double)when - now_epoch_s;
	return secs > 0 ? secs * 1000.0 : 0;
}
