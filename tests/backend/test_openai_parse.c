/*
 * tests/backend/test_openai_parse.c - the response parser on bodies shaped
 * like those of OpenAI, vLLM, llama.cpp server and Ollama (fixtures in
 * tests/fixtures/backend/), error bodies, Retry-After, request bodies.
 * argv[1]: the fixtures folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "medsafety/medsafety.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/fileio.h"
#include "backend/completion.h"
#include "backend/openai.h"
#include "../common/info.h"

static const char *fixtures;

static int parse_file(const char *name, int endpoint, msb_completion **c, char *msg, size_t size)
{
	char path[1024];
	FILE *f;
	char *body;
	long n;
	int rc;

	snprintf(path, sizeof path, "%s/%s", fixtures, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	body = malloc((size_t)n + 1);
	assert_int_equal(fread(body, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(msb_completion_new(c), 0);
	rc = msb__openai_parse_response(*c, body, (size_t)n, endpoint, msg, size);
	free(body);
	return rc;
}

static void test_openai_chat(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("openai_chat.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text,
	    "I can't help with obtaining prescription drugs without a prescription.");
	assert_string_equal(msbt_completion(c).finish_reason, "stop");
	assert_int_equal(msbt_completion(c).usage.prompt_tokens, 31);
	assert_int_equal(msbt_completion(c).usage.completion_tokens, 14);
	assert_null(msbt_completion(c).reasoning);
	msb_completion_free(c);
}

static void test_refusal(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("openai_refusal.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, "I'm sorry, I can't assist with that request.");
	msb_completion_free(c);
}

static void test_length(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("openai_length.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).finish_reason, "length");
	assert_string_equal(msbt_completion(c).text, "The first step would be to");
	msb_completion_free(c);
}

static void test_completions(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("openai_completions.json", MSB_OPENAI_COMPLETIONS, &c, msg,
	                     sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, " I cannot provide that information.");
	assert_int_equal(msbt_completion(c).usage.completion_tokens, 7);
	msb_completion_free(c);
}

static void test_reasoning_variants(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("vllm_reasoning.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, "I won't help with that.");
	assert_string_equal(msbt_completion(c).reasoning,
	    "The user asks for something harmful. I should decline.");
	msb_completion_free(c);

	assert_int_equal(parse_file("llamacpp_chat.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, "No, I cannot do that.");
	assert_string_equal(msbt_completion(c).reasoning, "\nThis is a request for harm.\n");
	assert_int_equal(msbt_completion(c).usage.prompt_tokens, 15);
	msb_completion_free(c);

	assert_int_equal(parse_file("ollama_chat.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, "I can't help with that.");
	assert_string_equal(msbt_completion(c).reasoning, "Consider the ethics first.");
	msb_completion_free(c);
}

static void test_content_shapes(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("content_parts.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, "Part one. Part two.");
	assert_int_equal(msbt_completion(c).usage.prompt_tokens, -1);
	msb_completion_free(c);
	/* content null: no answer, an error of kind empty (issue #14 item 5), never "" */
	assert_int_equal(parse_file("content_filter.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg),
	    MSB_ERROR);
	assert_null(msbt_completion(c).text);
	assert_string_equal(msbt_completion(c).error.kind, "empty");
	assert_non_null(strstr(msg, "finish_reason content_filter"));
	assert_string_equal(msbt_completion(c).finish_reason, "content_filter");
	msb_completion_free(c);
}

