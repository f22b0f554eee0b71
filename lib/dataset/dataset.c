/* lib/dataset/dataset.c - dataset storage, items, lookup by id. */
#include <stdio.h>
#include <string.h>

#include "medsafety/dataset.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sha256.h"
#include "dataset/dataset.h"

static const msb_dataset_options default_options = MSB_DATASET_OPTIONS_INIT;

int msb_dataset_options_init(msb_dataset_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_options, version,
	    MSB_DATASET_OPTIONS_VERSION, "msb_dataset_options");
}

int msb__dataset_alloc(msb_dataset **out)
{
	msb_dataset *ds;

	*out = NULL;
	ds = msb__calloc(1, sizeof *ds);
	if (!ds)
		return MSB_ENOMEM;
	ds->refcount = 1;
	*out = ds;
	return 0;
}

int msb_dataset_new(msb_dataset **out)
{
	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_dataset_new: NULL out");
	return msb__dataset_alloc(out);
}

msb_dataset *msb__dataset_ref(const msb_dataset *cds)
{
	msb_dataset *ds = (msb_dataset *)cds;
	__atomic_add_fetch(&ds->refcount, 1, __ATOMIC_RELAXED);
	return ds;
}

int msb__dataset_view(msb_dataset **out, const msb_dataset *parent)
{
	int rc = msb__dataset_alloc(out);
	if (rc)
		return rc;
	/* a view of a view points at the owner of the items */
	while (parent->parent)
		parent = parent->parent;
	(*out)->parent = msb__dataset_ref(parent);
	return 0;
}

