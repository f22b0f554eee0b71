/* lib/core/lines.h - reading a file descriptor line by line, in bounded memory. */
#ifndef MSB_CORE_LINES_H
#define MSB_CORE_LINES_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Call fn for each complete, non-empty line read from fd (from its current
 * position; streamed, so the file may be larger than memory). off is the
 * line's offset from where reading began. A torn last line (no newline) is
 * not passed on: on success *end gets the offset just past the last complete
 * line. Stops at fn's first non-zero return and returns it; a read error is
 * MSB_EIO with name in the message. fd stays open.
 */
int msb__lines_each(off_t *end, int fd, const char *name,
    int (*fn)(const char *line, size_t len, size_t off, void *ud), void *ud);

#endif