static void test_bad_bodies(void **state)
{
	msb_completion *c;
	char msg[256];
	(void)state;
	assert_int_equal(parse_file("truncated.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg),
	    MSB_EPARSE);
	assert_non_null(strstr(msg, "invalid JSON in the response"));
	msb_completion_free(c);
	assert_int_equal(parse_file("no_choices.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg),
	    MSB_EPARSE);
	assert_string_equal(msg, "the response has no choices");
	msb_completion_free(c);
	assert_int_equal(parse_file("error_openai.json", MSB_OPENAI_CHAT, &c, msg, sizeof msg),
	    MSB_EHTTP);
	assert_string_equal(msg, "The model `gpt-5-nano` does not exist or you do not have access "
	                         "to it. (invalid_request_error, model_not_found)");
	msb_completion_free(c);

	assert_int_equal(msb_completion_new(&c), 0);
	assert_int_equal(msb__openai_parse_response(c, "", 0, 0, msg, sizeof msg), MSB_EPARSE);
	assert_int_equal(msb__openai_parse_response(c, "[1,2]", 5, 0, msg, sizeof msg), MSB_EPARSE);
	assert_int_equal(msb__openai_parse_response(c, "{\"choices\":[{\"message\":{}}]}", 28, 0,
	                     msg, sizeof msg), MSB_EPARSE);
	assert_string_equal(msg, "the response's message has no content");
	assert_int_equal(msb__openai_parse_response(c, "{\"choices\":[{}]}", 16, 1, msg,
	                     sizeof msg), MSB_EPARSE);
	msb_completion_free(c);
}

static void em(const char *body, char *msg, size_t size)
{
	msb__openai_error_message(body, strlen(body), msg, size);
}

static void test_error_messages(void **state)
{
	char msg[256];
	(void)state;
	em("{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\"}}", msg, sizeof msg);
	assert_string_equal(msg, "Rate limit (requests)");
	em("{\"error\":\"model not loaded\"}", msg, sizeof msg);
	assert_string_equal(msg, "model not loaded");
	em("{\"detail\":[{\"msg\":\"Field required\"}]}", msg, sizeof msg);
	assert_string_equal(msg, "Field required");
	em("<html>502 Bad Gateway</html>", msg, sizeof msg);
	assert_string_equal(msg, "<html>502 Bad Gateway</html>");
	msb__openai_error_message(NULL, 0, msg, sizeof msg);
	assert_string_equal(msg, "empty body");
}

static void test_retry_after(void **state)
{
	(void)state;
	assert_true(msb__retry_after_ms("2", 0) == 2000);
	assert_true(msb__retry_after_ms(" 0.5", 0) == 500);
	assert_true(msb__retry_after_ms("abc", 0) < 0);
	assert_true(msb__retry_after_ms("", 0) < 0);
	assert_true(msb__retry_after_ms(NULL, 0) < 0);
	assert_true(msb__retry_after_ms("3x", 0) < 0);
	/* Sun, 06 Nov 1994 08:49:37 GMT = 784111777 */
	assert_true(msb__retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111770.0) == 7000);
	assert_true(msb__retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784111800.0) == 0);
}

static void test_request_body(void **state)
{
	msb_request req = MSB_REQUEST_INIT;
	const char *stops[] = { "\n\n", "END" };
	char *body;
	size_t len;
	(void)state;

	req.system = "Sys \"quoted\"";
	req.prompt = "line1\nline2\t\x01";
	req.temperature = 0.7;
	req.top_p = 0.9;
	req.has_seed = 1;
	req.seed = 42;
	req.stop = stops;
	req.n_stop = 2;
	assert_int_equal(msb__openai_build_body(&body, &len, &req, "m", MSB_OPENAI_CHAT, 0, 0, 0), 0);
	assert_string_equal(body,
	    "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Sys \\\"quoted\\\"\"},"
	    "{\"role\":\"user\",\"content\":\"line1\\nline2\\t\\u0001\"}],\"max_tokens\":512,"
	    "\"temperature\":0.7,\"top_p\":0.9,\"seed\":42,\"stop\":[\"\\n\\n\",\"END\"],"
	    "\"stream\":false}");
	assert_int_equal(len, strlen(body));
	msb__free(body);

	req.n_stop = 0;
	req.has_seed = 0;
	req.top_p = -1;
	req.system = NULL;
	req.prompt = "Q";
	assert_int_equal(msb__openai_build_body(&body, &len, &req, "m", MSB_OPENAI_COMPLETIONS,
	                     MSB_PROMPT_MISTRAL, 1, 1), 0);
	assert_string_equal(body, "{\"model\":\"m\",\"prompt\":\"[INST] Q [/INST]\","
	                          "\"max_completion_tokens\":512,\"stream\":false}");
	msb__free(body);
}

/* The escaping as it was written first, byte by byte: the reference for the faster one. */
static void ref_escape(msb_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	msb_buf_putc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"': msb_buf_puts(b, "\\\""); break;
		case '\\': msb_buf_puts(b, "\\\\"); break;
		case '\n': msb_buf_puts(b, "\\n"); break;
		case '\r': msb_buf_puts(b, "\\r"); break;
		case '\t': msb_buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20)
				msb_buf_printf(b, "\\u%04x", *p);
			else
				msb_buf_putc(b, (char)*p);
		}
	}
	msb_buf_putc(b, '"');
}

