/* tests/dataset/test_filter.c - filters, stratified sampling, sharding, the content hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "helpers.h"
#include "../common/info.h"

/* 2,000 items: principles 1..9 in unequal shares, two splits, three sources. */
static msb_dataset *make_set(void)
{
	msb_dataset *ds;
	int i;
	char id[32];

	assert_int_equal(msb_dataset_new(&ds), 0);
	for (i = 0; i < 2000; i++) {
		int p = 1 + (i * i) % 9;
		snprintf(id, sizeof id, "s/%d", i);
		assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){
		    .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = p,
		    .source = i % 3 == 0 ? "gpt4" : i % 3 == 1 ? "llama2" : "llama3",
		    .split = i % 2 ? "train" : "test", .prompt = id }), 0);
	}
	return ds;
}

static msb_dataset *filtered(const msb_dataset *ds, const msb_dataset_filter_options *o)
{
	msb_dataset *v = NULL;
	if (msb_dataset_filter(&v, ds, o))
		fail_msg("filter: %s", msb_error_last()->message);
	return v;
}

static void test_field_filters(void **state)
{
	msb_dataset *ds = make_set(), *v;
	msb_dataset_filter_options o;
	size_t i;
	(void)state;

	assert_int_equal(msb_dataset_filter_options_init(&o, MSB_DATASET_FILTER_OPTIONS_VERSION), 0);
	v = filtered(ds, NULL);
	assert_int_equal(msb_dataset_count(v), 2000);
	msb_dataset_free(v);
	o.split = "train";
	o.source = "gpt4, llama3";
	o.principles = (1u << 1) | (1u << 4) | (1u << 9);
	v = filtered(ds, &o);
	assert_true(msb_dataset_count(v) > 0);
	for (i = 0; i < msb_dataset_count(v); i++) {
		const msb_item *it = msb_dataset_item(v, i);
		int p = msbt_item(it).principle;
		assert_string_equal(msbt_item(it).split, "train");
		assert_string_not_equal(msbt_item(it).source, "llama2");
		assert_true(p == 1 || p == 4 || p == 9);
	}
	msb_dataset_free(v);
	o.split = "nosuch";
	v = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(v), 0);
	msb_dataset_free(v);
	memset(&o, 0, sizeof o);
	o.version = MSB_DATASET_FILTER_OPTIONS_VERSION;
	o.limit = 5;
	v = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(v), 5);
	assert_string_equal(msbt_item(msb_dataset_item(v, 4)).id, "s/4");
	msb_dataset_free(v);
	o.shard_count = 3;
	o.shard_index = 3;
	assert_int_equal(msb_dataset_filter(&v, ds, &o), MSB_EINVAL);
	assert_null(v);
	o.version = 7;
	assert_int_equal(msb_dataset_filter(&v, ds, &o), MSB_EVERSION);
	msb_dataset_free(ds);
}

static void test_sampling(void **state)
{
	msb_dataset *ds = make_set(), *a, *b, *c;
	msb_dataset_filter_options o = MSB_DATASET_FILTER_OPTIONS_INIT;
	size_t total[10] = { 0 }, got[10] = { 0 }, i, p;
	int differs = 0;
	(void)state;

	for (i = 0; i < msb_dataset_count(ds); i++)
		total[msbt_item(msb_dataset_item(ds, i)).principle]++;
	o.sample = 300;
	o.seed = 42;
	a = filtered(ds, &o);
	b = filtered(ds, &o);
	o.seed = 43;
	c = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(a), 300);
	assert_int_equal(msb_dataset_count(c), 300);
	for (i = 0; i < 300; i++) {
		/* same seed, same sample; kept in the original order; ids unique */
		assert_string_equal(msbt_item(msb_dataset_item(a, i)).id, msbt_item(msb_dataset_item(b, i)).id);
		if (i)
			assert_true(atoi(msbt_item(msb_dataset_item(a, i)).id + 2) >
			    atoi(msbt_item(msb_dataset_item(a, i - 1)).id + 2));
		differs |= strcmp(msbt_item(msb_dataset_item(a, i)).id, msbt_item(msb_dataset_item(c, i)).id) != 0;
		got[msbt_item(msb_dataset_item(a, i)).principle]++;
	}
	assert_true(differs);
	/* stratified: each principle within one item of its exact share */
	for (p = 1; p <= 9; p++) {
		double share = 300.0 * (double)total[p] / 2000.0;
		assert_true((double)got[p] >= share - 1.0 && (double)got[p] <= share + 1.0);
	}
	msb_dataset_free(a);
	msb_dataset_free(b);
	msb_dataset_free(c);
	/* asking for more than there is keeps everything */
	o.sample = 5000;
	a = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(a), 2000);
	msb_dataset_free(a);
	msb_dataset_free(ds);
}

