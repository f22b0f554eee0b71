/* fuzz/dataset_harness.c - the loader harness of fuzz/dataset_harness.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/dataset.h"
#include "fuzz.h"
#include "dataset_harness.h"
#include "../tests/common/info.h"

static void fail(const char *target, const char *what)
{
	fprintf(stderr, "%s: %s\n", target, what);
	abort();
}

static void check_items(const char *target, const msb_dataset *ds)
{
	size_t i, n = msb_dataset_count(ds);

	for (i = 0; i < n; i++) {
		const msb_item *it = msb_dataset_item(ds, i);
		if (!it || !msbt_item(it).id || !msbt_item(it).prompt || !msbt_item(it).source ||
		    !msbt_item(it).split)
			fail(target, "an item lacks id, prompt, source or split");
		if (msbt_item(it).principle < 0 || msbt_item(it).principle > 9)
			fail(target, "an item's principle is outside 0..9");
		if (msb_dataset_find(ds, msbt_item(it).id) != it)
			fail(target, "an item's id does not find it (duplicate id?)");
	}
}

void msb_fuzz_load(const char *target, const char *name, const msb_dataset_options *opts,
    const uint8_t *data, size_t size)
{
	msb_dataset *ds = NULL;
	const char *path = msb_fuzz_file(data, size, name);
	int rc;

	if (!path)
		return;
	msb_error_clear();
	rc = msb_dataset_load(&ds, path, opts);
	if (rc > 0)
		fail(target, "msb_dataset_load returned a positive value");
	if (rc < 0) {
		if (ds)
			fail(target, "a failed load left a dataset in *out");
		if (msb_error_last()->code != rc || !msb_error_last()->message[0])
			fail(target, "a failed load did not set its error message");
	} else {
		check_items(target, ds);
		msb_dataset_free(ds);
	}
	msb_fuzz_check_leaks(target);
}