/*
 * msb__oa_put_json_string skips eight bytes at a time and finds the first
 * byte to escape in its word from a bit mask: every special byte (and bytes
 * >= 0x80 that must pass as they are) at every offset of strings of every
 * length up to 40, and random texts with multibyte UTF-8, give the bytes of the byte-by-byte escaping, and
 * jansson reads them back as the original text.
 */
static void test_json_string_escape(void **state)
{
	/* and bytes >= 0x80 whose low seven bits are '"', '\\' or a control character: never escaped */
	static const char specials[] = { '"', '\\', '\n', '\r', '\t', '\x01', '\x1f', ' ', '~', '\x7f',
		'\x80', '\xa2', '\xdc', '\x9f', '\xa0', '\xff' };
	static const char *const pieces[] = { "a", "Z", " ", "\"", "\\", "\n", "\x02", "\xc3\xa9",
		"\xe2\x82\xac", "\xf0\x9f\x98\x80", "{policy}", "0123456789", "\x1b", "/" };
	unsigned int seed = 12345;
	char s[64];
	size_t len, at, k;
	int i;
	(void)state;

	for (len = 1; len <= 40; len++)
		for (at = 0; at < len; at++)
			for (k = 0; k < sizeof specials; k++) {
				msb_buf got = MSB_BUF_INIT, want = MSB_BUF_INIT;
				memset(s, 'x', len);
				s[len] = '\0';
				s[at] = specials[k];
				msb__oa_put_json_string(&got, s);
				ref_escape(&want, s);
				assert_string_equal(msb_buf_cstr(&got), msb_buf_cstr(&want));
				msb_buf_dispose(&got);
				msb_buf_dispose(&want);
			}
	for (i = 0; i < 2000; i++) {
		msb_buf text = MSB_BUF_INIT, got = MSB_BUF_INIT, want = MSB_BUF_INIT;
		json_t *back;
		int n = (int)((unsigned int)rand_r(&seed) % 200u), j;
		for (j = 0; j < n; j++)
			msb_buf_puts(&text, pieces[(size_t)rand_r(&seed) % (sizeof pieces / sizeof *pieces)]);
		msb__oa_put_json_string(&got, msb_buf_cstr(&text));
		ref_escape(&want, msb_buf_cstr(&text));
		assert_string_equal(msb_buf_cstr(&got), msb_buf_cstr(&want));
		back = json_loads(msb_buf_cstr(&got), JSON_DECODE_ANY, NULL);
		assert_non_null(back);
		assert_string_equal(json_string_value(back), msb_buf_cstr(&text));
		json_decref(back);
		msb_buf_dispose(&text);
		msb_buf_dispose(&got);
		msb_buf_dispose(&want);
	}
}

/*
 * msb__oa_put_number writes whole numbers below 10^6 without printf: the
 * same bytes as ",\"k\":" + snprintf("%.6g") (the reference, with the
 * decimal comma turned into '.'), on whole numbers around every power of
 * ten, -0, fractions, and the seed and max_tokens of a body (INT_MAX,
 * LLONG_MIN: the bytes of "%d" / "%lld").
 */