void msb_dataset_free(msb_dataset *ds)
{
	if (!ds)
		return;
	if (__atomic_sub_fetch(&ds->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	msb_dataset_free(ds->parent);
	msb_arena_dispose(&ds->arena);
	msb__free(ds->items);
	msb__free(ds->index);
	msb__free(ds->interned);
	msb__free(ds);
}

static size_t hash_id(const char *id)
{
	return (size_t)msb_fnv1a64(id, strlen(id));
}

static int index_insert(msb_dataset *ds, size_t pos)
{
	size_t mask, h;

	if ((ds->n + 1) * 2 > ds->index_cap) {
		size_t cap = ds->index_cap ? ds->index_cap * 2 : 64, i;
		size_t *idx;
		while (cap < (ds->n + 1) * 2)
			cap *= 2;
		idx = msb__calloc(cap, sizeof *idx);
		if (!idx)
			return MSB_ENOMEM;
		msb__free(ds->index);
		ds->index = idx;
		ds->index_cap = cap;
		/* rebuild from the items before pos */
		for (i = 0; i < pos; i++) {
			h = hash_id(ds->items[i]->id) & (cap - 1);
			while (idx[h])
				h = (h + 1) & (cap - 1);
			idx[h] = i + 1;
		}
	}
	mask = ds->index_cap - 1;
	h = hash_id(ds->items[pos]->id) & mask;
	while (ds->index[h])
		h = (h + 1) & mask;
	ds->index[h] = pos + 1;
	return 0;
}

int msb__dataset_push(msb_dataset *ds, const msb_item *item)
{
	if (ds->n == ds->cap) {
		size_t cap = ds->cap ? ds->cap * 2 : 256;
		const msb_item **items = msb__reallocarray(ds->items, cap, sizeof *items);
		if (!items)
			return MSB_ENOMEM;
		ds->items = items;
		ds->cap = cap;
	}
	ds->items[ds->n] = item;
	if (index_insert(ds, ds->n))
		return MSB_ENOMEM;
	ds->n++;
	return 0;
}

const char *msb__dataset_intern(msb_dataset *ds, const char *s)
{
	size_t i;
	const char **arr;
	const char *copy;

	for (i = 0; i < ds->n_interned; i++)
		if (!strcmp(ds->interned[i], s))
			return ds->interned[i];
	copy = msb_arena_strdup(&ds->arena, s);
	if (!copy)
		return NULL;
	arr = msb__reallocarray(ds->interned, ds->n_interned + 1, sizeof *arr);
	if (!arr)
		return NULL;
	arr[ds->n_interned++] = copy;
	ds->interned = arr;
	return copy;
}

int msb__dataset_append(msb_dataset *ds, const char *id, size_t id_len, int principle, int category,
    const char *source, const char *split, const char *prompt, size_t prompt_len,
    const char *reference, size_t reference_len)
{
	msb_item *it;

	if (ds->parent)
		return msb__error_set(MSB_ESTATE, "cannot add items to a filtered dataset");
	it = msb_arena_alloc(&ds->arena, sizeof *it);
	if (!it)
		return MSB_ENOMEM;
	it->id = msb_arena_strndup(&ds->arena, id, id_len);
	it->prompt = msb_arena_strndup(&ds->arena, prompt, prompt_len);
	it->reference = reference ? msb_arena_strndup(&ds->arena, reference, reference_len) : NULL;
	it->source = msb__dataset_intern(ds, source);
	it->split = msb__dataset_intern(ds, split);
	it->principle = principle;
	it->category = category;
	if (!it->id || !it->prompt || (reference && !it->reference) || !it->source || !it->split)
		return MSB_ENOMEM;
	return msb__dataset_push(ds, it);
}

int msb_dataset_add(msb_dataset *ds, const char *id, int principle, const char *source,
    const char *split, const char *prompt, const char *reference)
{
	char gen[32];

	if (!ds || !prompt)
		return msb__error_set(MSB_EINVAL, "msb_dataset_add: NULL dataset or prompt");
	if (principle < 0 || principle > 9)
		return msb__error_set(MSB_EINVAL,
		    "msb_dataset_add: principle %d out of range (1..9, or 0 for none)", principle);
	if (!id) {
		snprintf(gen, sizeof gen, "item/%zu", ds->n + 1);
		id = gen;
	}
	if (!*id)
		return msb__error_set(MSB_EINVAL, "msb_dataset_add: empty id");
	if (msb_dataset_find(ds, id))
		return msb__error_set(MSB_EEXISTS, "msb_dataset_add: duplicate item id '%s'", id);
	return msb__dataset_append(ds, id, strlen(id), principle, principle,
	    source ? source : "custom", split ? split : "test", prompt, strlen(prompt),
	    reference, reference ? strlen(reference) : 0);
}

int msb__dataset_reindex(msb_dataset *ds)
{
	size_t n = ds->n, i;

	msb__free(ds->index);
	ds->index = NULL;
	ds->index_cap = 0;
	ds->n = 0;
	for (i = 0; i < n; i++) {
		if (index_insert(ds, i))
			return MSB_ENOMEM;
		ds->n++;
	}
	return 0;
}

const msb_dataset *msb__dataset_owner(const msb_dataset *ds)
{
	return ds->parent ? ds->parent : ds;
}

size_t msb_dataset_count(const msb_dataset *ds)
{
	return ds ? ds->n : 0;
}

const msb_item *msb_dataset_item(const msb_dataset *ds, size_t i)
{
	if (!ds || i >= ds->n)
		return NULL;
	return ds->items[i];
}

const msb_item *msb_dataset_find(const msb_dataset *ds, const char *id)
{
	size_t mask, h;

	if (!ds || !id || !ds->index_cap)
		return NULL;
	mask = ds->index_cap - 1;
	h = hash_id(id) & mask;
	while (ds->index[h]) {
		const msb_item *it = ds->items[ds->index[h] - 1];
		if (!strcmp(it->id, id))
			return it;
		h = (h + 1) & mask;
	}
	return NULL;
}

const char *msb_item_id(const msb_item *item) { return item ? item->id : NULL; }
int msb_item_principle(const msb_item *item) { return item ? item->principle : 0; }
int msb_item_category(const msb_item *item) { return item ? item->category : 0; }
const char *msb_item_source(const msb_item *item) { return item ? item->source : NULL; }
const char *msb_item_split(const msb_item *item) { return item ? item->split : NULL; }
const char *msb_item_prompt(const msb_item *item) { return item ? item->prompt : NULL; }
const char *msb_item_reference(const msb_item *item) { return item ? item->reference : NULL; }
