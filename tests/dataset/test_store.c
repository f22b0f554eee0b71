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
		assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){
		    .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = i % 10,
		    .source = "mine", .prompt = prompt, .reference = i % 2 ? "ref" : NULL }), 0);
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
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .principle = 0, .prompt = "anon" }), 0);
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
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "b/1", .principle = 3, .category = 7, .kind = MSB_KIND_BENIGN, .source = "mine",
	    .split = "dev", .prompt = "ask", .reference = "answer", .rationale = "why it is fine" }), 0);
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
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "a", .principle = 1, .prompt = "p" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "a", .principle = 2, .prompt = "other" }), MSB_EEXISTS);
	assert_non_null(strstr(msb_error_last()->message, "'a'"));
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "b", .principle = 10, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "b", .principle = -1, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "", .principle = 1, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "b", .principle = 1 }), MSB_EINVAL);
	assert_int_equal(msb_dataset_count(ds), 1);
	assert_int_equal(msb_dataset_new(NULL), MSB_EINVAL);
	msb_dataset_free(ds);
}

/* _v2 keeps a category of its own; msb_dataset_add is _v2 with category = principle. */
static void test_add_spec_fields(void **state)
{
	msb_dataset *ds, *view;
	const msb_item *it;
	msb_dataset_filter_options fo = MSB_DATASET_FILTER_OPTIONS_INIT;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "h/1", .principle = 0, .category = 3, .source = "hexphi", .split = "test",
	    .prompt = "p1" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "h/2", .principle = 4, .category = 11, .prompt = "p2", .reference = "r" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "h/3", .principle = 0, .category = MSB_CATEGORY_NONE, .prompt = "p3" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "h/4", .principle = 0, .category = 1000, .prompt = "p4" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "m/1", .principle = 7, .source = "gpt4", .split = "test", .prompt = "p5" }), 0);
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
	assert_int_equal(msbt_item(it).category, 7); /* category 0: the principle */
	assert_int_equal(msbt_item(it).kind, MSB_KIND_HARMFUL);
	assert_null(msbt_item(it).rationale);
	assert_null(msbt_item(it).reference);

	/* the same checks as msb_dataset_add, plus the category's range */
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "x", .principle = 0, .category = -2, .prompt = "p" }), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "category -2"));
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "x", .principle = 0, .category = 1001, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "x", .principle = 10, .category = 1, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "h/1", .principle = 0, .category = 3, .prompt = "p" }), MSB_EEXISTS);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "x", .principle = 0, .category = 3 }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(NULL, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "x", .principle = 0, .category = 3, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_count(ds), 5);

	/* a principle without a category, a benign item with its rationale */
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "n/1", .principle = 5, .category = MSB_CATEGORY_NONE, .prompt = "p6" }), 0);
	assert_int_equal(msbt_item(msb_dataset_find(ds, "n/1")).principle, 5);
	assert_int_equal(msbt_item(msb_dataset_find(ds, "n/1")).category, 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "b/1", .principle = 2, .kind = MSB_KIND_BENIGN, .prompt = "p7",
	    .rationale = "a nurse asks" }), 0);
	it = msb_dataset_find(ds, "b/1");
	assert_int_equal(msbt_item(it).kind, MSB_KIND_BENIGN);
	assert_string_equal(msbt_item(it).rationale, "a nurse asks");
	/* unknown kind, unknown version, NULL spec: nothing added */
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "k/1", .kind = 2, .prompt = "p" }), MSB_EINVAL);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION + 1,
	    .id = "k/1", .prompt = "p" }), MSB_EVERSION);
	assert_int_equal(msb_dataset_add(ds, NULL), MSB_EINVAL);
	assert_int_equal(msb_dataset_count(ds), 7);
	assert_null(msb_dataset_find(ds, "k/1"));
	{
		/* the _init function: zeroed, version set, a valid spec once a prompt is given */
		msb_item_spec spec;
		memset(&spec, 0x5a, sizeof spec);
		assert_int_equal(msb_item_spec_init(&spec, MSB_ITEM_SPEC_VERSION), 0);
		assert_int_equal(spec.version, MSB_ITEM_SPEC_VERSION);
		assert_null(spec.id);
		assert_int_equal(spec.principle, 0);
		assert_int_equal(spec.category, 0);
		assert_int_equal(spec.kind, 0);
		spec.prompt = "p8";
		assert_int_equal(msb_dataset_add(ds, &spec), 0);
		assert_string_equal(msbt_item(msb_dataset_item(ds, 7)).id, "item/8");
		assert_string_equal(msbt_item(msb_dataset_item(ds, 7)).source, "custom");
		assert_int_equal(msb_item_spec_init(&spec, 99), MSB_EVERSION);
	}

	/* a filtered view takes no items */
	assert_int_equal(msb_dataset_filter(&view, ds, &fo), 0);
	assert_int_equal(msb_dataset_add(view, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "y", .principle = 0, .category = 3, .prompt = "p" }), MSB_ESTATE);
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
		assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){
		    .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = 1 + i % 9,
		    .prompt = id }), 0);
	}
	fo.principles = 1u << 3;
	assert_int_equal(msb_dataset_filter(&view, ds, &fo), 0);
	assert_int_equal(msb_dataset_add(view, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "z", .principle = 1, .prompt = "p" }), MSB_ESTATE);
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