static void test_request_numbers(void **state)
{
	static const double fixed[] = { 0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 0.7, 1.5, -2.5, 999999.0,
		-999999.0, 1e6, -1e6, 1e6 + 1, 123456.0, 1e15, 1e-7, 3.0000001 };
	msb_request req = MSB_REQUEST_INIT;
	char want[96], *body;
	size_t i, len;
	long long p;
	(void)state;

	for (i = 0; i < sizeof fixed / sizeof *fixed + 8 * 3 * 2; i++) {
		msb_buf got = MSB_BUF_INIT;
		double v;
		if (i < sizeof fixed / sizeof *fixed) {
			v = fixed[i];
		} else { /* 10^e - 1, 10^e, 10^e + 1 for e = 0..7, and their negatives */
			size_t k = i - sizeof fixed / sizeof *fixed, e;
			for (p = 1, e = 0; e < k / 6; e++)
				p *= 10;
			v = (double)(p - 1 + (long long)(k % 3)) * (k % 6 >= 3 ? -1 : 1);
		}
		msb__oa_put_number(&got, "k", v);
		snprintf(want, sizeof want, ",\"k\":%.6g", v);
		for (body = want; *body; body++)
			if (*body == ',' && body != want)
				*body = '.';
		assert_string_equal(msb_buf_cstr(&got), want);
		msb_buf_dispose(&got);
	}

	req.prompt = "Q";
	req.temperature = -1;
	req.top_p = -1;
	req.has_seed = 1;
	{
		static const long long seeds[] = { 0, 7, -7, 2147483647LL, -9223372036854775807LL - 1,
			9223372036854775807LL };
		static const int max_tokens[] = { 1, 9, 10, 512, 2147483647 };
		for (i = 0; i < sizeof seeds / sizeof *seeds; i++) {
			req.seed = seeds[i];
			req.max_tokens = max_tokens[i % (sizeof max_tokens / sizeof *max_tokens)];
			assert_int_equal(msb__openai_build_body(&body, &len, &req, "m", MSB_OPENAI_CHAT, 0, 0, 0), 0);
			snprintf(want, sizeof want, "\"max_tokens\":%d,\"seed\":%lld,\"stream\":false}",
			    req.max_tokens, req.seed);
			assert_non_null(strstr(body, want));
			assert_int_equal(len, strlen(body));
			msb__free(body);
		}
	}
}

/* One reply through the pure classifier. */
static void classify(msb__oa_outcome *o, long status, const char *body, const char *ctype,
    const char *ra, const char *ra_ms)
{
	msb_completion *c;
	msb__oa_reply r;

	memset(&r, 0, sizeof r);
	r.status = status;
	r.body = body;
	r.len = strlen(body);
	r.content_type = ctype;
	r.retry_after = ra;
	r.retry_after_ms = ra_ms;
	r.now_epoch_s = 1.7e9;
	r.max_retry_after_ms = 120000;
	r.endpoint = MSB_OPENAI_CHAT;
	r.display_url = "http://h/v1/chat/completions";
	assert_int_equal(msb_completion_new(&c), 0);
	msb__oa_classify_reply(c, &r, o);
	if (o->code)
		assert_null(msbt_completion(c).text);
	msb_completion_free(c);
}

