/* lib/core/arena.h - bump allocator for many small, equally long-lived strings. */
#ifndef MSB_CORE_ARENA_H
#define MSB_CORE_ARENA_H

#include <stddef.h>

typedef struct msb_arena_chunk msb_arena_chunk;
struct msb__bulk;
typedef struct msb_arena {
	msb_arena_chunk *head;
	size_t chunk_size; /* default 64 KiB */
	size_t total;      /* bytes allocated from the system */
	/*
	 * Optional: once this region is active (its owner made a large
	 * allocation), new chunks of 1 MiB come from it (core/bulk.h); the
	 * owner disposes of the arena before the region.
	 */
	struct msb__bulk *bulk;
} msb_arena;

#define MSB_ARENA_INIT { NULL, 0, 0, NULL }

/* Allocate n bytes (8-aligned); NULL + MSB_ENOMEM on failure. */
void *msb_arena_alloc(msb_arena *a, size_t n);
/* Copy n bytes and add a NUL. */
char *msb_arena_strndup(msb_arena *a, const char *s, size_t n);
char *msb_arena_strdup(msb_arena *a, const char *s);
void msb_arena_dispose(msb_arena *a);

#endif
