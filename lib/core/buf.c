/* lib/core/buf.c - growable byte buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/buf.h"

int msb_buf_grow(msb_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return MSB_ENOMEM;
	if (extra > (size_t)-1 - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	p = msb__realloc(b->ptr, cap);
	if (!p)
		goto fail;
	b->ptr = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = 1;
	return MSB_ENOMEM;
}

int msb_buf_put(msb_buf *b, const char *data, size_t len)
{
	/* room for len bytes and the NUL (len < cap - used): the common case, without msb_buf_grow */
	if (!b->failed && b->ptr && len < b->cap - b->len) {
		if (len) /* data may be NULL when len is 0 */
			memcpy(b->ptr + b->len, data, len);
		b->len += len;
		b->ptr[b->len] = '\0';
		return 0;
	}
	if (msb_buf_grow(b, len))
		return MSB_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int msb_buf_puts(msb_buf *b, const char *s)
{
	return msb_buf_put(b, s, strlen(s));
}

int msb_buf_putc(msb_buf *b, char c)
{
	if (!b->failed && b->ptr && b->cap - b->len > 1) {
		b->ptr[b->len++] = c;
		b->ptr[b->len] = '\0';
		return 0;
	}
	return msb_buf_put(b, &c, 1);
}

char *msb__udigits(char *end, unsigned long long u)
{
	char *q = end;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return q;
}

char *msb__idigits(char *end, long long v)
{
	char *q = msb__udigits(end, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);

	if (v < 0)
		*--q = '-';
	return q;
}

int msb_buf_put_int(msb_buf *b, long long v)
{
	char d[24], *q = msb__idigits(d + sizeof d, v);

	return msb_buf_put(b, q, (size_t)(d + sizeof d - q));
}

int msb_buf_printf(msb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return MSB_ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return msb__error_set(MSB_EINVAL, "invalid format");
	if (msb_buf_grow(b, (size_t)n))
		return MSB_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void msb_buf_clear(msb_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void msb_buf_dispose(msb_buf *b)
{
	msb__free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

char *msb_buf_detach(msb_buf *b)
{
	char *s;

	if (b->failed) {
		msb_buf_dispose(b);
		return NULL;
	}
	if (!b->ptr && msb_buf_grow(b, 0))
		return NULL;
	b->ptr[b->len] = '\0';
	s = b->ptr;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return s;
}

const char *msb_buf_cstr(const msb_buf *b)
{
	return b->ptr ? b->ptr : "";
}
