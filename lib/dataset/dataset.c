/* lib/dataset/dataset.c - dataset storage, items, lookup by id. */
#include <stdint.h>
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
	ds->arena.bulk = &ds->bulk;
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

/* Free an array of n bytes that may come from the dataset's bulk region. */
static void release(msb_dataset *ds, void *p, size_t n)
{
	if (p && msb__bulk_owns(&ds->bulk, p))
		msb__bulk_discard(&ds->bulk, p, n);
	else
		msb__free(p);
}

/*
 * A new array of n * size bytes for a growing one, from the bulk region
 * while it is active (a large load: no page fault per 4 KiB), else from
 * the allocator. NULL + MSB_ENOMEM on failure.
 */
static void *array_alloc(msb_dataset *ds, size_t n, size_t size)
{
	void *p = NULL;

	if (size && n > SIZE_MAX / size) {
		msb__error_set(MSB_ENOMEM, "allocation size overflow");
		return NULL;
	}
	if (msb__bulk_active(&ds->bulk))
		p = msb__bulk_alloc(&ds->bulk, n * size);
	return p ? p : msb__malloc(n * size);
}

void msb_dataset_free(msb_dataset *ds)
{
	if (!ds)
		return;
	if (__atomic_sub_fetch(&ds->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	msb_dataset_free(ds->parent);
	msb_arena_dispose(&ds->arena);
	while (ds->n_blobs) {
		char *b = ds->blobs[--ds->n_blobs];
		if (!msb__bulk_owns(&ds->bulk, b))
			msb__free(b);
	}
	msb__free(ds->blobs);
	if (!msb__bulk_owns(&ds->bulk, ds->items))
		msb__free(ds->items);
	if (!msb__bulk_owns(&ds->bulk, ds->index))
		msb__free(ds->index);
	msb__free(ds->interned);
	msb__bulk_dispose(&ds->bulk); /* last: the others ask it what it owns */
	msb__free(ds);
}

/*
 * The id index: open addressing with linear probing. Each slot holds the
 * id's 32-bit hash in the high half and the item index + 1 in the low
 * half (0 = empty), so probes compare hashes before strings and growing
 * never hashes an id again. Load factor at most 3/4.
 */
/*
 * Eight bytes a step and a final mix: FNV-1a's byte-serial multiply chain
 * was a tenth of the load time, and its low bits (the probe position)
 * mix poorly for ids that differ only in their last digits. Process-local
 * only: shards use the stable msb_dataset_shard_of.
 */
static uint32_t id_hash(const char *id, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)len, w;

	while (len >= 8) {
		memcpy(&w, id, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		id += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, id, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static int index_reserve(msb_dataset *ds, size_t n)
{
	size_t cap, i, mask;
	uint64_t *idx;

	if (n * 4 <= ds->index_cap * 3)
		return 0;
	if (n >= UINT32_MAX)
		return msb__error_set(MSB_ELIMIT, "a dataset holds at most %u items", UINT32_MAX - 1);
	cap = ds->index_cap ? ds->index_cap * 2 : 64;
	while (n * 4 > cap * 3)
		cap *= 2;
	idx = array_alloc(ds, cap, sizeof *idx);
	if (!idx)
		return MSB_ENOMEM;
	memset(idx, 0, cap * sizeof *idx);
	mask = cap - 1;
	for (i = 0; i < ds->index_cap; i++) {
		uint64_t e = ds->index[i];
		size_t h;
		if (!e)
			continue;
		h = (size_t)(e >> 32) & mask;
		while (idx[h])
			h = (h + 1) & mask;
		idx[h] = e;
	}
	release(ds, ds->index, ds->index_cap * sizeof *ds->index);
	ds->index = idx;
	ds->index_cap = cap;
	return 0;
}

/* The slot holding id (*found = its item index) or the empty slot where it would go (*found = SIZE_MAX). */
static size_t index_probe(const msb_dataset *ds, const char *id, size_t len, uint32_t h, size_t *found)
{
	size_t mask = ds->index_cap - 1, s = h & mask;

	while (ds->index[s]) {
		uint64_t e = ds->index[s];
		if ((uint32_t)(e >> 32) == h) {
			size_t it = (size_t)(e & 0xffffffffu) - 1;
			const char *other = ds->items[it]->id;
			if (!strncmp(other, id, len) && other[len] == '\0') {
				*found = it;
				return s;
			}
		}
		s = (s + 1) & mask;
	}
	*found = SIZE_MAX;
	return s;
}

static int items_reserve(msb_dataset *ds, size_t n)
{
	size_t cap;
	const msb_item **items;

	if (n <= ds->cap)
		return 0;
	cap = ds->cap ? ds->cap * 2 : 256;
	while (cap < n)
		cap *= 2;
	if (!msb__bulk_active(&ds->bulk)) {
		items = msb__reallocarray(ds->items, cap, sizeof *items);
		if (!items)
			return MSB_ENOMEM;
	} else {
		/* a large load: the array moves to the bulk region (or stays out of it when that fails) */
		items = array_alloc(ds, cap, sizeof *items);
		if (!items)
			return MSB_ENOMEM;
		if (ds->n)
			memcpy(items, ds->items, ds->n * sizeof *items);
		release(ds, ds->items, ds->cap * sizeof *ds->items);
	}
	ds->items = items;
	ds->cap = cap;
	return 0;
}

/* Add items[pos]'s id to the index: MSB_EEXISTS when it is there already. */
static int index_add(msb_dataset *ds, size_t pos)
{
	const char *id = ds->items[pos]->id;
	size_t len = strlen(id), found, slot;
	uint32_t h = id_hash(id, len);
	int rc = index_reserve(ds, pos + 1);

	if (rc)
		return rc;
	slot = index_probe(ds, id, len, h, &found);
	if (found != SIZE_MAX)
		return msb__error_set(MSB_EEXISTS, "duplicate item id '%.200s'", id);
	ds->index[slot] = ((uint64_t)h << 32) | (uint64_t)(pos + 1);
	return 0;
}

int msb__dataset_push(msb_dataset *ds, const msb_item *item)
{
	int rc = items_reserve(ds, ds->n + 1);

	if (rc)
		return rc;
	ds->items[ds->n] = item;
	if ((rc = index_add(ds, ds->n)))
		return rc;
	ds->n++;
	ds->n_indexed = ds->n;
	return 0;
}

int msb__dataset_view_take(msb_dataset *view, const msb_item **items, size_t n, size_t cap)
{
	const msb_dataset *owner = view->parent;
	size_t i = 0;

	msb__free(view->items);
	view->items = items;
	view->cap = cap;
	view->n = n;
	view->n_indexed = 0;
	if (owner && owner->n_indexed >= n && owner->index_cap)
		for (i = 0; i < n && items[i] == owner->items[i]; i++)
			;
	if (owner && i == n) {
		/* the owner's first n items: its index serves (msb_dataset_find) */
		view->finds_in_parent = 1;
		view->n_indexed = n;
		return 0;
	}
	return msb__dataset_index_pending(view);
}

const char *msb__dataset_intern(msb_dataset *ds, const char *s)
{
	size_t i;
	const char **arr;
	const char *copy;

	/* loaders intern their names once per file and pass the interned copy */
	for (i = 0; i < ds->n_interned; i++)
		if (ds->interned[i] == s)
			return s;
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

int msb__dataset_adopt(msb_dataset *ds, char *buf, size_t size)
{
	char **b = msb__reallocarray(ds->blobs, ds->n_blobs + 1, sizeof *b);
	if (!b) {
		if (msb__bulk_owns(&ds->bulk, buf))
			msb__bulk_pop(&ds->bulk, buf);
		else
			msb__free(buf);
		return MSB_ENOMEM;
	}
	ds->blobs = b;
	ds->blobs[ds->n_blobs++] = buf;
	ds->blob_bytes += size;
	return 0;
}

int msb__dataset_append(msb_dataset *ds, const char *id, size_t id_len, int principle, int category,
    const char *source, const char *split, const char *prompt, size_t prompt_len,
    const char *reference, size_t reference_len)
{
	return msb__dataset_append_ex(ds, 0, id, id_len, principle, category, source, split, prompt,
	    prompt_len, reference, reference_len);
}

int msb__dataset_append_ex(msb_dataset *ds, unsigned int flags, const char *id, size_t id_len,
    int principle, int category, const char *source, const char *split, const char *prompt,
    size_t prompt_len, const char *reference, size_t reference_len)
{
	msb_item *it;
	size_t found, slot;
	uint32_t h;
	int rc;

	if (ds->parent)
		return msb__error_set(MSB_ESTATE, "cannot add items to a filtered dataset");
	if ((rc = items_reserve(ds, ds->n + 1)))
		return rc;
	if (flags & MSB_APPEND_DEFER) {
		h = 0;
		slot = 0;
	} else {
		if ((rc = msb__dataset_index_pending(ds)) || (rc = index_reserve(ds, ds->n + 1)))
			return rc;
		h = id_hash(id, id_len);
		slot = index_probe(ds, id, id_len, h, &found);
		if (found != SIZE_MAX)
			return msb__error_set(MSB_EEXISTS, "duplicate item id '%.*s'",
			    (int)(id_len > 200 ? 200 : id_len), id);
	}
	it = msb_arena_alloc(&ds->arena, sizeof *it);
	if (!it)
		return MSB_ENOMEM;
	it->id = msb_arena_strndup(&ds->arena, id, id_len);
	if (flags & MSB_APPEND_BORROW) {
		it->prompt = prompt;
		it->reference = reference;
		ds->n_borrowed++;
	} else {
		it->prompt = msb_arena_strndup(&ds->arena, prompt, prompt_len);
		it->reference = reference ? msb_arena_strndup(&ds->arena, reference, reference_len) : NULL;
	}
	it->source = msb__dataset_intern(ds, source);
	it->split = msb__dataset_intern(ds, split);
	it->principle = principle;
	it->category = category;
	it->kind = MSB_KIND_HARMFUL;
	it->rationale = it->contrast = NULL;
	if (!it->id || !it->prompt || (reference && !it->reference) || !it->source || !it->split)
		return MSB_ENOMEM;
	ds->items[ds->n] = it;
	if (!(flags & MSB_APPEND_DEFER)) {
		ds->index[slot] = ((uint64_t)h << 32) | (uint64_t)(ds->n + 1);
		ds->n_indexed = ds->n + 1;
	}
	ds->n++;
	return 0;
}

int msb__dataset_index_pending(msb_dataset *ds)
{
	enum { AHEAD = 8 };
	uint32_t ring[AHEAD];
	size_t i, start = ds->n_indexed, n = ds->n, mask;
	int rc;

	if (start >= n)
		return 0;
	if ((rc = index_reserve(ds, n)))
		return rc;
	mask = ds->index_cap - 1;
	/* hash AHEAD items in advance and prefetch their slots */
	for (i = start; i < n && i < start + AHEAD; i++) {
		ring[i % AHEAD] = id_hash(ds->items[i]->id, strlen(ds->items[i]->id));
		__builtin_prefetch(&ds->index[ring[i % AHEAD] & mask], 1);
	}
	for (i = start; i < n; i++) {
		const char *id = ds->items[i]->id;
		uint32_t h = ring[i % AHEAD];
		size_t found, slot;
		if (i + AHEAD < n) {
			const char *next = ds->items[i + AHEAD]->id;
			uint32_t h2 = id_hash(next, strlen(next));
			ring[i % AHEAD] = h2;
			__builtin_prefetch(&ds->index[h2 & mask], 1);
		}
		slot = index_probe(ds, id, strlen(id), h, &found);
		if (found != SIZE_MAX) {
			ds->n_indexed = i; /* the items after a duplicate stay unindexed: the caller fails */
			return msb__error_set(MSB_EEXISTS, "duplicate item id '%.200s'", id);
		}
		ds->index[slot] = ((uint64_t)h << 32) | (uint64_t)(i + 1);
		ds->n_indexed = i + 1;
	}
	return 0;
}

int msb__dataset_reindex(msb_dataset *ds)
{
	size_t i;
	int rc;

	if (ds->index_cap)
		memset(ds->index, 0, ds->index_cap * sizeof *ds->index);
	for (i = 0; i < ds->n; i++)
		if ((rc = index_add(ds, i)))
			return rc;
	ds->n_indexed = ds->n;
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
	size_t len, found;

	if (!ds || !id)
		return NULL;
	if (ds->finds_in_parent) {
		const msb_dataset *p = ds->parent;
		if (!p->index_cap)
			return NULL;
		len = strlen(id);
		index_probe(p, id, len, id_hash(id, len), &found);
		return found < ds->n ? ds->items[found] : NULL;
	}
	if (!ds->index_cap)
		return NULL;
	len = strlen(id);
	index_probe(ds, id, len, id_hash(id, len), &found);
	return found == SIZE_MAX ? NULL : ds->items[found];
}

const char *msb__item_id(const msb_item *item) { return item ? item->id : NULL; }
int msb__item_principle(const msb_item *item) { return item ? item->principle : 0; }
int msb__item_category(const msb_item *item) { return item ? item->category : 0; }
const char *msb__item_source(const msb_item *item) { return item ? item->source : NULL; }
const char *msb__item_split(const msb_item *item) { return item ? item->split : NULL; }
const char *msb__item_prompt(const msb_item *item) { return item ? item->prompt : NULL; }
const char *msb__item_reference(const msb_item *item) { return item ? item->reference : NULL; }

int msb_item_info_get(msb_item_info *out, const msb_item *item)
{
	msb_item_info info;
	int rc;

	if (!out || !item)
		return msb__error_set(MSB_EINVAL, "msb_item_info_get: NULL argument");
	if ((rc = msb__out_version(out->version, MSB_ITEM_INFO_VERSION, "msb_item_info_get",
	    "msb_item_info")))
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.id = item->id;
	info.kind = item->kind;
	info.principle = item->principle;
	info.category = item->category;
	info.source = item->source;
	info.split = item->split;
	info.prompt = item->prompt;
	info.reference = item->reference;
	info.rationale = item->rationale;
	info.contrast = item->contrast;
	/* version 1 is the only layout: a later one copies the prefix its version knows */
	*out = info;
	return 0;
}