static void test_shards(void **state)
{
	msb_dataset *ds = make_set(), *v;
	msb_dataset_filter_options o = MSB_DATASET_FILTER_OPTIONS_INIT;
	int *seen = calloc(2000, sizeof *seen);
	unsigned int s, n = 7;
	size_t i, sum = 0;
	(void)state;

	o.shard_count = n;
	for (s = 0; s < n; s++) {
		o.shard_index = s;
		v = filtered(ds, &o);
		/* roughly even, never empty at this size */
		assert_true(msb_dataset_count(v) > 2000 / n / 2);
		sum += msb_dataset_count(v);
		for (i = 0; i < msb_dataset_count(v); i++) {
			const char *id = msbt_item(msb_dataset_item(v, i)).id;
			assert_int_equal(msb_dataset_shard_of(id, n), s);
			seen[atoi(id + 2)]++;
		}
		msb_dataset_free(v);
	}
	/* disjoint and covering */
	assert_int_equal(sum, 2000);
	for (i = 0; i < 2000; i++)
		assert_int_equal(seen[i], 1);
	/* the shard of an id does not depend on the other items: stable across releases */
	assert_int_equal(msb_dataset_shard_of("test/gpt4/3/17", 1), 0);
	assert_int_equal(msb_dataset_shard_of("test/gpt4/3/17", 1000), msb_dataset_shard_of("test/gpt4/3/17", 1000));
	free(seen);
	msb_dataset_free(ds);
}

static void test_hash(void **state)
{
	msb_dataset *ds = make_set(), *v, *d2;
	msb_dataset_filter_options o = MSB_DATASET_FILTER_OPTIONS_INIT;
	char *h1, *h2, *h3;
	(void)state;

	assert_int_equal(msb_dataset_hash(&h1, ds), 0);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	v = filtered(ds, &o); /* the same items: the same hash */
	assert_int_equal(msb_dataset_hash(&h2, v), 0);
	assert_string_equal(h1, h2);
	msb_free(h2);
	msb_dataset_free(v);
	o.limit = 1999;
	v = filtered(ds, &o);
	assert_int_equal(msb_dataset_hash(&h2, v), 0);
	assert_string_not_equal(h1, h2);
	msb_free(h2);
	msb_dataset_free(v);
	/* the empty dataset: SHA-256 of nothing */
	assert_int_equal(msb_dataset_new(&d2), 0);
	assert_int_equal(msb_dataset_hash(&h3, d2), 0);
	assert_string_equal(h3, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(msb_dataset_hash(&h2, NULL), MSB_EINVAL);
	assert_null(h2);
	msb_free(h1);
	msb_free(h3);
	msb_dataset_free(d2);
	msb_dataset_free(ds);
}

/*
 * The content hash of strings longer than its 32 KiB staging buffer (they
 * straddle it). Expected value computed independently with Python:
 *   d = b''.join(b'long/%d\0' % i + c * n + b'\0'
 *                for i, (c, n) in enumerate([(b'a', 40000), (b'b', 5), (b'c', 70000)]))
 *   hashlib.sha256(d).hexdigest()
 */
static void test_hash_long_strings(void **state)
{
	static const struct { char c; size_t n; } parts[] = { { 'a', 40000 }, { 'b', 5 }, { 'c', 70000 } };
	msb_dataset *ds;
	char id[16], *prompt, *h;
	size_t i;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	for (i = 0; i < 3; i++) {
		prompt = malloc(parts[i].n + 1);
		assert_non_null(prompt);
		memset(prompt, parts[i].c, parts[i].n);
		prompt[parts[i].n] = '\0';
		snprintf(id, sizeof id, "long/%zu", i);
		assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = 1, .prompt = prompt }), 0);
		free(prompt);
	}
	assert_int_equal(msb_dataset_hash(&h, ds), 0);
	assert_string_equal(h, "95593614446c179249b5543a5501bad966381b8c3bf940091794222627fd4244");
	msb_free(h);
	msb_dataset_free(ds);
}

/*
 * msb_dataset_find on views: a view of all items or a prefix (--limit)
 * answers from its owner's index, so it must still see only its own
 * items, also after the owner grew; other views index their items.
 */
