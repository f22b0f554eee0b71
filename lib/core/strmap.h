/* lib/core/strmap.h - a string -> size_t hash map (open addressing), keys copied into an arena. */
#ifndef MSB_CORE_STRMAP_H
#define MSB_CORE_STRMAP_H

#include <stddef.h>

#include "core/arena.h"

typedef struct msb_strmap {
	const char **keys; /* NULL = empty slot */
	size_t *vals;
	size_t cap, n;     /* cap is a power of two (or 0) */
	msb_arena arena;
} msb_strmap;

#define MSB_STRMAP_INIT { NULL, NULL, 0, 0, MSB_ARENA_INIT }

/*
 * Insert or overwrite key -> val. The key is copied. Returns 0 or
 * MSB_ENOMEM. `existed` (may be NULL) is set to 1 when the key was there.
 */
int msb_strmap_put(msb_strmap *m, const char *key, size_t val, int *existed);
/* 1 and *val when found, 0 otherwise. val may be NULL. */
int msb_strmap_get(const msb_strmap *m, const char *key, size_t *val);
void msb_strmap_dispose(msb_strmap *m);

#endif
