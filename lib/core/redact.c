/*
 * lib/core/redact.c - keeping secrets out of files, messages and
 * identities (see redact.h). Deliberately plain string work: it must also
 * hide what a URL parser would refuse.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/redact.h"

char *msb__redact_url(const char *url)
{
	msb_buf b = MSB_BUF_INIT;
	const char *p, *auth, *end, *at, *q;

	if (!url)
		return NULL;
	p = strstr(url, "://");
	auth = p ? p + 3 : url;
	end = auth + strcspn(auth, "/?#");
	msb_buf_put(&b, url, (size_t)(auth - url));
	/* userinfo: everything up to the last '@' of the authority */
	at = NULL;
	for (q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at)
		auth = at + 1;
	msb_buf_put(&b, auth, (size_t)(end - auth));
	p = end;
	q = p + strcspn(p, "?#");
	msb_buf_put(&b, p, (size_t)(q - p)); /* the path */
	if (*q == '?') {
		const char *s = q + 1, *qend = s + strcspn(s, "#");
		msb_buf_putc(&b, '?');
		while (s < qend) {
			const char *amp = memchr(s, '&', (size_t)(qend - s));
			const char *pe = amp ? amp : qend;
			const char *eq = memchr(s, '=', (size_t)(pe - s));
			if (eq) {
				msb_buf_put(&b, s, (size_t)(eq - s));
				msb_buf_puts(&b, "=" MSB__REDACTED);
			} else if (pe > s) {
				/* a bare value ("?sk-...") may be the secret itself */
				msb_buf_puts(&b, MSB__REDACTED);
			}
			if (amp)
				msb_buf_putc(&b, '&');
			s = amp ? amp + 1 : qend;
		}
	}
	return msb_buf_detach(&b);
}

int msb__redact_header_harmless(const char *name)
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

char *msb__redact_header(const char *line)
{
	msb_buf b = MSB_BUF_INIT;
	const char *colon = strchr(line, ':');

	if (!colon || msb__redact_header_harmless(line))
		return msb__strdup(line);
	msb_buf_put(&b, line, (size_t)(colon - line));
	msb_buf_puts(&b, ": " MSB__REDACTED);
	return msb_buf_detach(&b);
}

void msb__redact_in(char *msg, const char *secret)
{
	static const char mark[] = MSB__REDACTED;
	size_t klen, mlen = sizeof mark - 1;
	char *at;

	if (!msg || !secret || (klen = strlen(secret)) < 4)
		return;
	while ((at = strstr(msg, secret)) != NULL) {
		size_t rest = strlen(at + klen);
		if (klen >= mlen) {
			memcpy(at, mark, mlen);
			memmove(at + mlen, at + klen, rest + 1);
		} else {
			memset(at, '*', klen);
		}
	}
}

size_t msb__header_unsafe(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return i + 1;
	return 0;
}

int msb_redact_url(char **out, const char *url)
{
	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_redact_url: NULL out");
	*out = NULL;
	if (!url)
		return msb__error_set(MSB_EINVAL, "msb_redact_url: NULL url");
	if (!(*out = msb__redact_url(url)))
		return msb__error_set(MSB_ENOMEM, "out of memory");
	return 0;
}

int msb_redact_header_harmless(const char *name)
{
	return name ? msb__redact_header_harmless(name) : 0;
}