static void *plain_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *plain_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }

/*
 * Files of a megabyte and more are read into the dataset's huge-page
 * region (core/bulk.h), and so are the files after them and the item
 * records; a JSONL file (its buffer is not kept) is not. The items must
 * be the same as with a host allocator, where the region is not used.
 */
static void test_large_files(void **state)
{
	msb_allocator plain = { MSB_ALLOCATOR_VERSION, plain_malloc, plain_realloc, count_free, NULL };
	char *dir = make_tmpdir(), line[200], *big, *h1, *h2, path[1100];
	size_t i, len = 0, n_big = 9000;
	msb_dataset *ds, *ds2;
	const msb_item *it;
	(void)state;

	big = malloc(n_big * sizeof line);
	assert_non_null(big);
	for (i = 0; i < n_big; i++)
		len += (size_t)sprintf(big + len, "request %zu: %0120zu\n", i, i * 7);
	assert_true(len >= (1u << 20));
	write_file(dir, "gen/category_2.txt", big, len);
	write_file(dir, "gen/category_3.txt", "a small file\nafter the large one\n", 33);
	/* a JSONL file of over a megabyte: parsed, its buffer given back */
	len = 0;
	for (i = 0; i < n_big; i++)
		len += (size_t)sprintf(big + len, "{\"id\": \"j%zu\", \"prompt\": \"json %0110zu\"}\n", i, i);
	assert_true(len >= (1u << 20));
	write_file(dir, "one.jsonl", big, len);
	free(big);

	snprintf(path, sizeof path, "%s/gen", dir);
	assert_int_equal(msb_dataset_load(&ds, path, NULL), 0);
	assert_true(msb__bulk_active(&ds->bulk));
	assert_int_equal(msb_dataset_count(ds), n_big + 2);
	it = msb_dataset_find(ds, "generated/llama3/2/8999");
	assert_non_null(it);
	snprintf(line, sizeof line, "request 8999: %0120zu", (size_t)8999 * 7);
	assert_string_equal(msbt_item(it).prompt, line);
	assert_int_equal(msbt_item(it).principle, 2);
	it = msb_dataset_find(ds, "generated/llama3/3/1");
	assert_non_null(it);
	assert_string_equal(msbt_item(it).prompt, "after the large one");
	assert_true(msb__bulk_owns(&ds->bulk, msbt_item(it).prompt));
	assert_true(msb__bulk_owns(&ds->bulk, msbt_item(it).id));
	/* the same files through a host allocator: no region, the same items */
	assert_int_equal(msb_set_allocator(&plain), 0);
	assert_int_equal(msb_dataset_load(&ds2, path, NULL), 0);
	assert_false(msb__bulk_active(&ds2->bulk));
	assert_int_equal(msb_dataset_hash(&h1, ds), 0);
	assert_int_equal(msb_dataset_hash(&h2, ds2), 0);
	assert_string_equal(h1, h2);
	msb_free(h1);
	msb_free(h2);
	msb_dataset_free(ds2);
	assert_int_equal(msb_set_allocator(NULL), 0);
	msb_dataset_free(ds);

	snprintf(path, sizeof path, "%s/one.jsonl", dir);
	assert_int_equal(msb_dataset_load(&ds, path, NULL), 0);
	assert_false(msb__bulk_active(&ds->bulk));
	assert_int_equal(msb_dataset_count(ds), n_big);
	it = msb_dataset_find(ds, "j4321");
	assert_non_null(it);
	snprintf(line, sizeof line, "json %0110zu", (size_t)4321);
	assert_string_equal(msbt_item(it).prompt, line);
	msb_dataset_free(ds);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_add_find),
		cmocka_unit_test(test_item_info),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_add_spec_fields),
		cmocka_unit_test(test_view_outlives_parent),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_large_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
