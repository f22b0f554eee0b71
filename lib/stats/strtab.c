/* lib/stats/strtab.c - interned strings (item ids, sources, splits). */
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sha256.h"
#include "stats/scorer.h"

static int grow_slots(msb__strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64, i;
	uint32_t *slots = msb__calloc(n, sizeof *slots);

	if (!slots)
		return MSB_ENOMEM;
	for (i = 0; i < t->count; i++) {
		size_t h = (size_t)msb_fnv1a64(t->str[i], strlen(t->str[i])) & (n - 1);

		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = (uint32_t)i + 1;
	}
	msb__free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

long msb__strtab_find(const msb__strtab *t, const char *s)
{
	size_t h;

	if (!t->nslots)
		return -1;
	h = (size_t)msb_fnv1a64(s, strlen(s)) & (t->nslots - 1);
	while (t->slots[h]) {
		uint32_t i = t->slots[h] - 1;

		if (!strcmp(t->str[i], s))
			return (long)i;
		h = (h + 1) & (t->nslots - 1);
	}
	return -1;
}

int msb__strtab_intern(msb__strtab *t, msb_arena *arena, const char *s, uint32_t *index)
{
	long found = msb__strtab_find(t, s);
	size_t h;
	char *copy;

	if (found >= 0) {
		*index = (uint32_t)found;
		return 0;
	}
	if (t->count >= UINT32_MAX - 1)
		return msb__error_set(MSB_ELIMIT, "scorer: too many distinct strings");
	/* keep the load factor under 1/2 */
	if ((t->count + 1) * 2 > t->nslots && grow_slots(t) < 0)
		return MSB_ENOMEM;
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **str = msb__reallocarray(t->str, cap, sizeof *str);

		if (!str)
			return MSB_ENOMEM;
		t->str = str;
		t->cap = cap;
	}
	if (!(copy = msb_arena_strdup(arena, s)))
		return MSB_ENOMEM;
	t->str[t->count] = copy;
	h = (size_t)msb_fnv1a64(s, strlen(s)) & (t->nslots - 1);
	while (t->slots[h])
		h = (h + 1) & (t->nslots - 1);
	t->slots[h] = (uint32_t)t->count + 1;
	*index = (uint32_t)t->count++;
	return 0;
}

void msb__strtab_dispose(msb__strtab *t)
{
	msb__free(t->str);
	msb__free(t->slots);
	memset(t, 0, sizeof *t);
}
