/*
 * lib/mcq/match.c - an answer that gives an option's text, not its
 * letter ("Metformin.", "The answer is yes"). Both sides are normalised
 * (ASCII lower case, every run of other bytes than letters, digits and
 * UTF-8 becomes one space), then:
 *   - the whole answer, or what follows "answer is" / "answer:" up to
 *     the end of its line, equals exactly one option; else
 *   - exactly one option occurs in the answer as whole words, after
 *     dropping options that are part of another option that occurs
 *     ("aspirin" inside "aspirin and heparin").
 */
#include <string.h>
#include <strings.h>

#include "medsafety/mcq.h"
#include "core/alloc.h"
#include "core/error.h"
#include "mcq/mcq.h"

static int keep(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* New normalised copy of s[0..len) (" word word", no spaces at the ends). */
static char *norm(const char *s, size_t len)
{
	char *out = msb__malloc(len + 1), *w = out;
	size_t i;
	int space = 0;
	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!keep(c)) {
			space = 1;
			continue;
		}
		if (space && w > out)
			*w++ = ' ';
		space = 0;
		*w++ = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	*w = '\0';
	return out;
}

/* Does `needle` occur in `hay` between word boundaries (spaces or ends)? */
static int has_words(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = hay;
	if (!n)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		if ((p == hay || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p++;
	}
	return 0;
}

/* The line after the first "answer is" / "answer:" (normalised), or NULL. */
static char *after_marker(const char *text, int *enomem)
{
	static const char *const marks[] = { "answer is", "answer:", "answer would be" };
	size_t k;
	*enomem = 0;
	for (k = 0; k < sizeof marks / sizeof marks[0]; k++) {
		const char *p = text, *end;
		size_t n = strlen(marks[k]);
		for (; *p; p++)
			if (strncasecmp(p, marks[k], n) == 0)
				break;
		if (!*p)
			continue;
		p += n;
		end = strchr(p, '\n');
		{
			char *s = norm(p, end ? (size_t)(end - p) : strlen(p));
			if (!s)
				*enomem = 1;
			return s;
		}
	}
	return NULL;
}

int msb__mcq_match_text(const char *text, const char *const *options, int n_options, int *index)
{
	char *opt[MSB_MCQ_MAX_OPTIONS] = { 0 };
	char *all = NULL, *tail = NULL;
	int i, rc = 0, hit = -1, n_hit = 0, enomem = 0;
	int occurs[MSB_MCQ_MAX_OPTIONS] = { 0 };

	*index = -1;
	all = norm(text, strlen(text));
	tail = after_marker(text, &enomem);
	if (!all || enomem)
		goto nomem;
	for (i = 0; i < n_options; i++)
		if (options[i] && !(opt[i] = norm(options[i], strlen(options[i]))))
			goto nomem;

	/* an exact match of the whole answer, or of what follows the marker */
	for (i = 0; i < n_options; i++)
		if (opt[i] && opt[i][0] && (strcmp(all, opt[i]) == 0 || (tail && strcmp(tail, opt[i]) == 0))) {
			if (hit >= 0 && strcmp(opt[hit], opt[i]) != 0) {
				hit = -2; /* two different options with the same text cannot both be it */
				break;
			}
			if (hit == -1)
				hit = i;
		}
	if (hit == -2)
		goto done;
	if (hit >= 0) {
		*index = hit;
		rc = 1;
		goto done;
	}

	/* exactly one option named, ignoring options inside a longer named one */
	for (i = 0; i < n_options; i++)
		occurs[i] = opt[i] && has_words(all, opt[i]);
	for (i = 0; i < n_options; i++) {
		int j, inside = 0;
		if (!occurs[i])
			continue;
		for (j = 0; j < n_options && !inside; j++)
			if (j != i && occurs[j] && strlen(opt[j]) > strlen(opt[i]) && has_words(opt[j], opt[i]))
				inside = 1;
		if (!inside) {
			n_hit++;
			hit = i;
		}
	}
	if (n_hit == 1) {
		*index = hit;
		rc = 1;
	}
	goto done;
nomem:
	rc = msb__error_set(MSB_ENOMEM, "mcq answer: out of memory");
done:
	for (i = 0; i < n_options; i++)
		msb__free(opt[i]);
	msb__free(all);
	msb__free(tail);
	return rc;
}
