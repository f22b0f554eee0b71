/* lib/core/strmap.c - string -> size_t map for id indexes (resume, merge, results). */
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/sha256.h"
#include "core/strmap.h"

static size_t slot_of(const msb_strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)msb_fnv1a64(key, strlen(key)) & mask;

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & mask;
	return i;
}

static int grow(msb_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	msb_strmap nm = *m;

	nm.keys = msb__calloc(ncap, sizeof *nm.keys);
	nm.vals = msb__calloc(ncap, sizeof *nm.vals);
	if (!nm.keys || !nm.vals) {
		msb__free(nm.keys);
		msb__free(nm.vals);
		return MSB_ENOMEM;
	}
	nm.cap = ncap;
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			size_t s = slot_of(&nm, m->keys[i]);
			nm.keys[s] = m->keys[i];
			nm.vals[s] = m->vals[i];
		}
	}
	msb__free(m->keys);
	msb__free(m->vals);
	m->keys = nm.keys;
	m->vals = nm.vals;
	m->cap = ncap;
	return 0;
}

int msb_strmap_put(msb_strmap *m, const char *key, size_t val, int *existed)
{
	size_t s;

	if (existed)
		*existed = 0;
	/* keep the load under 1/2 so probes stay short */
	if ((m->n + 1) * 2 > m->cap && grow(m))
		return MSB_ENOMEM;
	s = slot_of(m, key);
	if (m->keys[s]) {
		if (existed)
			*existed = 1;
		m->vals[s] = val;
		return 0;
	}
	m->keys[s] = msb_arena_strdup(&m->arena, key);
	if (!m->keys[s])
		return MSB_ENOMEM;
	m->vals[s] = val;
	m->n++;
	return 0;
}

int msb_strmap_get(const msb_strmap *m, const char *key, size_t *val)
{
	size_t s;

	if (!m->cap)
		return 0;
	s = slot_of(m, key);
	if (!m->keys[s])
		return 0;
	if (val)
		*val = m->vals[s];
	return 1;
}

void msb_strmap_dispose(msb_strmap *m)
{
	msb__free(m->keys);
	msb__free(m->vals);
	msb_arena_dispose(&m->arena);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}
