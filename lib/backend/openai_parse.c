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

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/curlsym.h"
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

/* Append " (a, b)" of the non-empty parts to msg. */
static void add_tags(char *msg, size_t size, const char *a, const char *b)
{
	size_t n = strlen(msg);

	if (a && *a && b && *b && strcmp(a, b))
		snprintf(msg + n, size - n, " (%s, %s)", a, b);
	else if (a && *a)
		snprintf(msg + n, size - n, " (%s)", a);
	else if (b && *b)
		snprintf(msg + n, size - n, " (%s)", b);
}

/*
 * The parts of a JSON error value: {"message", "type", "code", "status",
 * "metadata": {"raw"}} or a string. OpenAI's code is a string
 * ("insufficient_quota"); OpenRouter's and Gemini's an integer status.
 */
static int error_value_info(const json_t *err, msb__oa_error_info *info)
{
	const char *m, *type, *status, *raw = NULL;
	const json_t *code, *meta;

	if (json_is_string(err)) {
		snprintf(info->message, sizeof info->message, "%s", json_string_value(err));
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
	status = str_member(err, "status");
	code = json_object_get(err, "code");
	meta = json_object_get(err, "metadata");
	if (json_is_object(meta))
		raw = str_member(meta, "raw");
	snprintf(info->message, sizeof info->message, "%s", m);
	if (raw && *raw) {
		size_t n = strlen(info->message);
		snprintf(info->message + n, sizeof info->message - n, ": %s", raw);
	}
	if (json_is_integer(code) && json_integer_value(code) > 0 && json_integer_value(code) < 1000)
		info->code = (long)json_integer_value(code);
	if (json_is_string(code))
		snprintf(info->code_str, sizeof info->code_str, "%s", json_string_value(code));
	else if (type)
		snprintf(info->code_str, sizeof info->code_str, "%s", type);
	else if (status)
		snprintf(info->code_str, sizeof info->code_str, "%s", status);
	add_tags(info->message, sizeof info->message, type ? type : status,
	    json_is_string(code) ? json_string_value(code) : NULL);
	return 1;
}

static int body_error_info(const json_t *root, msb__oa_error_info *info)
{
	const json_t *detail;
	const char *m;

	/* Gemini's OpenAI layer: a list [{"error": {...}}] */
	if (json_is_array(root) && json_array_size(root) > 0)
		root = json_array_get(root, 0);
	if (!json_is_object(root))
		return 0;
	if (error_value_info(json_object_get(root, "error"), info))
		return 1;
	if ((m = str_member(root, "message"))) {
		snprintf(info->message, sizeof info->message, "%s", m);
		return 1;
	}
	/* FastAPI-style servers (some vLLM versions): {"detail": "..."} or a list. */
	detail = json_object_get(root, "detail");
	if (json_is_string(detail)) {
		snprintf(info->message, sizeof info->message, "%s", json_string_value(detail));
		return 1;
	}
	if (json_is_array(detail) && json_array_size(detail) > 0) {
		const char *d = str_member(json_array_get(detail, 0), "msg");
		if (d) {
			snprintf(info->message, sizeof info->message, "%s", d);
			return 1;
		}
	}
	return 0;
}

int msb__openai_error_info(const char *body, size_t len, msb__oa_error_info *info)
{
	json_t *root;
	int found;

	memset(info, 0, sizeof *info);
	if (!body || !len)
		return 0;
	root = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
	found = body_error_info(root, info);
	json_decref(root);
	if (!found)
		memset(info, 0, sizeof *info);
	return found;
}

void msb__openai_error_message(const char *body, size_t len, char *msg, size_t size)
{
	msb__oa_error_info info;

	if (!size)
		return;
	msg[0] = '\0';
	if (!body || !len) {
		snprintf(msg, size, "empty body");
		return;
	}
	if (msb__openai_error_info(body, len, &info))
		snprintf(msg, size, "%s", info.message);
	else
		excerpt(body, len, msg, size);
}

/* ---- text: NUL repair, reasoning split ---- */

/* A copy of s[len] with every NUL replaced by U+FFFD (flagging c); NULL: out of memory. */
static char *clean_dup(msb_completion *c, const char *s, size_t len, size_t *out_len)
{
	size_t i, nul = 0, at = 0;
	char *d;

	for (i = 0; i < len; i++)
		nul += s[i] == '\0';
	d = msb__malloc(len + 2 * nul + 1);
	if (!d)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i]) {
			d[at++] = s[i];
		} else {
			memcpy(d + at, "\xEF\xBF\xBD", 3);
			at += 3;
		}
	}
	d[at] = '\0';
	if (nul)
		c->text_repaired = 1;
	if (out_len)
		*out_len = at;
	return d;
}

