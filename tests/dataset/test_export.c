/* tests/dataset/test_export.c - export to every format and load it back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "helpers.h"
#include "../common/info.h"

/* Items with the awkward characters: commas, quotes, newlines, non-ASCII. */
static msb_dataset *awkward_set(void)
{
	msb_dataset *ds;
	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "a/1", .principle = 3, .source = "gpt4", .split = "test",
	    .prompt = "Plain prompt", .reference = "Plain answer" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "a,2", .principle = 9, .source = "llama2", .split = "train",
	    .prompt = "Has \"quotes\", commas,\nand a newline\r\nor two",
	    .reference = "R\u00e9ponse, \"cit\u00e9e\"\n" }), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "a/3", .principle = 0, .source = "mine", .split = "test",
	    .prompt = "\u2603 snowman \t tab", .reference = "x" }), 0);
	return ds;
}

static void same_items(const msb_dataset *a, const msb_dataset *b, int ids, int meta)
{
	size_t i;
	assert_int_equal(msb_dataset_count(a), msb_dataset_count(b));
	for (i = 0; i < msb_dataset_count(a); i++) {
		const msb_item *x = msb_dataset_item(a, i), *y = msb_dataset_item(b, i);
		assert_string_equal(msbt_item(x).prompt, msbt_item(y).prompt);
		assert_string_equal(msbt_item(x).reference, msbt_item(y).reference);
		if (ids)
			assert_string_equal(msbt_item(x).id, msbt_item(y).id);
		if (meta) {
			assert_int_equal(msbt_item(x).principle, msbt_item(y).principle);
			assert_string_equal(msbt_item(x).source, msbt_item(y).source);
			assert_string_equal(msbt_item(x).split, msbt_item(y).split);
		}
	}
}

static msb_dataset *roundtrip(const msb_dataset *ds, const char *dir, const char *name, int format)
{
	msb_dataset_export_options eo = MSB_DATASET_EXPORT_OPTIONS_INIT;
	msb_dataset_options lo = MSB_DATASET_OPTIONS_INIT;
	msb_dataset *back;
	char path[600];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	eo.format = format;
	if (msb_dataset_export(ds, path, &eo))
		fail_msg("export: %s", msb_error_last()->message);
	if (format == MSB_FORMAT_CSV || format == MSB_FORMAT_JSONL) {
		lo.id_column = "id";
		lo.principle_column = "principle";
	}
	if (msb_dataset_load(&back, path, &lo))
		fail_msg("load %s: %s", path, msb_error_last()->message);
	return back;
}

static void test_roundtrips(void **state)
{
	char *dir = make_tmpdir();
	msb_dataset *ds = awkward_set(), *back;
	size_t i;
	(void)state;

	back = roundtrip(ds, dir, "out.jsonl", MSB_FORMAT_JSONL);
	same_items(ds, back, 1, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(msbt_item(msb_dataset_item(ds, i)).principle, msbt_item(msb_dataset_item(back, i)).principle);
	msb_dataset_free(back);
	back = roundtrip(ds, dir, "out.csv", MSB_FORMAT_CSV);
	same_items(ds, back, 1, 0);
	msb_dataset_free(back);
	back = roundtrip(ds, dir, "chat.jsonl", MSB_FORMAT_OPENAI_CHAT);
	same_items(ds, back, 0, 0);
	msb_dataset_free(back);
	back = roundtrip(ds, dir, "alpaca.json", MSB_FORMAT_ALPACA);
	same_items(ds, back, 0, 0);
	msb_dataset_free(back);
	msb_dataset_free(ds);

	/* the sample set through JSONL keeps everything, hash included */
	{
		char *h1, *h2;
		assert_int_equal(msb_dataset_load_sample(&ds), 0);
		back = roundtrip(ds, dir, "sample.jsonl", MSB_FORMAT_JSONL);
		same_items(ds, back, 1, 0);
		assert_int_equal(msb_dataset_hash(&h1, ds), 0);
		assert_int_equal(msb_dataset_hash(&h2, back), 0);
		assert_string_equal(h1, h2);
		msb_free(h1);
		msb_free(h2);
		msb_dataset_free(back);
		msb_dataset_free(ds);
	}
	rm_tree(dir);
}

static void test_export_strings(void **state)
{
	msb_dataset_export_options eo = MSB_DATASET_EXPORT_OPTIONS_INIT;
	msb_dataset *ds;
	char *s;
	(void)state;

	assert_int_equal(msb_dataset_new(&ds), 0);
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "x", .principle = 2, .source = "src", .split = "test", .prompt = "Do harm",
	    .reference = "No" }), 0);
	assert_int_equal(msb_dataset_export_string(&s, ds, &eo), 0);
	assert_string_equal(s, "{\"id\":\"x\",\"principle\":2,\"category\":2,\"source\":\"src\",\"split\":\"test\","
	    "\"prompt\":\"Do harm\",\"reference\":\"No\"}\n");
	msb_free(s);
	eo.format = MSB_FORMAT_CSV;
	assert_int_equal(msb_dataset_export_string(&s, ds, &eo), 0);
	assert_string_equal(s, "id,principle,category,source,split,prompt,reference\r\nx,2,2,src,test,Do harm,No\r\n");
	msb_free(s);
	eo.format = MSB_FORMAT_OPENAI_CHAT;
	eo.system_prompt = "Be careful.";
	assert_int_equal(msb_dataset_export_string(&s, ds, &eo), 0);
	assert_string_equal(s, "{\"messages\":[{\"role\":\"system\",\"content\":\"Be careful.\"},"
	    "{\"role\":\"user\",\"content\":\"Do harm\"},{\"role\":\"assistant\",\"content\":\"No\"}]}\n");
	msb_free(s);
	eo.format = MSB_FORMAT_ALPACA;
	assert_int_equal(msb_dataset_export_string(&s, ds, &eo), 0);
	assert_string_equal(s, "[\n{\"instruction\":\"Do harm\",\"input\":\"\",\"output\":\"No\"}\n]\n");
	msb_free(s);
	/* fine-tuning formats need a reference */
	assert_int_equal(msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
	    .id = "y", .principle = 2, .source = "src", .split = "test",
	    .prompt = "No answer here" }), 0);
	assert_int_equal(msb_dataset_export_string(&s, ds, &eo), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "item 'y' has no reference"));
	assert_null(s);
	eo.format = MSB_FORMAT_TEXT;
	assert_int_equal(msb_dataset_export_string(&s, ds, &eo), MSB_EINVAL);
	eo.format = MSB_FORMAT_JSONL;
	assert_int_equal(msb_dataset_export(ds, "/nonexistent-dir/x.jsonl", &eo), MSB_EIO);
	msb_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrips),
		cmocka_unit_test(test_export_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
