/*
 * lib/core/abi.h - helpers for the versioned options structs and vtables
 * (docs/conventions.md).
 */
#ifndef MSB_CORE_ABI_H
#define MSB_CORE_ABI_H

#include <stddef.h>

/*
 * Validate an options struct's version: 0 when 1 <= version <= current,
 * else MSB_EVERSION with a message naming `what`. A NULL struct is
 * accepted (the caller uses defaults).
 */
int msb__check_version(const void *opts, unsigned int current, const char *what);

/*
 * Check the version a caller set in an out-struct (the *_info_get family):
 * 0 when 1 <= version <= current, else MSB_EVERSION with "fn: what version
 * V not supported (1..current)".
 */
int msb__out_version(unsigned int version, unsigned int current, const char *fn, const char *what);

/*
 * Initialise an options struct for the public *_options_init() functions:
 * zero `size` bytes, copy the defaults and set the version. Returns 0 or
 * MSB_EVERSION / MSB_EINVAL.
 */
int msb__options_init(void *opts, size_t size, const void *defaults,
    unsigned int version, unsigned int current, const char *what);

/*
 * Copy a caller's vtable into `dst` (of size dst_size): the struct starts
 * with `unsigned int version; unsigned int struct_size;`. Copies
 * min(src->struct_size, dst_size) bytes into a zeroed dst, so slots the
 * caller's (older) struct does not have are NULL. Returns 0, or
 * MSB_EINVAL (NULL, struct_size too small) / MSB_EVERSION.
 */
int msb__vtable_copy(void *dst, size_t dst_size, const void *src,
    unsigned int current_version, const char *what);

#endif
