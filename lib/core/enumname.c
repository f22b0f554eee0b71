/*
 * lib/core/enumname.c - table lookups behind the msb_<enum>_name /
 * _from_name pairs (core/enumname.h).
 */
#include <string.h>
#include <strings.h>

#include "medsafety/common.h"
#include "core/enumname.h"
#include "core/error.h"

const char *msb__enum_name(const char *const *names, size_t n, int value)
{
	return value >= 0 && (size_t)value < n ? names[value] : NULL;
}

int msb__enum_from_name(const char *const *names, size_t n, const char *name, const char *what)
{
	char list[256];
	size_t i, len = 0;

	if (!name)
		return msb__error_set(MSB_EINVAL, "NULL %s name", what);
	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(name, names[i]))
			return (int)i;
	list[0] = '\0';
	for (i = 0; i < n && len + 1 < sizeof list; i++) {
		size_t k;
		if (!names[i])
			continue;
		k = strlen(names[i]);
		if (len + k + 3 >= sizeof list)
			break;
		if (len) {
			memcpy(list + len, ", ", 2);
			len += 2;
		}
		memcpy(list + len, names[i], k + 1);
		len += k;
	}
	return msb__error_set(MSB_EINVAL, "unknown %s '%.100s' (known: %s)", what, name, list);
}