static int set_reasoning_n(msb_completion *c, const char *s, size_t len)
{
	char *tmp = msb__strndup(s, len);
	int rc;

	if (!tmp)
		return MSB_ENOMEM;
	if (c->reasoning) {
		/* reasoning given by the server and inline: keep both, the server's first */
		size_t a = strlen(c->reasoning);
		char *both = msb__malloc(a + len + 2);
		if (!both) {
			msb__free(tmp);
			return MSB_ENOMEM;
		}
		memcpy(both, c->reasoning, a);
		both[a] = '\n';
		memcpy(both + a + 1, tmp, len + 1);
		msb__free(tmp);
		tmp = both;
	}
	rc = msb_completion_set_reasoning(c, tmp);
	msb__free(tmp);
	return rc;
}

static const char *find_last(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *p;

	if (len < n)
		return NULL;
	for (p = s + len - n;; p--) {
		if (!memcmp(p, needle, n))
			return p;
		if (p == s)
			return NULL;
	}
}

static int all_space(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The answer of a content string (s has no NUL). Reasoning models served
 * without a reasoning parser put their thoughts before a "</think>"; the
 * opening "<think>" is often in the prompt's template, not in the output.
 * So the answer is what follows the LAST "</think>", and what precedes it
 * is reasoning. "<think>" without "</think>": the output never left its
 * reasoning (cut by max_tokens): no answer at all. Returns 0, MSB_ENOMEM,
 * or 1 when there is no answer (why in *why).
 */
static int set_text_split_think(msb_completion *c, const char *s, size_t len, const char **why)
{
	size_t lead = 0;
	const char *end = find_last(s, len, "</think>");
	int rc;

	while (lead < len && isspace((unsigned char)s[lead]))
		lead++;
	if (end) {
		const char *r = s + lead, *a = end + 8;
		if (len - lead >= 7 && !memcmp(r, "<think>", 7))
			r += 7;
		if (r < end && !all_space(r, (size_t)(end - r)) &&
		    (rc = set_reasoning_n(c, r, (size_t)(end - r))))
			return rc;
		while (a < s + len && isspace((unsigned char)*a))
			a++;
		if (a == s + len) {
			*why = "nothing after </think>";
			return 1;
		}
		return msb_completion_set_text_n(c, a, (size_t)(s + len - a));
	}
	if (len - lead >= 7 && !memcmp(s + lead, "<think>", 7)) {
		if (len - lead > 7 && (rc = set_reasoning_n(c, s + lead + 7, len - lead - 7)))
			return rc;
		*why = "<think> without </think>: the output ended inside its reasoning";
		return 1;
	}
	if (all_space(s, len)) {
		*why = len ? "content is only white space" : "content is \"\"";
		return 1;
	}
	return msb_completion_set_text_n(c, s, len);
}

/* set_text_split_think on a JSON string, repairing NULs. */
static int set_content_string(msb_completion *c, const json_t *str, const char **why)
{
	size_t n;
	char *s = clean_dup(c, json_string_value(str), json_string_length(str), &n);
	int rc;

	if (!s)
		return MSB_ENOMEM;
	rc = set_text_split_think(c, s, n, why);
	msb__free(s);
	return rc;
}

/* A JSON string into a completion string slot, repairing NULs. */
static int set_json_str(msb_completion *c, const json_t *str,
    int (*set)(msb_completion *, const char *))
{
	char *s = clean_dup(c, json_string_value(str), json_string_length(str), NULL);
	int rc;

	if (!s)
		return MSB_ENOMEM;
	rc = set(c, s);
	msb__free(s);
	return rc;
}

/* Append the text of parts ([{"type":"text","text":...}] or a string) to b. */
static int join_parts(msb_buf *b, const json_t *parts, const char *want_type)
{
	size_t i;
	const json_t *p;

	if (json_is_string(parts))
		return msb_buf_put(b, json_string_value(parts), json_string_length(parts));
	json_array_foreach(parts, i, p) {
		const char *type = str_member(p, "type");
		const json_t *t = json_object_get(p, "text");
		if (want_type && type && strcmp(type, want_type))
			continue;
		if (json_is_string(t) && msb_buf_put(b, json_string_value(t), json_string_length(t)))
			return MSB_ENOMEM;
	}
	return b->failed ? MSB_ENOMEM : 0;
}

/*
 * Content given as parts: "text" parts are the answer; Mistral's
 * {"type":"thinking","thinking":[{"type":"text","text":...}]} parts are
 * reasoning. Returns like set_text_split_think.
 */
static int set_content_parts(msb_completion *c, const json_t *parts, const char **why)
{
	msb_buf text = MSB_BUF_INIT, thinking = MSB_BUF_INIT;
	size_t i;
	const json_t *p;
	int rc = 0;

	json_array_foreach(parts, i, p) {
		const char *type = str_member(p, "type");
		const json_t *t = json_object_get(p, "text");
		if (type && !strcmp(type, "thinking")) {
			if ((rc = join_parts(&thinking, json_object_get(p, "thinking"), "text")))
				break;
		} else if ((!type || !strcmp(type, "text") || !strcmp(type, "output_text")) &&
		    json_is_string(t)) {
			if ((rc = msb_buf_put(&text, json_string_value(t), json_string_length(t))))
				break;
		}
	}
	if (!rc && (text.failed || thinking.failed))
		rc = MSB_ENOMEM;
	if (!rc && thinking.len) {
		char *r = clean_dup(c, thinking.ptr, thinking.len, NULL);
		rc = r ? set_reasoning_n(c, r, strlen(r)) : MSB_ENOMEM;
		msb__free(r);
	}
	if (!rc) {
		char *s = clean_dup(c, text.ptr ? text.ptr : "", text.len, NULL);
		rc = s ? set_text_split_think(c, s, strlen(s), why) : MSB_ENOMEM;
		msb__free(s);
	}
	msb_buf_dispose(&text);
	msb_buf_dispose(&thinking);
	return rc;
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

static int fail(msb__oa_outcome *o, int code, const char *kind, int retry)
{
	o->code = code;
	o->kind = kind;
	o->retry = retry;
	return code;
}

static int parse_choice(msb_completion *c, const json_t *choice, int endpoint, msb__oa_outcome *o)
{
	const json_t *message = json_object_get(choice, "message");
	const json_t *content, *reasoning, *fr, *refusal = NULL;
	const char *why = NULL;
	int rc;

	fr = json_object_get(choice, "finish_reason");
	if (json_is_string(fr) && (rc = msb_completion_set_finish_reason(c, json_string_value(fr))))
		return rc;

	if (json_is_object(message)) {
		reasoning = json_object_get(message, "reasoning_content");
		if (!json_is_string(reasoning))
			reasoning = json_object_get(message, "reasoning");
		if (json_is_string(reasoning) && json_string_length(reasoning) > 0 &&
		    (rc = set_json_str(c, reasoning, msb_completion_set_reasoning)))
			return rc;
		refusal = json_object_get(message, "refusal");
		if (json_is_string(refusal) && (rc = set_json_str(c, refusal, msb__completion_set_refusal)))
			return rc;
		content = json_object_get(message, "content");
		if (json_is_string(content) && json_string_length(content) == 0 && json_is_string(refusal)) {
			rc = set_json_str(c, refusal, msb_completion_set_text);
		} else if (json_is_string(content)) {
			rc = set_content_string(c, content, &why);
		} else if (json_is_array(content)) {
			rc = set_content_parts(c, content, &why);
		} else if (json_is_null(content) || !content) {
			const json_t *audio = json_object_get(message, "audio");
			const json_t *tr = json_is_object(audio) ? json_object_get(audio, "transcript") : NULL;
			if (json_is_string(refusal))
				rc = set_json_str(c, refusal, msb_completion_set_text);
			else if (json_is_string(tr) && json_string_length(tr) > 0)
				rc = set_content_string(c, tr, &why);
			else if (json_is_string(fr) || c->reasoning)
				rc = 1, why = "content is null";
			else
				rc = -1;
		} else {
			rc = -1;
		}
		if (rc < 0 && rc != MSB_ENOMEM) {
			snprintf(o->msg, sizeof o->msg, "the response's message has no content");
			return fail(o, MSB_EPARSE, "parse", 1);
		}
	} else {
		/* /completions, or a chat server that answers in the completions shape */
		content = json_object_get(choice, "text");
		if (!json_is_string(content)) {
			snprintf(o->msg, sizeof o->msg, "the response's choice has no %s",
			    endpoint == MSB_OPENAI_CHAT ? "message" : "text");
			return fail(o, MSB_EPARSE, "parse", 1);
		}
		rc = set_content_string(c, content, &why);
	}
	if (rc < 0)
		return rc;
	/* a generation that broke off on the server (vLLM, OpenRouter): partial, try again */
	if (json_is_string(fr) && !strcmp(json_string_value(fr), "error")) {
		snprintf(o->msg, sizeof o->msg,
		    "the server ended the answer with finish_reason \"error\" (a partial answer)");
		return fail(o, MSB_EHTTP, "finish_error", 1);
	}
	if (rc == 1) {
		/* an empty answer is not a refusal: never judged; the same request gives the same */
		rc = msb__completion_set_empty(c, MSB_ERROR, why);
		snprintf(o->msg, sizeof o->msg, "%s", c->error_message ? c->error_message : "no answer");
		return fail(o, rc == MSB_ENOMEM ? MSB_ENOMEM : MSB_ERROR, "empty", 0);
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at p[0..n), 0 when invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0)
		k = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		k = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		k = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((k == 2 && cp < 0x80) || (k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* body with each byte that is not part of valid UTF-8 replaced by U+FFFD; NULL when none is. */
static char *repair_utf8(const char *body, size_t len, size_t *out_len, int *nomem)
{
	const unsigned char *p = (const unsigned char *)body;
	msb_buf b = MSB_BUF_INIT;
	size_t i = 0, bad = 0;
	char *out;

	while (i < len) {
		size_t k = utf8_len(p + i, len - i);
		if (k) {
			msb_buf_put(&b, body + i, k);
			i += k;
		} else {
			msb_buf_put(&b, "\xEF\xBF\xBD", 3);
			i++;
			bad++;
		}
	}
	if (!bad || b.failed) {
		*nomem = b.failed;
		msb_buf_dispose(&b);
		return NULL;
	}
	*out_len = b.len;
	out = msb__strndup(b.ptr, b.len);
	*nomem = !out;
	msb_buf_dispose(&b);
	return out;
}

/* A body that is a server-sent event stream ("data: {...}") rather than one JSON object. */
static int looks_like_sse(const char *body, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	return (len - i >= 5 && !memcmp(body + i, "data:", 5)) ||
	    (len - i >= 6 && !memcmp(body + i, "event:", 6));
}

int msb__openai_parse(msb_completion *c, const char *body, size_t len, int endpoint,
    msb__oa_outcome *o, msb__oa_error_info *err)
{
	json_error_t jerr;
	json_t *root, *choices, *usage;
	char ex[200];
	int rc, repaired = 0;

	o->code = 0;
	o->kind = NULL;
	o->retry = 0;
	o->msg[0] = '\0';
	memset(err, 0, sizeof *err);
	if (!body || !len) {
		snprintf(o->msg, sizeof o->msg, "empty response body");
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	root = json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
	if (!root) {
		size_t fixed_len = 0;
		int nomem = 0;
		char *fixed = repair_utf8(body, len, &fixed_len, &nomem);
		if (nomem)
			return fail(o, MSB_ENOMEM, "error", 0);
		if (fixed) {
			root = json_loadb(fixed, fixed_len, JSON_ALLOW_NUL, &jerr);
			msb__free(fixed);
			repaired = root != NULL;
		}
	}
	if (!root) {
		excerpt(body, len, ex, sizeof ex);
		if (looks_like_sse(body, len)) {
			snprintf(o->msg, sizeof o->msg, "the server sent an event stream (\"data: ...\") "
			    "although the request asked for \"stream\": false: %s", ex);
			return fail(o, MSB_EPARSE, "stream", 0);
		}
		snprintf(o->msg, sizeof o->msg, "invalid JSON in the response (%s at byte %d): %s",
		    jerr.text, jerr.position, ex);
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	if (!json_is_object(root)) {
		rc = body_error_info(root, err);
		json_decref(root);
		if (rc)
			return fail(o, MSB_EHTTP, NULL, 1);
		snprintf(o->msg, sizeof o->msg, "the response is not a JSON object");
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	choices = json_object_get(root, "choices");
	if (!json_is_array(choices) || json_array_size(choices) == 0) {
		/* Some servers (Ollama, OpenRouter, proxies) send errors with status 200. */
		rc = body_error_info(root, err);
		json_decref(root);
		if (rc)
			return fail(o, MSB_EHTTP, NULL, 1);
		snprintf(o->msg, sizeof o->msg, "the response has no choices");
		return fail(o, MSB_EPARSE, "parse", 1);
	}
	if (repaired)
		c->text_repaired = 1;
	rc = parse_choice(c, json_array_get(choices, 0), endpoint, o);
	if (rc == 0 || o->kind) {
		usage = json_object_get(root, "usage");
		if (json_is_object(usage)) {
			const json_t *pd = json_object_get(usage, "prompt_tokens_details");
			const json_t *cd = json_object_get(usage, "completion_tokens_details");
			long long cached = json_is_object(pd) ? usage_count(pd, "cached_tokens") : -1;
			msb_completion_set_usage(c, usage_count(usage, "prompt_tokens"),
			    usage_count(usage, "completion_tokens"));
			/* DeepSeek reports cache hits at the top level */
			if (cached < 0)
				cached = usage_count(usage, "prompt_cache_hit_tokens");
			msb__completion_set_usage_details(c, json_is_object(cd) ?
			    usage_count(cd, "reasoning_tokens") : -1, cached);
		}
	}
	json_decref(root);
	if (rc == MSB_ENOMEM)
		return fail(o, MSB_ENOMEM, "error", 0);
	return rc;
}

int msb__openai_parse_response(msb_completion *c, const char *body, size_t len, int endpoint,
    char *msg, size_t size)
{
	msb__oa_outcome o;
	msb__oa_error_info err;
	int rc = msb__openai_parse(c, body, len, endpoint, &o, &err);

	if (size)
		snprintf(msg, size, "%s", rc == MSB_EHTTP && !o.kind ? err.message : o.msg);
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
	if (msb__curl_load() != 0) /* an HTTP date without libcurl: no date */
		return -1;
	when = msb__curl_getdate(value, NULL);
	if (when == (time_t)-1)
		return -1;
	secs = (double)when - now_epoch_s;
	return secs > 0 ? secs * 1000.0 : 0;
}