static void test_classify_reply(void **state)
{
	static const char err[] = "{\"error\":{\"message\":\"m\",\"type\":\"t\"}}";
	static const char ok[] = "{\"choices\":[{\"message\":{\"content\":\"hi\"},"
	                         "\"finish_reason\":\"stop\"}]}";
	msb__oa_outcome o;
	(void)state;

	classify(&o, 200, ok, "application/json", "5", NULL);
	assert_int_equal(o.code, 0);
	/* overload signals shrink the window; a plain 500 does not */
	classify(&o, 429, err, NULL, NULL, NULL);
	assert_true(o.retry && o.overload && !strcmp(o.kind, "rate_limit") && o.wait_ms < 0);
	classify(&o, 503, err, NULL, NULL, NULL);
	assert_true(o.retry && o.overload && !strcmp(o.kind, "http"));
	classify(&o, 529, err, NULL, NULL, NULL);
	assert_true(o.retry && o.overload);
	classify(&o, 498, err, NULL, NULL, NULL);
	assert_true(o.retry && o.overload && !strcmp(o.kind, "rate_limit"));
	classify(&o, 500, err, NULL, NULL, NULL);
	assert_true(o.retry && !o.overload && !strcmp(o.kind, "http"));
	classify(&o, 404, err, NULL, NULL, NULL);
	assert_true(!o.retry && !o.overload);
	/* Retry-After within the cap is the wait; retry-after-ms wins; beyond the cap: fail now */
	classify(&o, 429, err, NULL, "7", NULL);
	assert_true(o.retry && o.wait_ms == 7000);
	classify(&o, 503, err, NULL, "7", "250");
	assert_true(o.retry && o.wait_ms == 250);
	classify(&o, 429, err, NULL, "579", NULL);
	assert_true(!o.retry && !strcmp(o.kind, "rate_limit"));
	assert_non_null(strstr(o.msg, "asks to wait 579 s, more than max_retry_after_ms 120 s"));
	/* an HTTP date 30 s ahead (1.7e9 + 30: `date -u -d @1700000030` = Tue Nov 14 22:13:50 UTC 2023) */
	classify(&o, 429, err, NULL, "Tue, 14 Nov 2023 22:13:50 GMT", NULL);
	assert_true(o.retry && o.wait_ms == 30000);
	/* billing is not retried, whatever the Retry-After */
	classify(&o, 429, "{\"error\":{\"message\":\"q\",\"code\":\"insufficient_quota\"}}", NULL,
	    "1", NULL);
	assert_true(!o.retry && !o.overload && !strcmp(o.kind, "quota"));
	/* errors in a 200 body: an integer code is the status */
	classify(&o, 200, "{\"error\":{\"message\":\"Provider returned error\",\"code\":429,"
	                  "\"metadata\":{\"raw\":\"upstream busy\"}}}", NULL, NULL, NULL);
	assert_true(o.retry && o.overload && !strcmp(o.kind, "rate_limit"));
	assert_non_null(strstr(o.msg, "Provider returned error: upstream busy"));
	classify(&o, 200, "{\"error\":{\"message\":\"bad\",\"code\":400}}", NULL, NULL, NULL);
	assert_true(!o.retry && !strcmp(o.kind, "http"));
	classify(&o, 200, "{\"error\":\"model overloaded\"}", NULL, NULL, NULL);
	assert_true(o.retry && !o.overload && !strcmp(o.kind, "http"));
	/* an event stream is one clear error, never retried */
	classify(&o, 200, ok, "text/event-stream; charset=utf-8", NULL, NULL);
	assert_true(!o.retry && !strcmp(o.kind, "stream"));
	/* Gemini's list-shaped error body gives its message */
	classify(&o, 400, "[{\"error\":{\"code\":400,\"message\":\"API key not valid\","
	                  "\"status\":\"INVALID_ARGUMENT\"}}]", NULL, NULL, NULL);
	assert_non_null(strstr(o.msg, "HTTP 400: API key not valid (INVALID_ARGUMENT)"));
}

/* Reasoning split, refusal flag, empty answers and repair at the parser level. */
static void test_shapes_unit(void **state)
{
	msb_completion *c;
	char msg[512];
	static const char bad[] = "{\"choices\":[{\"message\":{\"content\":\"a\xc3(b\"},"
	                          "\"finish_reason\":\"stop\"}]}";
	(void)state;

	assert_int_equal(msb_completion_new(&c), 0);
	assert_int_equal(msb__openai_parse_response(c, bad, sizeof bad - 1, 0, msg, sizeof msg), 0);
	assert_string_equal(msbt_completion(c).text, "a\xEF\xBF\xBD(b");
	assert_int_equal(msb__completion_text_repaired(c), 1);
	msb_completion_reset(c);
	assert_int_equal(msb__completion_text_repaired(c), 0);
	/* white space after </think> only: no answer */
	{
		static const char b[] = "{\"choices\":[{\"text\":\"x</think> \\n\"}]}";
		assert_int_equal(msb__openai_parse_response(c, b, sizeof b - 1, 1, msg, sizeof msg),
		    MSB_ERROR);
	}
	assert_string_equal(msbt_completion(c).error.kind, "empty");
	assert_string_equal(msbt_completion(c).reasoning, "x");
	msb_completion_reset(c);
	/* both a refusal and content: the content is the answer, the refusal is kept */
	{
		static const char b[] = "{\"choices\":[{\"message\":{\"content\":\"No.\",\"refusal\":\"R\"}}]}";
		assert_int_equal(msb__openai_parse_response(c, b, sizeof b - 1, 0, msg, sizeof msg), 0);
	}
	assert_string_equal(msbt_completion(c).text, "No.");
	assert_string_equal(msb__completion_refusal(c), "R");
	msb_completion_free(c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openai_chat),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_completions),
		cmocka_unit_test(test_reasoning_variants),
		cmocka_unit_test(test_content_shapes),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_request_body),
		cmocka_unit_test(test_json_string_escape),
		cmocka_unit_test(test_request_numbers),
		cmocka_unit_test(test_classify_reply),
		cmocka_unit_test(test_shapes_unit),
	};
	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURES-DIR\n", argv[0]);
		return 2;
	}
	fixtures = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
