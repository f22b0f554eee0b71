/* tests/dataset/test_store.c - the in-memory store: add, find, duplicate ids, views, allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "dataset/dataset.h"
#include "helpers.h"
#include "../common/info.h"

static void test_new_add_find(void **state)
{
	msb_dataset *ds;
	const msb_item *it;
	char id[32], prompt[64];
	int i;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_count(ds), 0);
	assert_null(msb_dataset_find(ds, "x"));
	/* enough items to grow the id index several times */
	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof id, "q/%d", i);
		snprintf(prompt, sizeof prompt, "prompt %d", i);
		assert_int_equal(msb_dataset_add(ds, id, i % 10, "mine", NULL, prompt, i % 2 ? "ref" : NULL), 0);
	}
	assert_int_equal(msb_dataset_count(ds), 1000);
	it = msb_dataset_find(ds, "q/737");
	assert_non_null(it);
	assert_string_equal(msbt_item(it).prompt, "prompt 737");
	assert_int_equal(msbt_item(it).principle, 7);
	assert_int_equal(msbt_item(it).category, 7);
	assert_string_equal(msbt_item(it).source, "mine");
	assert_string_equal(msbt_item(it).split, "test");
	assert_string_equal(msbt_item(it).reference, "ref");
	assert_null(msbt_item(msb_dataset_find(ds, "q/2")).reference);
	/* interned: one copy of the source name */
	assert_ptr_equal(msbt_item(msb_dataset_item(ds, 0)).source, msbt_item(msb_dataset_item(ds, 999)).source);
	assert_null(msb_dataset_item(ds, 1000));
	/* generated ids */
	assert_int_equal(msb_dataset_add(ds, NULL, 0, NULL, NULL, "anon", NULL), 0);
	assert_string_equal(msbt_item(msb_dataset_item(ds, 1000)).id, "item/1001");
	assert_string_equal(msbt_item(msb_dataset_item(ds, 1000)).source, "custom");
	msb_dataset_free(ds);
	msb_dataset_free(NULL);
}

/* msb_item_info_get itself: every field at once, borrowed from the dataset, and its errors */
static void test_item_info(void **state)
{
	msb_dataset *ds;
	msb_item_info it = MSB_ITEM_INFO_INIT;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add_v3(ds, "b/1", 3, 7, MSB_KIND_BENIGN, "mine", "dev", "ask",
	    "answer", "why it is fine"), 0);
	assert_int_equal(msb_item_info_get(&it, msb_dataset_item(ds, 0)), 0);
	assert_int_equal(it.version, MSB_ITEM_INFO_VERSION);
	assert_string_equal(it.id, "b/1");
	assert_int_equal(it.kind, MSB_KIND_BENIGN);
	assert_int_equal(it.principle, 3);
	assert_int_equal(it.category, 7);
	assert_string_equal(it.source, "mine");
	assert_string_equal(it.split, "dev");
	assert_string_equal(it.prompt, "ask");
	assert_string_equal(it.reference, "answer");
	assert_string_equal(it.rationale, "why it is fine");
	assert_null(it.contrast);
	/* borrowed: the same pointers on every call */
	{
		msb_item_info again = MSB_ITEM_INFO_INIT;
		assert_int_equal(msb_item_info_get(&again, msb_dataset_item(ds, 0)), 0);
		assert_ptr_equal(again.prompt, it.prompt);
	}
	assert_int_equal(msb_item_info_get(&it, NULL), MSB_EINVAL);
	assert_int_equal(msb_item_info_get(NULL, msb_dataset_item(ds, 0)), MSB_EINVAL);
	it.version = 0;
	assert_int_equal(msb_item_info_get(&it, msb_dataset_item(ds, 0)), MSB_EVERSION);
	it.version = MSB_ITEM_INFO_VERSION + 1;
	assert_int_equal(msb_item_info_get(&it, msb_dataset_item(ds, 0)), MSB_EVERSION);
	msb_dataset_free(ds);
}

static void test_add_errors(void **state)
{
	msb_dataset *ds;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add(ds, "a", 1, NULL, NULL, "p", NULL), 0);
	assert_int_equal(msb_dataset_add(ds, "a", 2, NULL, NULL, "other", NULL), MSB_EEXISTS);
	assert_non_null(strstr(msb_error_last()->message, "'a'"));
	assert_int_equal(msb_dataset_add(ds, "b", 10, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, "b", -1, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, "", 1, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, "b", 1, NULL, NULL, NULL, NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_count(ds), 1);
	assert_int_equal(msb_dataset_new(NULL), MSB_EINVAL);
	msb_dataset_free(ds);
}

