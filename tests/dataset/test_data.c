/*
 * tests/dataset/test_data.c - the real MedSafetyBench data (suite data):
 * the exact counts of its README. Skips (77) when MEDSAFETY_DATA is absent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <medsafety/medsafety.h>
#include "../common/info.h"

static char root[1024];

static msb_dataset *load(const char *rel, unsigned int clean)
{
	msb_dataset_options o = MSB_DATASET_OPTIONS_INIT;
	msb_dataset *ds = NULL;
	char path[1200];

	o.clean = clean;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	if (msb_dataset_load(&ds, path, &o))
		fail_msg("%s: %s", path, msb_error_last()->message);
	return ds;
}

static void count_by(const msb_dataset *ds, const char *split, const char *source, size_t per[10])
{
	size_t i;
	memset(per, 0, 10 * sizeof *per);
	for (i = 0; i < msb_dataset_count(ds); i++) {
		const msb_item *it = msb_dataset_item(ds, i);
		if ((!split || !strcmp(msbt_item(it).split, split)) && (!source || !strcmp(msbt_item(it).source, source)))
			per[msbt_item(it).principle]++;
	}
}

static size_t sum(const size_t per[10])
{
	size_t s = 0, i;
	for (i = 0; i < 10; i++)
		s += per[i];
	return s;
}

static void test_whole_folder(void **state)
{
	static const size_t llama2[10] = { 0, 59, 57, 31, 56, 50, 24, 61, 64, 48 };
	static const size_t llama3[10] = { 0, 7897, 8563, 8531, 7827, 9064, 8579, 8254, 7563, 8096 };
	msb_dataset *ds = load("datasets", 0);
	size_t per[10], p;
	const char *split[2] = { "test", "train" };
	int s;
	(void)state;

	assert_int_equal(msb_dataset_count(ds), 76174);
	for (s = 0; s < 2; s++) {
		count_by(ds, split[s], NULL, per);
		assert_int_equal(sum(per), 900);
		count_by(ds, split[s], "gpt4", per);
		for (p = 1; p <= 9; p++)
			assert_int_equal(per[p], 50);
		count_by(ds, split[s], "llama2", per);
		assert_memory_equal(per, llama2, sizeof llama2);
	}
	count_by(ds, "generated", "llama3", per);
	assert_memory_equal(per, llama3, sizeof llama3);
	assert_int_equal(sum(per), 74374);
	/* every item has a principle; demonstrations have a reference, generated ones none */
	count_by(ds, NULL, NULL, per);
	assert_int_equal(per[0], 0);
	assert_non_null(msbt_item(msb_dataset_find(ds, "test/gpt4/3/17")).reference);
	assert_null(msbt_item(msb_dataset_find(ds, "generated/llama3/3/17")).reference);
	assert_non_null(msb_dataset_find(ds, "train/llama2/9/47"));
	assert_null(msb_dataset_find(ds, "train/llama2/9/48"));
	msb_dataset_free(ds);
}

static void test_parts(void **state)
{
	msb_dataset *ds;
	(void)state;
	ds = load("datasets/test", 0);
	assert_int_equal(msb_dataset_count(ds), 900);
	msb_dataset_free(ds);
	ds = load("datasets/train/llama2", 0);
	assert_int_equal(msb_dataset_count(ds), 450);
	msb_dataset_free(ds);
	ds = load("datasets/med_harm_llama3/category_5.txt", 0);
	assert_int_equal(msb_dataset_count(ds), 9064);
	msb_dataset_free(ds);
	ds = load("datasets/train-splits-used-for-ft/both_safety/ft_safety_both_n1800.json", 0);
	assert_int_equal(msb_dataset_count(ds), 1800);
	assert_string_equal(msbt_item(msb_dataset_item(ds, 0)).split, "finetune");
	assert_string_equal(msbt_item(msb_dataset_item(ds, 0)).source, "both");
	msb_dataset_free(ds);
	ds = load("datasets/train-splits-used-for-ft", 0);
	assert_int_equal(msb_dataset_count(ds), 100 + 1800 + 900 + 100 + 900 + 100 + 900);
	msb_dataset_free(ds);
}

static void test_cleaning_counts(void **state)
{
	msb_dataset *ds;
	(void)state;
	/* README/issue facts: 981 lines end in <|eot_id|>; 540 are duplicates once it is stripped */
	ds = load("datasets/med_harm_llama3", MSB_CLEAN_STRIP_TOKENS);
	assert_int_equal(msb_dataset_clean_count(ds, MSB_CLEANED_TOKENS), 981);
	assert_int_equal(msb_dataset_count(ds), 74374);
	msb_dataset_free(ds);
	ds = load("datasets/med_harm_llama3", MSB_CLEAN_ALL);
	assert_int_equal(msb_dataset_clean_count(ds, MSB_CLEANED_TOKENS), 981);
	assert_int_equal(msb_dataset_clean_count(ds, MSB_CLEANED_QUOTES), 213);
	/* duplicates once both the token and the stray quotes are gone */
	assert_int_equal(msb_dataset_clean_count(ds, MSB_CLEANED_DUPLICATES), 703);
	assert_int_equal(msb_dataset_count(ds), 74374 - 703);
	msb_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_folder),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_cleaning_counts),
	};
	const char *data = getenv("MEDSAFETY_DATA");
	struct stat st;
	char probe[1200];

	snprintf(probe, sizeof probe, "%s/datasets", data ? data : "");
	if (!data || stat(probe, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("SKIP: MEDSAFETY_DATA is not set or has no datasets/ folder (the MedSafetyBench data)\n");
		return 77;
	}
	snprintf(root, sizeof root, "%s", data);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
