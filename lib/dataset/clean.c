/*
 * lib/dataset/clean.c - the optional clean-up of the Llama-3 files'
 * quirks: chat special tokens left at the end of lines (<|eot_id|>), a
 * stray unmatched quote before them, and the exact duplicates that
 * appear once those are gone.
 */
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/sha256.h"
#include "dataset/dataset.h"
#include "dataset/load.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_name(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Strip trailing "<|name|>" tokens and white space; 1 when any token went. */
static int strip_tokens(char *s, size_t *len)
{
	size_t n = *len;
	int changed = 0;

	for (;;) {
		size_t j, k;
		while (n && is_space(s[n - 1]))
			n--;
		if (n < 4 || s[n - 1] != '>' || s[n - 2] != '|')
			break;
		j = n - 2; /* the '|' of "|>" */
		for (k = j; k > 0 && is_name(s[k - 1]); k--)
			;
		if (k == j || k < 2 || s[k - 1] != '|' || s[k - 2] != '<')
			break;
		n = k - 2;
		changed = 1;
	}
	if (changed) {
		while (n && is_space(s[n - 1]))
			n--;
		s[n] = '\0';
		*len = n;
	}
	return changed;
}

/* A final '"' with no partner (odd count) is a leftover of generation. */
static int strip_stray_quote(char *s, size_t *len)
{
	size_t n = *len, q = 0, i;

	for (i = 0; i < n; i++)
		q += s[i] == '"';
	if (!(q & 1) || !n || s[n - 1] != '"')
		return 0;
	n--;
	while (n && is_space(s[n - 1]))
		n--;
	s[n] = '\0';
	*len = n;
	return 1;
}

static uint64_t key_hash(const msb_item *it)
{
	uint64_t h = msb_fnv1a64(it->prompt, strlen(it->prompt));
	/* source and split are interned: their addresses identify them */
	h ^= (uint64_t)(uintptr_t)it->source * 0x9e3779b97f4a7c15ull;
	h ^= (uint64_t)(uintptr_t)it->split * 0xc2b2ae3d27d4eb4full;
	return h;
}

static int drop_duplicates(msb_dataset *ds)
{
	size_t cap = 64, i, kept = 0, mask;
	size_t *table;

	while (cap < ds->n * 2)
		cap *= 2;
	table = msb__calloc(cap, sizeof *table);
	if (!table)
		return MSB_ENOMEM;
	mask = cap - 1;
	for (i = 0; i < ds->n; i++) {
		const msb_item *it = ds->items[i];
		size_t h = (size_t)key_hash(it) & mask;
		int dup = 0;
		while (table[h]) {
			const msb_item *o = ds->items[table[h] - 1];
			if (o->source == it->source && o->split == it->split && !strcmp(o->prompt, it->prompt)) {
				dup = 1;
				break;
			}
			h = (h + 1) & mask;
		}
		if (dup) {
			ds->cleaned[MSB_CLEANED_DUPLICATES]++;
			continue;
		}
		ds->items[kept] = it;
		table[h] = ++kept;
	}
	msb__free(table);
	ds->n = kept;
	return msb__dataset_reindex(ds);
}

int msb__dataset_clean(msb_dataset *ds, unsigned int flags)
{
	size_t i;

	if (flags & MSB_CLEAN_STRIP_TOKENS) {
		for (i = 0; i < ds->n; i++) {
			/* the strings live in the dataset's own arena */
			char *p = (char *)ds->items[i]->prompt;
			size_t len = strlen(p);
			if (strip_tokens(p, &len))
				ds->cleaned[MSB_CLEANED_TOKENS]++;
			if (strip_stray_quote(p, &len))
				ds->cleaned[MSB_CLEANED_QUOTES]++;
		}
	}
	if (flags & MSB_CLEAN_DEDUP)
		return drop_duplicates(ds);
	return 0;
}

size_t msb_dataset_clean_count(const msb_dataset *ds, int what)
{
	if (!ds || what < MSB_CLEANED_TOKENS || what > MSB_CLEANED_DUPLICATES)
		return 0;
	return msb__dataset_owner(ds)->cleaned[what];
}
