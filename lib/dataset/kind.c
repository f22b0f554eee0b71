/*
 * lib/dataset/kind.c - item kinds (harmful / benign), rationales and
 * contrast twins: the fields that over-refusal runs need (docs/datasets.md,
 * "Benign items").
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsafety/dataset.h"
#include "core/error.h"
#include "dataset/dataset.h"
#include "dataset/load.h"

int msb__item_kind(const msb_item *item) { return item ? item->kind : MSB_KIND_HARMFUL; }

const char *msb_kind_name(int kind)
{
	switch (kind) {
	case MSB_KIND_HARMFUL:
		return "harmful";
	case MSB_KIND_BENIGN:
		return "benign";
	default:
		return NULL;
	}
}

int msb_kind_from_name(const char *name)
{
	if (name && !strcasecmp(name, "harmful"))
		return MSB_KIND_HARMFUL;
	if (name && !strcasecmp(name, "benign"))
		return MSB_KIND_BENIGN;
	return msb__error_set(MSB_EINVAL, "unknown item kind '%.100s' (harmful or benign)",
	    name ? name : "(null)");
}

msb_item *msb__dataset_last(msb_dataset *ds)
{
	if (!ds || ds->parent || !ds->n)
		return NULL;
	/* the owning dataset allocated its items: writable */
	return (msb_item *)ds->items[ds->n - 1];
}

int msb__load_set_kind(msb_dataset *ds, const char *path, size_t line, const char *s, size_t len)
{
	msb_item *it = msb__dataset_last(ds);
	char word[16];

	if (!it)
		return 0;
	if (len == 0) /* an empty cell: the default */
		return 0;
	if (len < sizeof word) {
		memcpy(word, s, len);
		word[len] = '\0';
		if (!strcasecmp(word, "harmful") || !strcasecmp(word, "benign")) {
			it->kind = msb_kind_from_name(word);
			return 0;
		}
	}
	return msb__error_set(MSB_EPARSE, "%s:%zu: kind '%.*s' (harmful or benign)", path, line,
	    (int)(len > 40 ? 40 : len), s);
}

int msb__load_set_xstest(msb_dataset *ds, const char *note)
{
	msb_item *it = msb__dataset_last(ds);

	if (!it)
		return 0;
	it->kind = MSB_KIND_BENIGN;
	if (note && *note && !(it->rationale = msb_arena_strdup(&ds->arena, note)))
		return MSB_ENOMEM;
	return 0;
}

int msb__load_set_rationale(msb_dataset *ds, const char *s)
{
	msb_item *it = msb__dataset_last(ds);

	if (it && *s && !(it->rationale = msb_arena_strdup(&ds->arena, s)))
		return MSB_ENOMEM;
	return 0;
}

int msb_dataset_set_kind(msb_dataset *ds, int kind)
{
	size_t i;

	if (!ds)
		return msb__error_set(MSB_EINVAL, "msb_dataset_set_kind: NULL dataset");
	if (!msb_kind_name(kind))
		return msb__error_set(MSB_EINVAL, "msb_dataset_set_kind: unknown kind %d", kind);
	if (ds->parent)
		return msb__error_set(MSB_ESTATE,
		    "msb_dataset_set_kind: a filtered view (set the kind before filtering)");
	for (i = 0; i < ds->n; i++)
		((msb_item *)ds->items[i])->kind = kind;
	return 0;
}

int msb_dataset_add_benign(msb_dataset *ds)
{
	int rc;

	if (!ds)
		return msb__error_set(MSB_EINVAL, "msb_dataset_add_benign: NULL dataset");
	if (ds->parent)
		return msb__error_set(MSB_ESTATE, "msb_dataset_add_benign: a filtered view");
	if ((rc = msb__load_benign(ds)) == MSB_EEXISTS)
		return msb__error_set(MSB_EEXISTS,
		    "msb_dataset_add_benign: the dataset already holds a benign/... id");
	return rc;
}

int msb_dataset_load_benign(msb_dataset **out)
{
	return msb_dataset_load(out, "benign", NULL);
}
