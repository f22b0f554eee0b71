/* lib/core/arena.c - bump allocator. */
#include <string.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/bulk.h"

struct msb_arena_chunk {
	msb_arena_chunk *next;
	size_t used, size;
	size_t in_bulk; /* 1: carved from a->bulk, not freed on its own */
	/* data follows, 8-aligned */
	unsigned long long data[];
};

#define BULK_CHUNK ((size_t)1 << 20)

void *msb_arena_alloc(msb_arena *a, size_t n)
{
	msb_arena_chunk *c = a->head;
	size_t need = (n + 7) & ~(size_t)7;

	if (need < n)
		return msb__malloc((size_t)-1); /* overflow: fails with MSB_ENOMEM */
	if (!c || c->size - c->used < need) {
		size_t size = a->chunk_size ? a->chunk_size : 65536;
		if (need > size / 4) {
			/* big allocation: its own chunk, behind the current one */
			c = msb__malloc(sizeof *c + need);
			if (!c)
				return NULL;
			c->size = c->used = need;
			c->in_bulk = 0;
			a->total += sizeof *c + need;
			if (a->head) {
				c->next = a->head->next;
				a->head->next = c;
			} else {
				c->next = NULL;
				a->head = c;
			}
			return c->data;
		}
		c = NULL;
		if (a->bulk && msb__bulk_active(a->bulk) &&
		    (c = msb__bulk_alloc(a->bulk, sizeof *c + BULK_CHUNK)) != NULL)
			size = BULK_CHUNK;
		if (c)
			c->in_bulk = 1;
		else if ((c = msb__malloc(sizeof *c + size)) != NULL)
			c->in_bulk = 0;
		else
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += sizeof *c + size;
	}
	{
		void *p = (char *)c->data + c->used;
		c->used += need;
		return p;
	}
}

char *msb_arena_strndup(msb_arena *a, const char *s, size_t n)
{
	char *p = msb_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *msb_arena_strdup(msb_arena *a, const char *s)
{
	return msb_arena_strndup(a, s, strlen(s));
}

void msb_arena_dispose(msb_arena *a)
{
	msb_arena_chunk *c = a->head;
	while (c) {
		msb_arena_chunk *next = c->next;
		if (!c->in_bulk)
			msb__free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}
