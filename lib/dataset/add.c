/*
 * lib/dataset/add.c - msb_dataset_add: a host appends one item described
 * by a versioned msb_item_spec (zero = default), the one public way to
 * add an item since 0.2.
 */
#include <stdio.h>
#include <string.h>

#include "medsafety/dataset.h"
#include "core/abi.h"
#include "core/arena.h"
#include "core/error.h"
#include "dataset/dataset.h"

static const msb_item_spec default_spec = MSB_ITEM_SPEC_INIT;

int msb_item_spec_init(msb_item_spec *spec, unsigned int version)
{
	return msb__options_init(spec, sizeof *spec, &default_spec, version, MSB_ITEM_SPEC_VERSION,
	    "msb_item_spec");
}

int msb_dataset_add(msb_dataset *ds, const msb_item_spec *item)
{
	const char *id, *rationale = NULL;
	char gen[32];
	int category, rc;

	if (!ds || !item)
		return msb__error_set(MSB_EINVAL, "msb_dataset_add: NULL dataset or item");
	if ((rc = msb__check_version(item, MSB_ITEM_SPEC_VERSION, "msb_item_spec")))
		return rc;
	if (!item->prompt)
		return msb__error_set(MSB_EINVAL, "msb_dataset_add: NULL prompt");
	if (item->principle < 0 || item->principle > 9)
		return msb__error_set(MSB_EINVAL,
		    "msb_dataset_add: principle %d out of range (1..9, or 0 for none)", item->principle);
	category = item->category == 0 ? item->principle
	    : item->category == MSB_CATEGORY_NONE ? 0 : item->category;
	if (category < 0 || category > MSB__MAX_CATEGORY)
		return msb__error_set(MSB_EINVAL,
		    "msb_dataset_add: category %d out of range (1..%d, 0 = the principle, -1 = none)",
		    item->category, MSB__MAX_CATEGORY);
	if (!msb_kind_name(item->kind))
		return msb__error_set(MSB_EINVAL, "msb_dataset_add: unknown kind %d", item->kind);
	if (ds->parent)
		return msb__error_set(MSB_ESTATE, "msb_dataset_add: cannot add items to a filtered dataset");
	id = item->id;
	if (!id) {
		snprintf(gen, sizeof gen, "item/%zu", ds->n + 1);
		id = gen;
	}
	if (!*id)
		return msb__error_set(MSB_EINVAL, "msb_dataset_add: empty id");
	if (msb_dataset_find(ds, id))
		return msb__error_set(MSB_EEXISTS, "msb_dataset_add: duplicate item id '%s'", id);
	/* copied before the append, so that a failure leaves no half-made item */
	if (item->rationale && !(rationale = msb_arena_strdup(&ds->arena, item->rationale)))
		return msb__error_set(MSB_ENOMEM, "msb_dataset_add: out of memory");
	if ((rc = msb__dataset_append(ds, id, strlen(id), item->principle, category,
	    item->source ? item->source : "custom", item->split ? item->split : "test", item->prompt,
	    strlen(item->prompt), item->reference, item->reference ? strlen(item->reference) : 0)))
		return rc;
	msb__dataset_last(ds)->kind = item->kind;
	msb__dataset_last(ds)->rationale = rationale;
	return 0;
}
