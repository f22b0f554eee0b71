/* lib/dataset/text.c - UTF-8, NUL and emptiness checks for loaders. */
#include <stdint.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/error.h"
#include "dataset/text.h"

size_t msb__utf8_invalid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, k;
		uint32_t cp;

		/* fast path: eight ASCII bytes at a time */
		if (c < 0x80) {
			while (i + 8 <= len) {
				uint64_t w;
				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ull)
					break;
				i += 8;
			}
			while (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len) /* truncated sequence */
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

size_t msb__line_of(const char *s, size_t off)
{
	size_t line = 1;
	const char *p = s, *end = s + off;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

int msb__is_blank(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

int msb__text_check(const char *path, const char *buf, size_t len, size_t *skip)
{
	const char *nul;
	size_t bad;

	*skip = 0;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		*skip = 3;
	if (msb__is_blank(buf + *skip, len - *skip))
		return msb__error_set(MSB_EPARSE, "%s: empty file", path);
	nul = memchr(buf, '\0', len);
	if (nul)
		return msb__error_set(MSB_EPARSE, "%s:%zu: NUL byte in text", path,
		    msb__line_of(buf, (size_t)(nul - buf)));
	bad = msb__utf8_invalid(buf, len);
	if (bad < len)
		return msb__error_set(MSB_EPARSE, "%s:%zu: invalid UTF-8 (byte 0x%02x at offset %zu)",
		    path, msb__line_of(buf, bad), (unsigned char)buf[bad], bad);
	return 0;
}
