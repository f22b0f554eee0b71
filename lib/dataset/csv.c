/* lib/dataset/csv.c - RFC 4180 CSV reader, in place, single pass. */
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/error.h"
#include "dataset/csv.h"

void msb__csv_init(msb__csv *c, const char *path, char *buf, size_t len)
{
	memset(c, 0, sizeof *c);
	c->path = path;
	c->p = buf;
	c->end = buf + len;
	c->line = 1;
}

void msb__csv_dispose(msb__csv *c)
{
	msb__free(c->fields);
	c->fields = NULL;
	c->nfields = c->cap = 0;
}

static int push_field(msb__csv *c, char *ptr, size_t len)
{
	if (c->nfields == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		msb__csv_field *f = msb__reallocarray(c->fields, cap, sizeof *f);
		if (!f)
			return MSB_ENOMEM;
		c->fields = f;
		c->cap = cap;
	}
	c->fields[c->nfields].ptr = ptr;
	c->fields[c->nfields].len = len;
	c->nfields++;
	return 0;
}

static size_t count_newlines(const char *p, size_t n)
{
	const char *end = p + n;
	size_t k = 0;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/*
 * A quoted field: c->p is at the opening quote. The unescaped text is
 * written from the opening quote onwards (never ahead of the reader).
 */
static int quoted_field(msb__csv *c, char **start, size_t *len)
{
	char *w = c->p, *p = c->p + 1;
	size_t open_line = c->line;

	*start = w;
	for (;;) {
		char *q = memchr(p, '"', (size_t)(c->end - p));
		size_t n;
		if (!q)
			return msb__error_set(MSB_EPARSE, "%s:%zu: unterminated quoted field", c->path,
			    open_line);
		n = (size_t)(q - p);
		c->line += count_newlines(p, n);
		memmove(w, p, n);
		w += n;
		p = q + 1;
		if (p < c->end && *p == '"') { /* doubled quote */
			*w++ = '"';
			p++;
			continue;
		}
		break;
	}
	*len = (size_t)(w - *start);
	c->p = p;
	return 0;
}

int msb__csv_next(msb__csv *c)
{
	char *p;

	/* skip lines that are entirely empty */
	for (;;) {
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->line++;
		} else if (c->p + 1 < c->end && c->p[0] == '\r' && c->p[1] == '\n') {
			c->p += 2;
			c->line++;
		} else {
			break;
		}
	}
	if (c->p >= c->end)
		return 0;
	c->record_line = c->line;
	c->nfields = 0;
	for (;;) {
		char *start = NULL;
		size_t len = 0;
		int rc, last;

		if (*c->p == '"') {
			rc = quoted_field(c, &start, &len);
			if (rc)
				return rc;
			p = c->p;
			if (p < c->end && *p != ',' && *p != '\n' &&
			    !(*p == '\r' && p + 1 < c->end && p[1] == '\n') && !(*p == '\r' && p + 1 == c->end))
				return msb__error_set(MSB_EPARSE,
				    "%s:%zu: unexpected character after a closing quote", c->path, c->line);
		} else {
			start = p = c->p;
			while (p < c->end && *p != ',' && *p != '\n')
				p++;
			len = (size_t)(p - start);
			if (len && start[len - 1] == '\r' && (p == c->end || *p == '\n'))
				len--;
		}
		/* p is at the delimiter: ',', '\r', '\n' or the end */
		if (p < c->end && *p == '\r')
			p++;
		last = p >= c->end || *p == '\n';
		if (p < c->end && *p == '\n')
			c->line++;
		c->p = p < c->end ? p + 1 : p;
		start[len] = '\0';
		rc = push_field(c, start, len);
		if (rc)
			return rc;
		if (last)
			return 1;
		if (c->p >= c->end) /* a trailing comma at the very end: one more empty field */
			return push_field(c, c->p, 0) ? MSB_ENOMEM : 1;
	}
}
