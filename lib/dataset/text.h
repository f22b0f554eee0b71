/* lib/dataset/text.h - checks every loader runs on raw file bytes (internal). */
#ifndef MSB_DATASET_TEXT_H
#define MSB_DATASET_TEXT_H

#include <stddef.h>

/* Offset of the first byte that starts an invalid UTF-8 sequence, or len. */
size_t msb__utf8_invalid(const char *s, size_t len);

/* 1-based line number of byte offset `off` in s. */
size_t msb__line_of(const char *s, size_t off);

/*
 * Reject what no loader accepts: an empty file (nothing but a BOM and
 * white space), a NUL byte, invalid UTF-8. *skip is set to 3 when the
 * buffer starts with a UTF-8 BOM, else 0. Errors: MSB_EPARSE naming
 * path and line.
 */
int msb__text_check(const char *path, const char *buf, size_t len, size_t *skip);

/* 1 when [s, s+len) holds only spaces, tabs, CR and LF. */
int msb__is_blank(const char *s, size_t len);

#endif
