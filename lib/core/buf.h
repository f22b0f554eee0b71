/* lib/core/buf.h - a growable byte buffer, always NUL-terminated. */
#ifndef MSB_CORE_BUF_H
#define MSB_CORE_BUF_H

#include <stddef.h>

#include "core/error.h"

typedef struct msb_buf {
	char *ptr;    /* NUL-terminated once anything was added; may be NULL */
	size_t len;   /* bytes used, not counting the NUL */
	size_t cap;   /* bytes allocated */
	int failed;   /* sticky: an allocation failed; every later call is a no-op */
} msb_buf;

#define MSB_BUF_INIT { NULL, 0, 0, 0 }

/* Each returns 0 or MSB_ENOMEM; after a failure the buffer stays failed. */
int msb_buf_grow(msb_buf *b, size_t extra);
int msb_buf_put(msb_buf *b, const char *data, size_t len);
int msb_buf_puts(msb_buf *b, const char *s);
int msb_buf_putc(msb_buf *b, char c);
int msb_buf_printf(msb_buf *b, const char *fmt, ...) MSB__PRINTF(2, 3);
/* v in decimal, the bytes of "%lld" (no printf: the request and record writers' hot path). */
int msb_buf_put_int(msb_buf *b, long long v);
void msb_buf_clear(msb_buf *b);            /* len = 0, keeps the memory */
void msb_buf_dispose(msb_buf *b);          /* frees, back to MSB_BUF_INIT */
/* Hand the string to the caller (free with msb__free / msb_free); "" when empty. NULL after a failure. */
char *msb_buf_detach(msb_buf *b);
/* The string, "" while empty. */
const char *msb_buf_cstr(const msb_buf *b);

/*
 * The decimal digits of u (resp. v, with its '-') written backwards so that
 * they end just before end, which needs 20 (resp. 21) bytes of room; returns
 * where they start. For writers that do not go through an msb_buf.
 */
char *msb__udigits(char *end, unsigned long long u);
char *msb__idigits(char *end, long long v);

#endif
