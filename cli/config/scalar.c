/* cli/config/scalar.c - reading scalar text as integers, numbers and booleans. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/node.h"

int cfg__scalar_is_null_text(const char *text)
{
	return !text || !*text || !strcmp(text, "~") || !strcmp(text, "null") ||
	    !strcmp(text, "Null") || !strcmp(text, "NULL");
}

int cfg__scalar_int(long long *out, const char *text)
{
	const char *p = text;
	char *end;
	long long v;

	if (!text || !*text)
		return MSB_EINVAL;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return MSB_EINVAL; /* strtoll would skip blanks and accept "0x" */
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end)
		return MSB_EINVAL;
	*out = v;
	return 0;
}

int cfg__scalar_double(double *out, const char *text)
{
	const char *p = text;
	char *end;
	double v;

	if (!text || !*text)
		return MSB_EINVAL;
	if (*p == '+' || *p == '-')
		p++;
	/* digits or ".5"; no "inf", "nan" or hex floats in a configuration */
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return MSB_EINVAL;
	if (strpbrk(p, "xXnN"))
		return MSB_EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (errno || *end || !isfinite(v))
		return MSB_EINVAL;
	*out = v;
	return 0;
}

int cfg__scalar_bool(int *out, const char *text)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	if (!text)
		return MSB_EINVAL;
	for (i = 0; i < 3; i++) {
		if (!strcasecmp(text, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(text, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return MSB_EINVAL;
}

const char *cfg__comma_item(const char *p, const char **item, size_t *len)
{
	const char *comma = strchr(p, ',');
	size_t n = comma ? (size_t)(comma - p) : strlen(p);

	while (n && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	*item = p;
	*len = n;
	return comma ? comma + 1 : NULL;
}
