/*
 * tests/judge/judge_test_util.h - helpers shared by the judge tests: a
 * plain replace-all (an independent way to build expected prompts: it
 * does not share code with the library's renderer), file helpers, and a
 * callback backend that captures what a judge sends.
 */
#ifndef MSB_TEST_JUDGE_UTIL_H
#define MSB_TEST_JUDGE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/medsafety.h"

/* s with every `from` replaced by `to`; malloc'd. */
static inline char *replace_all(const char *s, const char *from, const char *to)
{
	size_t n = 0, lf = strlen(from), lt = strlen(to);
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += lf)
		n++;
	out = malloc(strlen(s) + n * lt + 1);
	if (!out)
		abort();
	for (o = out, p = s;;) {
		const char *q = strstr(p, from);
		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, lt);
		o += lt;
		p = q + lf;
	}
	return out;
}

/* Fill the four placeholders one after another (the values must not hold placeholders). */
static inline char *fill_template(const char *tmpl, const char *policy, const char *rubric,
    const char *question, const char *response)
{
	char *a = replace_all(tmpl, "{policy}", policy);
	char *b = replace_all(a, "{rubric}", rubric);
	char *c = replace_all(b, "{question}", question);
	char *d = replace_all(c, "{response}", response);
	free(a);
	free(b);
	free(c);
	return d;
}

/* A whole file, malloc'd and NUL-terminated; NULL when it cannot be read. */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static inline void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, strlen(text), f) != strlen(text))
		abort();
	fclose(f);
}

/* A callback backend's userdata: the last request it was sent, and its canned reply. */
typedef struct {
	char *system;      /* last request, copied */
	char *prompt;
	int max_tokens;
	double temperature;
	int calls;
	const char *reply; /* canned output; NULL: fail with fail_code */
	int fail_code;
} capture;

static inline int capture_fn(const msb_request *req, msb_completion *out, void *ud)
{
	capture *c = ud;
	free(c->system);
	free(c->prompt);
	c->system = req->system ? strdup(req->system) : NULL;
	c->prompt = strdup(req->prompt);
	c->max_tokens = req->max_tokens;
	c->temperature = req->temperature;
	c->calls++;
	if (!c->reply) {
		msb_completion_set_error(out, c->fail_code, "http", "judge server said 503");
		return c->fail_code;
	}
	msb_completion_set_usage(out, 100, 20);
	return msb_completion_set_text(out, c->reply);
}

static inline void capture_reset(capture *c)
{
	free(c->system);
	free(c->prompt);
	memset(c, 0, sizeof *c);
}

#endif
