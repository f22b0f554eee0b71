/*
 * lib/backend/openai_request.c - the JSON body of a request. Written
 * directly (no DOM) because it is built for every attempt of hundreds of
 * requests a second.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "backend/openai.h"

/*
 * The bytes of an 8-byte word that need an escape (below 0x20, '"' or
 * '\\'): the high bit of each such byte, exactly (no carry crosses a byte;
 * bytes >= 0x80 never match).
 */
static uint64_t escape_mask(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = ones * 0x80, low7 = ones * 0x7f;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
	uint64_t ctl = ~(((w & low7) + ones * 0x60) | w);
	uint64_t isq = ~(((q & low7) + low7) | q), isbs = ~(((bs & low7) + low7) | bs);

	return (ctl | isq | isbs) & highs;
}

static int needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* The offset of the first byte of p that needs an escape; mask (escape_mask of p's word) is not 0. */
static size_t first_escape(const unsigned char *p, uint64_t mask)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	(void)p;
	return (size_t)__builtin_ctzll(mask) >> 3;
#else
	size_t i = 0;
	(void)mask;
	while (!needs_escape(p[i]))
		i++;
	return i;
#endif
}

static void put_escape(msb_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': msb_buf_put(b, "\\\"", 2); break;
	case '\\': msb_buf_put(b, "\\\\", 2); break;
	case '\n': msb_buf_put(b, "\\n", 2); break;
	case '\r': msb_buf_put(b, "\\r", 2); break;
	case '\t': msb_buf_put(b, "\\t", 2); break;
	default: msb_buf_put(b, u, sizeof u);
	}
}

/*
 * A JSON string: the judge's prompt is about 4,000 characters, written for
 * every judge request, so the runs that need no escape are skipped eight
 * bytes at a time (the first byte that needs one found in its word) and
 * copied in one piece.
 */
void msb__oa_put_json_string(msb_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	const unsigned char *run = p;

	msb_buf_grow(b, (size_t)(end - p) + 2);
	msb_buf_putc(b, '"');
	for (;;) {
		uint64_t w, mask;
		if (end - p >= 8) {
			memcpy(&w, p, sizeof w);
			mask = escape_mask(w);
			if (!mask) {
				p += 8;
				continue;
			}
			p += first_escape(p, mask);
		} else {
			while (p < end && !needs_escape(*p))
				p++;
			if (p == end)
				break;
		}
		msb_buf_put(b, (const char *)run, (size_t)(p - run));
		put_escape(b, *p);
		run = ++p;
	}
	msb_buf_put(b, (const char *)run, (size_t)(p - run));
	msb_buf_putc(b, '"');
}

void msb__oa_put_number(msb_buf *b, const char *key, double v)
{
	char num[48], *c;

	if (v == floor(v) && fabs(v) < 1e6 && !(v == 0 && signbit(v))) {
		/* a whole number below 10^6 (temperature 0, top_p 1): "%.6g" writes its digits */
		msb_buf_puts(b, ",\"");
		msb_buf_puts(b, key);
		msb_buf_puts(b, "\":");
		msb_buf_put_int(b, (long long)v);
		return;
	}
	snprintf(num, sizeof num, "%.6g", v);
	/* a host's LC_NUMERIC may use a decimal comma; JSON may not */
	for (c = num; *c; c++)
		if (*c == ',')
			*c = '.';
	msb_buf_printf(b, ",\"%s\":%s", key, num);
}

int msb__openai_build_body(char **out, size_t *len, const msb_request *req, const char *model,
    int endpoint, int prompt_format, int use_max_completion_tokens, int omit_temperature)
{
	msb_buf b = MSB_BUF_INIT;
	size_t i;
	int rc;

	*out = NULL;
	*len = 0;
	msb_buf_grow(&b, strlen(req->prompt) + (req->system ? strlen(req->system) : 0) + 256);
	msb_buf_puts(&b, "{\"model\":");
	msb__oa_put_json_string(&b, model);
	if (endpoint == MSB_OPENAI_COMPLETIONS) {
		char *prompt;
		if ((rc = msb_prompt_render(&prompt, prompt_format, req->system, req->prompt))) {
			msb_buf_dispose(&b);
			return rc;
		}
		msb_buf_puts(&b, ",\"prompt\":");
		msb__oa_put_json_string(&b, prompt);
		msb__free(prompt);
	} else {
		msb_buf_puts(&b, ",\"messages\":[");
		if (req->system && *req->system) {
			msb_buf_puts(&b, "{\"role\":\"system\",\"content\":");
			msb__oa_put_json_string(&b, req->system);
			msb_buf_puts(&b, "},");
		}
		msb_buf_puts(&b, "{\"role\":\"user\",\"content\":");
		msb__oa_put_json_string(&b, req->prompt);
		msb_buf_puts(&b, "}]");
	}
	if (req->max_tokens > 0) {
		msb_buf_puts(&b, use_max_completion_tokens ? ",\"max_completion_tokens\":" : ",\"max_tokens\":");
		msb_buf_put_int(&b, req->max_tokens);
	}
	if (!omit_temperature && req->temperature >= 0 && isfinite(req->temperature))
		msb__oa_put_number(&b, "temperature", req->temperature);
	if (req->top_p >= 0 && isfinite(req->top_p))
		msb__oa_put_number(&b, "top_p", req->top_p);
	if (req->has_seed) {
		msb_buf_puts(&b, ",\"seed\":");
		msb_buf_put_int(&b, req->seed);
	}
	if (req->n_stop) {
		msb_buf_puts(&b, ",\"stop\":[");
		for (i = 0; i < req->n_stop; i++) {
			if (i)
				msb_buf_putc(&b, ',');
			msb__oa_put_json_string(&b, req->stop[i] ? req->stop[i] : "");
		}
		msb_buf_putc(&b, ']');
	}
	msb_buf_puts(&b, ",\"stream\":false}");
	*len = b.len;
	*out = msb_buf_detach(&b);
	return *out ? 0 : MSB_ENOMEM;
}
