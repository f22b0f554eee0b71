/*
 * lib/dataset/filter.c - filtered views: split, source, principles,
 * stratified seeded sampling, limit, sharding by a hash of the id; and
 * the dataset content hash.
 */
#include <stdint.h>
#include <string.h>

#include "medsafety/dataset.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sha256.h"
#include "dataset/dataset.h"

static const msb_dataset_filter_options default_filter = MSB_DATASET_FILTER_OPTIONS_INIT;

int msb_dataset_filter_options_init(msb_dataset_filter_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_filter, version,
	    MSB_DATASET_FILTER_OPTIONS_VERSION, "msb_dataset_filter_options");
}

unsigned int msb_dataset_shard_of(const char *id, unsigned int shard_count)
{
	if (!id || shard_count <= 1)
		return 0;
	return (unsigned int)(msb_fnv1a64(id, strlen(id)) % shard_count);
}

/* 1 when `name` is one of the comma-separated names in `list` (spaces around names ignored). */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, ',');
		const char *s = p, *t = e ? e : p + strlen(p);
		while (s < t && *s == ' ')
			s++;
		while (t > s && t[-1] == ' ')
			t--;
		if ((size_t)(t - s) == n && !memcmp(s, name, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* splitmix64: small, fast, and the same everywhere, so a seed means one sample. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Keep `want` of the n items in `items`, stratified by principle: each
 * principle gets its share (largest remainders get the leftover), drawn
 * by a partial Fisher-Yates shuffle seeded from (seed, principle). The
 * kept items stay in their original order.
 */
static int sample_items(const msb_item **items, size_t *n, size_t want, uint64_t seed)
{
	unsigned char bumped[10] = { 0 };
	size_t count[10] = { 0 }, quota[10], i, p, total = *n, given = 0, kept = 0;
	size_t *idx;
	unsigned char *keep;

	if (want >= total)
		return 0;
	for (i = 0; i < total; i++)
		count[items[i]->principle]++;
	for (p = 0; p < 10; p++) {
		quota[p] = (size_t)((unsigned long long)want * count[p] / total);
		given += quota[p];
	}
	while (given < want) {
		/* the largest remainder want*count[p] mod total; each principle once */
		size_t best = 10;
		unsigned long long best_rem = 0;
		for (p = 0; p < 10; p++) {
			unsigned long long rem = (unsigned long long)want * count[p] % total;
			if (!bumped[p] && quota[p] < count[p] && (best == 10 || rem > best_rem)) {
				best = p;
				best_rem = rem;
			}
		}
		if (best == 10) /* cannot happen: the remainders add up to what is missing */
			break;
		bumped[best] = 1;
		quota[best]++;
		given++;
	}
	idx = msb__malloc(total * sizeof *idx);
	keep = msb__calloc(total, 1);
	if (!idx || !keep) {
		msb__free(idx);
		msb__free(keep);
		return MSB_ENOMEM;
	}
	for (p = 0; p < 10; p++) {
		size_t m = 0, k;
		uint64_t state = seed ^ (0x5851f42d4c957f2dull * (p + 1));
		for (i = 0; i < total; i++)
			if ((size_t)items[i]->principle == p)
				idx[m++] = i;
		for (k = 0; k < quota[p]; k++) {
			size_t j = k + (size_t)(next_rand(&state) % (m - k)), t = idx[k];
			idx[k] = idx[j];
			idx[j] = t;
			keep[idx[k]] = 1;
		}
	}
	for (i = 0; i < total; i++)
		if (keep[i])
			items[kept++] = items[i];
	*n = kept;
	msb__free(idx);
	msb__free(keep);
	return 0;
}

/*
 * A shard view (shard_count > 1) records which shard it is and the set it
 * was cut from (items, content hash), which every shard of one selection
 * shares: run.json carries them so that merge can check coverage. The
 * record is a blob the view owns (msb__dataset_adopt: freed with it), so
 * the dataset struct keeps its layout.
 */
#define SHARD_MAGIC "msb-shard-info/1"
typedef struct {
	char magic[sizeof SHARD_MAGIC];
	unsigned int index, count;
	size_t selection_items;
	char selection_hash[65];
} shard_info;

/* Append len bytes to the staging buffer, hashing it whenever it fills. */
static void stage(msb_sha256 *s, unsigned char *buf, size_t cap, size_t *used, const char *p, size_t len)
{
	while (len) {
		size_t k = cap - *used < len ? cap - *used : len;
		memcpy(buf + *used, p, k);
		*used += k;
		p += k;
		len -= k;
		if (*used == cap) {
			msb_sha256_update(s, buf, cap);
			*used = 0;
		}
	}
}

/*
 * SHA-256 over the items' ids and prompts, as 64 hex digits and a NUL.
 * The strings are short (ids ~25 bytes, prompts ~140): they are copied
 * into a 32 KiB buffer hashed in one call, since a libcrypto call per
 * string cost about as much as the hashing itself.
 */
static void hash_items(const msb_item *const *items, size_t n, char hex[65])
{
	enum { CAP = 32768 };
	unsigned char buf[CAP], digest[32];
	msb_sha256 s;
	size_t i, used = 0;

	msb_sha256_init(&s);
	for (i = 0; i < n; i++) {
		/* NUL after each string, so ("ab","c") and ("a","bc") differ */
		stage(&s, buf, CAP, &used, items[i]->id, strlen(items[i]->id) + 1);
		stage(&s, buf, CAP, &used, items[i]->prompt, strlen(items[i]->prompt) + 1);
	}
	msb_sha256_update(&s, buf, used);
	msb_sha256_final(&s, digest);
	msb_sha256_tohex(digest, hex);
}

/*
 * The view's item array. A large one (the whole MedSafetyBench: 76,174
 * pointers, 600 KB) comes from the view's huge-page region (core/bulk.h):
 * in 4 KiB pages its first touch cost 149 page faults, 1.9 ms of CPU on a
 * virtual machine (docs/performance.md). NULL + MSB_ENOMEM on failure.
 */
#define KEEP_BULK_MIN ((size_t)256 << 10)
static const msb_item **keep_alloc(msb_dataset *view, size_t cap)
{
	const msb_item **keep = NULL;

	if (cap > SIZE_MAX / sizeof *keep) {
		msb__error_set(MSB_ENOMEM, "allocation size overflow");
		return NULL;
	}
	if (cap * sizeof *keep >= KEEP_BULK_MIN)
		keep = msb__bulk_alloc(&view->bulk, cap * sizeof *keep);
	return keep ? keep : msb__malloc(cap * sizeof *keep);
}

static void keep_free(msb_dataset *view, const msb_item **keep, size_t cap)
{
	if (keep && msb__bulk_owns(&view->bulk, keep))
		msb__bulk_discard(&view->bulk, keep, cap * sizeof *keep);
	else
		msb__free(keep);
}

int msb_dataset_filter(msb_dataset **out, const msb_dataset *src, const msb_dataset_filter_options *opts)
{
	const msb_item **keep;
	msb_dataset *view;
	size_t n = 0, i, cap, kept;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_dataset_filter: NULL out");
	*out = NULL;
	if (!src)
		return msb__error_set(MSB_EINVAL, "msb_dataset_filter: NULL dataset");
	if ((rc = msb__check_version(opts, MSB_DATASET_FILTER_OPTIONS_VERSION, "msb_dataset_filter_options")))
		return rc;
	if (!opts)
		opts = &default_filter;
	if (opts->shard_count > 1 && opts->shard_index >= opts->shard_count)
		return msb__error_set(MSB_EINVAL, "shard %u/%u: the index must be below the count (0..%u)",
		    opts->shard_index, opts->shard_count, opts->shard_count - 1);
	if (opts->shard_count <= 1 && opts->shard_index > 0)
		return msb__error_set(MSB_EINVAL, "shard index %u without a shard count", opts->shard_index);
	if ((rc = msb__dataset_view(&view, src)))
		return rc;
	cap = src->n ? src->n : 1;
	keep = keep_alloc(view, cap);
	if (!keep) {
		msb_dataset_free(view);
		return MSB_ENOMEM;
	}
	for (i = 0; i < src->n; i++) {
		const msb_item *it = src->items[i];
		if (opts->split && !in_list(opts->split, it->split))
			continue;
		if (opts->source && !in_list(opts->source, it->source))
			continue;
		if (opts->principles && !(opts->principles & (1u << it->principle)))
			continue;
		keep[n++] = it;
	}
	if (opts->sample && (rc = sample_items(keep, &n, opts->sample, opts->seed))) {
		keep_free(view, keep, cap);
		msb_dataset_free(view);
		return rc;
	}
	if (opts->limit && n > opts->limit)
		n = opts->limit;
	if (opts->shard_count > 1) {
		shard_info *si = msb__calloc(1, sizeof *si);
		if (!si) {
			rc = MSB_ENOMEM;
		} else {
			memcpy(si->magic, SHARD_MAGIC, sizeof SHARD_MAGIC);
			si->index = opts->shard_index;
			si->count = opts->shard_count;
			si->selection_items = n;
			hash_items(keep, n, si->selection_hash);
			rc = msb__dataset_adopt(view, (char *)si, sizeof *si);
		}
	}
	if (rc) {
		keep_free(view, keep, cap);
		msb_dataset_free(view);
		return rc;
	}
	for (i = kept = 0; i < n; i++)
		if (opts->shard_count <= 1 || msb_dataset_shard_of(keep[i]->id, opts->shard_count) == opts->shard_index)
			keep[kept++] = keep[i];
	if (kept < cap / 4) {
		/* a small selection of a large set: do not keep the large array */
		const msb_item **small = NULL;

		if (msb__bulk_owns(&view->bulk, keep)) {
			if ((small = msb__malloc((kept ? kept : 1) * sizeof *keep)) != NULL) {
				memcpy(small, keep, kept * sizeof *keep);
				msb__bulk_discard(&view->bulk, keep, cap * sizeof *keep);
			}
		} else {
			small = msb__reallocarray(keep, kept ? kept : 1, sizeof *keep);
		}
		if (small) {
			keep = small;
			cap = kept ? kept : 1;
		}
	}
	/* the view takes `keep` (one array, indexed in one batch or not at all) */
	rc = msb__dataset_view_take(view, keep, kept, cap);
	if (rc) {
		msb_dataset_free(view);
		return rc;
	}
	*out = view;
	return 0;
}

void msb__dataset_shard_info(const msb_dataset *ds, unsigned int *index, unsigned int *count,
    size_t *selection_items, const char **selection_hash)
{
	const shard_info *si = NULL;
	size_t i;

	/* a view owns no loaded buffers: its only blob is this record, when it is a shard */
	for (i = 0; ds->parent && i < ds->n_blobs && !si; i++)
		if (!memcmp(ds->blobs[i], SHARD_MAGIC, sizeof SHARD_MAGIC))
			si = (const shard_info *)(const void *)ds->blobs[i];
	*index = si ? si->index : 0;
	*count = si ? si->count : 1;
	*selection_items = si ? si->selection_items : ds->n;
	*selection_hash = si ? si->selection_hash : NULL;
}

int msb_dataset_hash(char **out, const msb_dataset *ds)
{
	char *hex;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_dataset_hash: NULL out");
	*out = NULL;
	if (!ds)
		return msb__error_set(MSB_EINVAL, "msb_dataset_hash: NULL dataset");
	hex = msb__malloc(65);
	if (!hex)
		return MSB_ENOMEM;
	hash_items(ds->items, ds->n, hex);
	*out = hex;
	return 0;
}