static void test_view_find(void **state)
{
	msb_dataset *ds = make_set(), *all, *lim, *train, *v2, *v3;
	msb_dataset_filter_options o = MSB_DATASET_FILTER_OPTIONS_INIT;
	(void)state;

	all = filtered(ds, NULL);
	assert_ptr_equal(msb_dataset_find(all, "s/5"), msb_dataset_item(ds, 5));
	assert_ptr_equal(msb_dataset_find(all, "s/1999"), msb_dataset_item(ds, 1999));
	assert_null(msb_dataset_find(all, "nosuch"));
	o.limit = 10;
	lim = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(lim), 10);
	assert_ptr_equal(msb_dataset_find(lim, "s/9"), msb_dataset_item(ds, 9));
	assert_null(msb_dataset_find(lim, "s/10"));
	/* the owner grows after the filter: the views do not */
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION, .id = "late", .principle = 1, .prompt = "late prompt" }), 0);
	assert_non_null(msb_dataset_find(ds, "late"));
	assert_null(msb_dataset_find(all, "late"));
	assert_null(msb_dataset_find(lim, "late"));
	assert_int_equal(msb_dataset_count(all), 2000);
	assert_ptr_equal(msb_dataset_find(all, "s/3"), msb_dataset_item(ds, 3));
	/* a view of the odd items (train) has an index of its own */
	o.limit = 0;
	o.split = "train";
	train = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(train), 1000);
	assert_ptr_equal(msb_dataset_find(train, "s/1"), msb_dataset_item(ds, 1));
	assert_null(msb_dataset_find(train, "s/0"));
	assert_null(msb_dataset_find(train, "late"));
	/* views of views: a prefix of the owner, and a prefix of the train view */
	o.split = NULL;
	o.limit = 5;
	v2 = filtered(lim, &o);
	assert_ptr_equal(msb_dataset_find(v2, "s/4"), msb_dataset_item(ds, 4));
	assert_null(msb_dataset_find(v2, "s/5"));
	o.limit = 3;
	v3 = filtered(train, &o);
	assert_int_equal(msb_dataset_count(v3), 3);
	assert_ptr_equal(msb_dataset_find(v3, "s/5"), msb_dataset_item(ds, 5));
	assert_null(msb_dataset_find(v3, "s/7"));
	assert_null(msb_dataset_find(v3, "s/0"));
	/* the views keep the owner alive */
	msb_dataset_free(ds);
	assert_ptr_equal(msb_dataset_find(all, "s/1999"), msb_dataset_item(all, 1999));
	assert_null(msb_dataset_find(all, "late"));
	msb_dataset_free(all);
	msb_dataset_free(lim);
	msb_dataset_free(train);
	msb_dataset_free(v2);
	msb_dataset_free(v3);
}

/*
 * Views of a large set (40,000 items: a 320 KB item array, which comes
 * from the view's huge-page region, lib/dataset/filter.c): all items, a
 * half kept in place, small selections moved out of the region (limit,
 * sample, a shard), each with the right items, finds and hash, also after
 * the owner is freed.
 */
static void test_large_views(void **state)
{
	enum { N = 40000 };
	msb_dataset *ds, *all, *half, *lim, *smp, *sh0, *sh1;
	msb_dataset_filter_options o = MSB_DATASET_FILTER_OPTIONS_INIT;
	char id[32], *h1, *h2;
	size_t i;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	for (i = 0; i < N; i++) {
		snprintf(id, sizeof id, "l/%zu", i);
		assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){
		    .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = 1 + (int)(i % 9),
		    .split = i % 2 ? "train" : "test", .prompt = id }), 0);
	}
	all = filtered(ds, NULL);
	assert_int_equal(msb_dataset_count(all), N);
	for (i = 0; i < N; i++)
		assert_ptr_equal(msb_dataset_item(all, i), msb_dataset_item(ds, i));
	assert_int_equal(msb_dataset_hash(&h1, ds), 0);
	assert_int_equal(msb_dataset_hash(&h2, all), 0);
	assert_string_equal(h1, h2);
	msb_free(h1);
	msb_free(h2);
	o.split = "train";
	half = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(half), N / 2);
	assert_ptr_equal(msb_dataset_item(half, 0), msb_dataset_item(ds, 1));
	assert_ptr_equal(msb_dataset_find(half, "l/39999"), msb_dataset_item(ds, 39999));
	assert_null(msb_dataset_find(half, "l/39998"));
	o.split = NULL;
	o.limit = 10;
	lim = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(lim), 10);
	assert_ptr_equal(msb_dataset_find(lim, "l/9"), msb_dataset_item(ds, 9));
	assert_null(msb_dataset_find(lim, "l/10"));
	o.limit = 0;
	o.sample = 90;
	o.seed = 7;
	smp = filtered(ds, &o);
	assert_int_equal(msb_dataset_count(smp), 90);
	for (i = 0; i < 90; i++)
		assert_ptr_equal(msb_dataset_find(smp, msbt_item(msb_dataset_item(smp, i)).id),
		    msb_dataset_item(smp, i));
	o.sample = 0;
	o.shard_count = 5;
	o.shard_index = 0;
	sh0 = filtered(ds, &o);
	o.shard_index = 1;
	sh1 = filtered(ds, &o);
	assert_true(msb_dataset_count(sh0) > 0 && msb_dataset_count(sh1) > 0);
	assert_true(msb_dataset_count(sh0) + msb_dataset_count(sh1) < N);
	for (i = 0; i < msb_dataset_count(sh1); i++)
		assert_int_equal(msb_dataset_shard_of(msbt_item(msb_dataset_item(sh1, i)).id, 5), 1);
	/* the views keep what they need */
	msb_dataset_free(ds);
	assert_string_equal(msbt_item(msb_dataset_item(all, N - 1)).id, "l/39999");
	assert_string_equal(msbt_item(msb_dataset_item(half, N / 2 - 1)).id, "l/39999");
	assert_string_equal(msbt_item(msb_dataset_item(lim, 9)).id, "l/9");
	msb_dataset_free(all);
	msb_dataset_free(half);
	msb_dataset_free(lim);
	msb_dataset_free(smp);
	msb_dataset_free(sh0);
	msb_dataset_free(sh1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_filters),
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_hash_long_strings),
		cmocka_unit_test(test_view_find),
		cmocka_unit_test(test_large_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