/* _v2 keeps a category of its own; msb_dataset_add is _v2 with category = principle. */
static void test_add_v2_category(void **state)
{
	msb_dataset *ds, *view;
	const msb_item *it;
	msb_dataset_filter_options fo = MSB_DATASET_FILTER_OPTIONS_INIT;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add_v2(ds, "h/1", 0, 3, "hexphi", "test", "p1", NULL), 0);
	assert_int_equal(msb_dataset_add_v2(ds, "h/2", 4, 11, NULL, NULL, "p2", "r"), 0);
	assert_int_equal(msb_dataset_add_v2(ds, "h/3", 0, 0, NULL, NULL, "p3", NULL), 0);
	assert_int_equal(msb_dataset_add_v2(ds, "h/4", 0, 1000, NULL, NULL, "p4", NULL), 0);
	assert_int_equal(msb_dataset_add(ds, "m/1", 7, "gpt4", "test", "p5", NULL), 0);
	it = msb_dataset_find(ds, "h/1");
	assert_non_null(it);
	assert_int_equal(msbt_item(it).principle, 0);
	assert_int_equal(msbt_item(it).category, 3);
	assert_string_equal(msbt_item(it).source, "hexphi");
	it = msb_dataset_find(ds, "h/2");
	assert_int_equal(msbt_item(it).principle, 4);
	assert_int_equal(msbt_item(it).category, 11);
	assert_string_equal(msbt_item(it).source, "custom");
	assert_string_equal(msbt_item(it).split, "test");
	assert_int_equal(msbt_item(msb_dataset_find(ds, "h/3")).category, 0);
	assert_int_equal(msbt_item(msb_dataset_find(ds, "h/4")).category, 1000);
	it = msb_dataset_find(ds, "m/1");
	assert_int_equal(msbt_item(it).principle, 7);
	assert_int_equal(msbt_item(it).category, 7);

	/* the same checks as msb_dataset_add, plus the category's range */
	assert_int_equal(msb_dataset_add_v2(ds, "x", 0, -1, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "category -1"));
	assert_int_equal(msb_dataset_add_v2(ds, "x", 0, 1001, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_add_v2(ds, "x", 10, 1, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_add_v2(ds, "h/1", 0, 3, NULL, NULL, "p", NULL), MSB_EEXISTS);
	assert_int_equal(msb_dataset_add_v2(ds, "x", 0, 3, NULL, NULL, NULL, NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_add_v2(NULL, "x", 0, 3, NULL, NULL, "p", NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_count(ds), 5);

	/* a filtered view takes no items */
	assert_int_equal(msb_dataset_filter(&view, ds, &fo), 0);
	assert_int_equal(msb_dataset_add_v2(view, "y", 0, 3, NULL, NULL, "p", NULL), MSB_ESTATE);
	msb_dataset_free(view);
	msb_dataset_free(ds);
}

static void test_view_outlives_parent(void **state)
{
	msb_dataset *ds, *view, *view2;
	msb_dataset_filter_options fo = MSB_DATASET_FILTER_OPTIONS_INIT;
	int i;
	char id[16];
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof id, "i%d", i);
		assert_int_equal(msb_dataset_add(ds, id, 1 + i % 9, NULL, NULL, id, NULL), 0);
	}
	fo.principles = 1u << 3;
	assert_int_equal(msb_dataset_filter(&view, ds, &fo), 0);
	assert_int_equal(msb_dataset_add(view, "z", 1, NULL, NULL, "p", NULL), MSB_ESTATE);
	msb_dataset_free(ds); /* the view keeps the items alive */
	assert_int_equal(msb_dataset_count(view), 2);
	assert_string_equal(msbt_item(msb_dataset_find(view, "i11")).prompt, "i11");
	assert_null(msb_dataset_find(view, "i0"));
	/* a view of a view, freed in the other order */
	fo.principles = 0;
	fo.limit = 1;
	assert_int_equal(msb_dataset_filter(&view2, view, &fo), 0);
	msb_dataset_free(view);
	assert_int_equal(msb_dataset_count(view2), 1);
	assert_string_equal(msbt_item(msb_dataset_item(view2, 0)).id, "i2");
	msb_dataset_free(view2);
}

/* Allocation failure injection: fail the Nth allocation for every N. */
static int n_allocs, fail_at;
static void *count_malloc(size_t n, void *ud)
{
	(void)ud;
	if (++n_allocs == fail_at)
		return NULL;
	return malloc(n);
}
static void *count_realloc(void *p, size_t n, void *ud)
{
	(void)ud;
	if (++n_allocs == fail_at)
		return NULL;
	return realloc(p, n);
}
static void count_free(void *p, void *ud) { (void)ud; free(p); }

static void torture(const char *path, const msb_dataset_options *opts)
{
	msb_allocator a = { MSB_ALLOCATOR_VERSION, count_malloc, count_realloc, count_free, NULL };
	msb_dataset *ds;
	size_t want;
	int rc, n;

	assert_int_equal(msb_set_allocator(&a), 0);
	fail_at = 0;
	n_allocs = 0;
	assert_int_equal(msb_dataset_load(&ds, path, opts), 0);
	want = msb_dataset_count(ds);
	msb_dataset_free(ds);
	for (n = 1;; n++) {
		n_allocs = 0;
		fail_at = n;
		rc = msb_dataset_load(&ds, path, opts);
		if (rc == 0) {
			assert_int_equal(msb_dataset_count(ds), want);
			msb_dataset_free(ds);
			/* success only once the failure point is past the last allocation */
			assert_true(n > n_allocs);
			break;
		}
		assert_int_equal(rc, MSB_ENOMEM);
		assert_null(ds);
	}
	fail_at = 0;
	assert_int_equal(msb_set_allocator(NULL), 0);
}

static void test_alloc_failures(void **state)
{
	msb_dataset_options o = MSB_DATASET_OPTIONS_INIT;
	(void)state;
	torture("sample", NULL);
	torture(fixture("custom.csv"), NULL);
	torture(fixture("items.jsonl"), NULL);
	o.clean = MSB_CLEAN_ALL;
	torture(fixture("layout"), &o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_add_find),
		cmocka_unit_test(test_item_info),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_add_v2_category),
		cmocka_unit_test(test_view_outlives_parent),
		cmocka_unit_test(test_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
