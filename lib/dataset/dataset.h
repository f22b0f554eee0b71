/* lib/dataset/dataset.h - the dataset's in-memory representation (internal). */
#ifndef MSB_DATASET_DATASET_H
#define MSB_DATASET_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "medsafety/dataset.h"
#include "core/arena.h"
#include "core/bulk.h"

/* The largest category number of an item (loaders and msb_dataset_add agree). */
#define MSB__MAX_CATEGORY 1000

struct msb_item {
	const char *id;
	const char *prompt;
	const char *reference; /* NULL when none */
	const char *source;    /* interned in the dataset */
	const char *split;     /* interned in the dataset */
	int principle;         /* 0..9 */
	int category;          /* 0 none */
	int kind;              /* msb_kind (lib/dataset/kind.c) */
	const char *rationale; /* benign items: why the request is legitimate; NULL */
	const char *contrast;  /* benign items: id of a harmful twin; NULL */
};

/*
 * Item fields for the library's own use (NULL item: NULL, 0, harmful);
 * callers outside lib/ use msb_item_info_get.
 */
const char *msb__item_id(const msb_item *item);
int msb__item_principle(const msb_item *item);
int msb__item_category(const msb_item *item);
int msb__item_kind(const msb_item *item);
const char *msb__item_source(const msb_item *item);
const char *msb__item_split(const msb_item *item);
const char *msb__item_prompt(const msb_item *item);
const char *msb__item_reference(const msb_item *item); /* NULL when none */

/*
 * Every dataset is a list of item pointers. A loaded dataset owns its
 * items and strings (arena); a filtered one (parent != NULL) points into
 * its parent, which it keeps alive by a reference.
 */
struct msb_dataset {
	int refcount;                 /* atomic */
	msb_dataset *parent;          /* NULL for datasets that own their items */
	msb_arena arena;              /* item structs and strings */
	const msb_item **items;
	size_t n, cap;
	/* id index: (32-bit id hash << 32) | (item index + 1); 0 = empty */
	uint64_t *index;
	size_t index_cap;
	/* interned short strings (source, split) */
	const char **interned;
	size_t n_interned;
	/* whole-file buffers that loaded items point into (msb__dataset_adopt) */
	char **blobs;
	size_t n_blobs;
	size_t n_borrowed; /* items appended with MSB_APPEND_BORROW */
	size_t n_indexed;  /* items [0, n_indexed) are in the id index */
	size_t blob_bytes;
	/* what MSB_CLEAN_* changed at load time (msb_dataset_clean_count) */
	size_t cleaned[4];
	/*
	 * A view whose items are its parent's first n items in order (no
	 * filter, or only a limit): it has no index of its own, finds probe
	 * the parent's and accept item numbers below n (the parent only
	 * ever grows at its end after loading).
	 */
	int finds_in_parent;
	/*
	 * Large file buffers, then the arena's chunks, come from this
	 * huge-page region once a load reads a large file (core/bulk.h);
	 * blobs it owns are not freed one by one.
	 */
	msb__bulk bulk;
};

/* Allocate an empty owning dataset. */
int msb__dataset_alloc(msb_dataset **out);
/* A view on `parent` (takes a reference). Items are appended with msb__dataset_push. */
int msb__dataset_view(msb_dataset **out, const msb_dataset *parent);
/* Append a borrowed item pointer. */
int msb__dataset_push(msb_dataset *ds, const msb_item *item);
/*
 * Fill an empty view with n item pointers from `items`, an msb__malloc'd
 * array of `cap` entries that it takes (also on failure). When they are
 * the owner's first n items in order, the view uses the owner's id index
 * (finds_in_parent); otherwise it indexes them in one presized batch.
 */
int msb__dataset_view_take(msb_dataset *view, const msb_item **items, size_t n, size_t cap);
/* Intern a short string in the dataset (source, split names). */
const char *msb__dataset_intern(msb_dataset *ds, const char *s);
/*
 * Append a new item whose strings are copied into the dataset arena
 * (lengths given so that loaders need not NUL-terminate). reference may
 * be NULL. MSB_EEXISTS (nothing added) when the id is taken.
 */
int msb__dataset_append(msb_dataset *ds, const char *id, size_t id_len, int principle, int category,
    const char *source, const char *split, const char *prompt, size_t prompt_len,
    const char *reference, size_t reference_len);
/*
 * Like msb__dataset_append, but with MSB_APPEND_BORROW the prompt and
 * reference are not copied: they must be NUL-terminated at their length
 * and live in a buffer the dataset owns (msb__dataset_adopt).
 */
#define MSB_APPEND_BORROW 0x1
/*
 * MSB_APPEND_DEFER: the id is unique by construction (a generated one):
 * skip the index now; msb__dataset_index_pending adds the pending items
 * in one batch, with prefetching (a third of a large load went to the
 * index's cache misses, one per item).
 */
#define MSB_APPEND_DEFER 0x2
int msb__dataset_append_ex(msb_dataset *ds, unsigned int flags, const char *id, size_t id_len,
    int principle, int category, const char *source, const char *split, const char *prompt,
    size_t prompt_len, const char *reference, size_t reference_len);
/* Index the items appended with MSB_APPEND_DEFER: MSB_EEXISTS (message names the id) on a duplicate. */
int msb__dataset_index_pending(msb_dataset *ds);
/* Take ownership of a msb__malloc'd buffer, freed with the dataset (also on failure: MSB_ENOMEM). */
int msb__dataset_adopt(msb_dataset *ds, char *buf, size_t size);
/* Rebuild the id index after items were removed or reordered in place. */
int msb__dataset_reindex(msb_dataset *ds);
/* The dataset that owns the items (ds itself, or a view's parent). */
const msb_dataset *msb__dataset_owner(const msb_dataset *ds);
/* The item appended last, writable (loaders set its kind); NULL when empty or a view. */
msb_item *msb__dataset_last(msb_dataset *ds);
/* Take a reference. */
msb_dataset *msb__dataset_ref(const msb_dataset *ds);
/*
 * The shard a dataset is (0 of 1 when it is not one), the number of items
 * of the selection it was cut from and that selection's content hash
 * (msb_dataset_hash's; NULL when ds is not a shard: then it is ds's own).
 */
void msb__dataset_shard_info(const msb_dataset *ds, unsigned int *index, unsigned int *count,
    size_t *selection_items, const char **selection_hash);

#endif
