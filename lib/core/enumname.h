/*
 * lib/core/enumname.h - the one contract of every public msb_<enum>_name /
 * msb_<enum>_from_name pair (docs/conventions.md, "Enumerations"): _name
 * gives a static string or NULL for a value outside the enum; _from_name
 * gives the value (ASCII case ignored) or MSB_EINVAL with a message that
 * lists the names. The tables map value i to names[i] (NULL: no name).
 */
#ifndef MSB_CORE_ENUMNAME_H
#define MSB_CORE_ENUMNAME_H

#include <stddef.h>

const char *msb__enum_name(const char *const *names, size_t n, int value);
int msb__enum_from_name(const char *const *names, size_t n, const char *name, const char *what);

#define MSB__N(a) (sizeof (a) / sizeof *(a))

#endif
