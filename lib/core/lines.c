/* lib/core/lines.c - reading a file descriptor line by line, in bounded memory. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "medsafety/common.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/lines.h"

int msb__lines_each(off_t *end, int fd, const char *name,
    int (*fn)(const char *line, size_t len, size_t off, void *ud), void *ud)
{
	msb_buf buf = MSB_BUF_INIT;
	size_t base = 0; /* offset of buf.ptr[0] */
	int rc = 0;

	for (;;) {
		ssize_t n;
		char *start, *nl;
		if (msb_buf_grow(&buf, 1 << 20)) {
			rc = MSB_ENOMEM;
			break;
		}
		n = read(fd, buf.ptr + buf.len, buf.cap - buf.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = msb__error_set(MSB_EIO, "%s: read failed: %s", name, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		buf.len += (size_t)n;
		start = buf.ptr;
		while ((nl = memchr(start, '\n', buf.len - (size_t)(start - buf.ptr)))) {
			size_t len = (size_t)(nl - start);
			if (len && (rc = fn(start, len, base + (size_t)(start - buf.ptr), ud)))
				goto out;
			start = nl + 1;
		}
		/* keep the unfinished line for the next read */
		base += (size_t)(start - buf.ptr);
		memmove(buf.ptr, start, buf.len - (size_t)(start - buf.ptr));
		buf.len -= (size_t)(start - buf.ptr);
	}
out:
	if (end)
		*end = (off_t)base;
	msb_buf_dispose(&buf);
	return rc;
}
