/*
 * lib/core/redact.h - keeping secrets out of everything the library
 * writes: URLs lose their user:password and their query values, header
 * values are hidden unless the name is known to be harmless, and a known
 * secret is masked wherever it turns up in a message.
 */
#ifndef MSB_CORE_REDACT_H
#define MSB_CORE_REDACT_H

#include <stddef.h>

/* What stands for a hidden value. */
#define MSB__REDACTED "<redacted>"

/*
 * A URL for display: "user:pass@" removed, every query value replaced by
 * MSB__REDACTED (the names stay: "?api-version=<redacted>"), a fragment
 * dropped. Text that is not a URL is returned as given. New string
 * (msb__free), NULL when out of memory.
 */
char *msb__redact_url(const char *url);

/* 1 when the value of header `name` may be shown (Content-Type, Accept, ...), else 0. */
int msb__redact_header_harmless(const char *name);

/*
 * "Name: value" as it may be shown: the value replaced by MSB__REDACTED
 * unless the name is harmless. New string (msb__free), NULL when out of memory.
 */
char *msb__redact_header(const char *line);

/*
 * Replace every occurrence of `secret` (when at least 4 bytes long) in
 * the NUL-terminated msg, in place; msg never grows.
 */
void msb__redact_in(char *msg, const char *secret);

/*
 * 0 when s (of length len) holds no CR, LF or NUL byte, else the offset
 * of the first one + 1: text that would split or end an HTTP header.
 */
size_t msb__header_unsafe(const char *s, size_t len);

#endif
