/*
 * lib/runfolder/record.c - results.jsonl's record: the one function that
 * makes a line (the runner's journal writer calls it) and the one rule of
 * what a valid line is (every reader applies it).
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
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

/* ---- the lines written directly, byte for byte what jansson's json_dumps writes ---- */

/*
 * The journal writes a line for every item (and answers.jsonl one for
 * every answer): building a jansson object of 25 members and dumping it
 * was a fifth of the client's instructions per item in a pipelined run.
 * These write the same bytes as json_dumps(JSON_COMPACT |
 * JSON_PRESERVE_ORDER) of the same values (tests/runfolder compares them
 * on random records).
 */

/* A JSON string of any text, as json_dumps writes msb__json_text(s). */
void msb__rf_json_text(msb_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *run = p;

	msb_buf_putc(b, '"');
	for (;;) {
		const char *esc;
		char u[7];
		size_t n;
		unsigned char c = *p;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80 && (n = utf8_seq(p)) != 0) {
			p += n;
			continue;
		}
		msb_buf_put(b, (const char *)run, (size_t)(p - run));
		if (!c)
			break;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				memcpy(u, "\\u00", 4);
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				u[6] = '\0';
				esc = u;
			} else {
				esc = "\xEF\xBF\xBD"; /* not UTF-8: U+FFFD, as msb__json_text repairs it */
			}
		}
		msb_buf_puts(b, esc);
		run = ++p;
	}
	msb_buf_putc(b, '"');
}

/* A real as jansson writes it ("%.17g", always with '.' or 'e', exponent without '+' or leading 0s). -1: not finite. */
int msb__rf_json_real(msb_buf *b, double v)
{
	char d[64], *start, *end, *pt;
	const char *point = localeconv()->decimal_point;
	int n;
	size_t len;

	if (!isfinite(v))
		return -1; /* json_real refuses it */
	n = snprintf(d, sizeof d, "%.17g", v);
	if (n < 0 || (size_t)n + 3 >= sizeof d)
		return -1;
	len = (size_t)n;
	if (point[0] != '.' && (pt = strchr(d, point[0])) != NULL)
		*pt = '.';
	if (!strchr(d, '.') && !strchr(d, 'e')) {
		memcpy(d + len, ".0", 3);
		len += 2;
	}
	if ((start = strchr(d, 'e')) != NULL) {
		start++;
		end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len - (size_t)(end - d) + 1);
			len -= (size_t)(end - start);
		}
	}
	msb_buf_put(b, d, len);
	return 0;
}

void msb__rf_json_key(msb_buf *b, const char *k)
{
	msb_buf_putc(b, ',');
	msb_buf_putc(b, '"');
	msb_buf_puts(b, k);
	msb_buf_puts(b, "\":");
}

static void text_or_null(msb_buf *b, const char *k, const char *s)
{
	msb__rf_json_key(b, k);
	if (s)
		msb__rf_json_text(b, s);
	else
		msb_buf_puts(b, "null");
}

void msb__rf_json_int_member(msb_buf *b, const char *k, long long v)
{
	msb__rf_json_key(b, k);
	msb_buf_put_int(b, v);
}

static void tokens_member(msb_buf *b, const char *k, long long n)
{
	msb__rf_json_key(b, k);
	if (n >= 0)
		msb_buf_put_int(b, n);
	else
		msb_buf_puts(b, "null");
}

