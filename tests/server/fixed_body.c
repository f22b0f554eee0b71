/*
 * tests/server/fixed_body.c - msb_test_server's --body FILE: every
 * completion request (the first --body-times of them; 0: all) gets FILE's
 * bytes as they are, with --body-status, one --body-header and
 * --body-content-type: a recorded response shape (tests/fixtures/responses/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed_body.h"

static struct {
	char *data;
	size_t len;
	int status;
	const char *header;
	const char *content_type;
	unsigned long times, served;
} fixed = { NULL, 0, 200, NULL, "application/json", 0, 0 };

static int load(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(fixed.data = malloc((size_t)n + 1))) {
		fclose(f);
		return -1;
	}
	fixed.len = fread(fixed.data, 1, (size_t)n, f);
	fclose(f);
	return fixed.len == (size_t)n ? 0 : -1;
}

int fixed_body_option(const char *flag, const char *value)
{
	if (!strcmp(flag, "--body"))
		return load(value) ? -1 : 1;
	if (!strcmp(flag, "--body-status"))
		fixed.status = atoi(value);
	else if (!strcmp(flag, "--body-header"))
		fixed.header = value;
	else if (!strcmp(flag, "--body-content-type"))
		fixed.content_type = value;
	else if (!strcmp(flag, "--body-times"))
		fixed.times = strtoul(value, NULL, 10);
	else
		return 0;
	return 1;
}

int fixed_body_next(int close_after, char **out, size_t *len)
{
	char head[1024];
	int n;

	if (!fixed.data || (fixed.times && fixed.served >= fixed.times))
		return 0;
	fixed.served++;
	n = snprintf(head, sizeof head,
	    "HTTP/1.1 %d Fixed\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s%s\r\n",
	    fixed.status, fixed.content_type, fixed.len, fixed.header ? fixed.header : "",
	    fixed.header ? "\r\n" : "", close_after ? "Connection: close\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof head || !(*out = malloc((size_t)n + fixed.len))) {
		fprintf(stderr, "msb_test_server: cannot build the --body response\n");
		exit(2);
	}
	memcpy(*out, head, (size_t)n);
	memcpy(*out + n, fixed.data, fixed.len);
	*len = (size_t)n + fixed.len;
	return 1;
}
