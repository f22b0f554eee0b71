/*
 * cli/config/redact.c - secrets out of run.json: a URL's user:password
 * and query values, and the values of headers not known to be harmless.
 * The same rules as the library's lib/core/redact.c (which the CLI cannot
 * reach: it is internal); keep the two in step.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/util.h"

#define REDACTED "<redacted>"

/* Append n bytes of s at *p (the buffer is sized by the caller). */
static char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

char *cfg__redact_url(const char *url)
{
	const char *p, *auth, *end, *at, *q;
	char *out, *o;
	size_t len;

	if (!url)
		return NULL;
	len = strlen(url);
	/* worst case: every byte of the query is a one-letter value, each replaced */
	if (!(out = malloc(len * (sizeof REDACTED) + 1)))
		return NULL;
	o = out;
	p = strstr(url, "://");
	auth = p ? p + 3 : url;
	end = auth + strcspn(auth, "/?#");
	o = put(o, url, (size_t)(auth - url));
	/* userinfo: everything up to the last '@' of the authority */
	at = NULL;
	for (q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at)
		auth = at + 1;
	o = put(o, auth, (size_t)(end - auth));
	q = end + strcspn(end, "?#");
	o = put(o, end, (size_t)(q - end)); /* the path */
	if (*q == '?') {
		const char *s = q + 1, *qend = s + strcspn(s, "#");
		*o++ = '?';
		while (s < qend) {
			const char *amp = memchr(s, '&', (size_t)(qend - s));
			const char *pe = amp ? amp : qend;
			const char *eq = memchr(s, '=', (size_t)(pe - s));
			if (eq) {
				o = put(o, s, (size_t)(eq - s));
				o = put(o, "=" REDACTED, sizeof REDACTED);
			} else if (pe > s) {
				/* a bare value ("?sk-...") may be the secret itself */
				o = put(o, REDACTED, sizeof REDACTED - 1);
			}
			if (amp)
				*o++ = '&';
			s = amp ? amp + 1 : qend;
		}
	}
	*o = '\0';
	return out;
}

int cfg__header_harmless(const char *name)
{
	/* headers that describe the request, never who makes it */
	static const char *const ok[] = {
		"accept", "accept-encoding", "accept-language", "content-type", "expect",
		"user-agent", "cache-control", "connection", "openai-beta", "anthropic-version",
		"api-version", "http-referer", "x-title"
	};
	size_t i, n = strcspn(name, ":");

	while (n > 0 && isspace((unsigned char)name[n - 1]))
		n--;
	for (i = 0; i < sizeof ok / sizeof *ok; i++)
		if (strlen(ok[i]) == n && !strncasecmp(name, ok[i], n))
			return 1;
	return 0;
}