int msb__rf_record_line(msb_buf *out, const msb__rf_record *r)
{
	size_t at = out->len;
	int bad = 0;

	msb_buf_grow(out, 512 + (r->prompt ? strlen(r->prompt) : 0) +
	    (r->response ? strlen(r->response) : 0) + (r->judge_raw ? 2 * strlen(r->judge_raw) : 0));
	msb_buf_puts(out, "{\"id\":");
	msb__rf_json_text(out, r->id);
	msb__rf_json_int_member(out, "principle", r->principle);
	msb__rf_json_int_member(out, "category", r->category);
	text_or_null(out, "source", r->source);
	text_or_null(out, "split", r->split);
	text_or_null(out, "prompt", r->prompt ? r->prompt : "");
	text_or_null(out, "response", r->response);
	if (r->score)
		msb__rf_json_int_member(out, "score", r->score);
	else
		text_or_null(out, "score", NULL);
	msb_buf_puts(out, ",\"judge\":{\"name\":");
	if (r->judge_name)
		msb__rf_json_text(out, r->judge_name);
	else
		msb_buf_puts(out, "null");
	text_or_null(out, "reason", r->judge_reason);
	text_or_null(out, "raw", r->judge_raw);
	msb_buf_putc(out, '}');
	if (r->error_stage) {
		msb_buf_puts(out, ",\"error\":{\"stage\":");
		msb__rf_json_text(out, r->error_stage);
		text_or_null(out, "kind", r->error_kind);
		text_or_null(out, "message", r->error_message);
		msb__rf_json_int_member(out, "code", r->error_code);
		msb_buf_putc(out, '}');
	} else {
		text_or_null(out, "error", NULL);
	}
	msb__rf_json_int_member(out, "attempts", r->attempts);
	msb__rf_json_key(out, "latency_ms");
	bad |= msb__rf_json_real(out, r->latency_ms);
	msb_buf_puts(out, ",\"usage\":{\"prompt_tokens\":");
	if (r->prompt_tokens >= 0)
		msb_buf_put_int(out, r->prompt_tokens);
	else
		msb_buf_puts(out, "null");
	tokens_member(out, "completion_tokens", r->completion_tokens);
	tokens_member(out, "judge_prompt_tokens", r->judge_prompt_tokens);
	tokens_member(out, "judge_completion_tokens", r->judge_completion_tokens);
	/* beyond the contract: the parts the server reported (issue #21 item 5), null when not */
	tokens_member(out, "reasoning_tokens", r->reasoning_tokens);
	tokens_member(out, "cached_tokens", r->cached_tokens);
	tokens_member(out, "judge_reasoning_tokens", r->judge_reasoning_tokens);
	tokens_member(out, "judge_cached_tokens", r->judge_cached_tokens);
	msb_buf_putc(out, '}');
	text_or_null(out, "config_hash", r->config_hash);
	/* additions beyond the contract */
	msb__rf_json_int_member(out, "sample", r->sample);
	if (r->reasoning)
		text_or_null(out, "reasoning", r->reasoning);
	if (r->finish_reason)
		text_or_null(out, "finish_reason", r->finish_reason);
	/* the server's own refusal (OpenAI "refusal"), and answers whose bad bytes became U+FFFD */
	if (r->refusal_text) {
		msb_buf_puts(out, ",\"refusal\":true");
		text_or_null(out, "refusal_text", r->refusal_text);
	}
	if (r->text_repaired)
		msb_buf_puts(out, ",\"text_repaired\":true");
	msb__rf_json_int_member(out, "judge_attempts", r->judge_attempts);
	msb__rf_json_key(out, "judge_latency_ms");
	bad |= msb__rf_json_real(out, r->judge_latency_ms);
	msb_buf_puts(out, r->cached ? ",\"cached\":true" : ",\"cached\":false");
	text_or_null(out, "kind", r->kind ? r->kind : "harmful");
	if (r->judge_cached) /* the verdict came from the response cache: its tokens not this folder's */
		msb_buf_puts(out, ",\"judge_cached\":true");
	msb_buf_puts(out, "}\n");
	if (bad || out->failed) {
		/* a record with a member missing must never reach the journal */
		if (!out->failed) {
			out->len = at;
			out->ptr[at] = '\0';
		}
		return msb__error_set(MSB_ENOMEM, "results.jsonl: out of memory building the record of %s",
		    r->id);
	}
	return 0;
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
