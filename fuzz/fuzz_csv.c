/*
 * fuzz/fuzz_csv.c - the CSV loaders: any CSV with a header row (default
 * and explicit column mapping), the MedSafetyBench demonstrations CSV
 * and the headerless HEx-PHI form. Each runs on its own copy of the
 * input, since the CSV reader unescapes in place.
 */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "fuzz_dataset.h"

static int load_csv(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	return msb__load_csv(ds, o, opts, buf, len);
}

static int load_msb_csv(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	(void)opts;
	return msb__load_msb_csv(ds, o, buf, len);
}

static int load_headerless(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	(void)opts;
	return msb__load_headerless_csv(ds, o, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const msb__origin generic = {
		.path = "fuzz.csv", .split = "test", .source = "fuzz",
		.id_prefix = "fuzz", .principle = 0, .category = 0,
	};
	static const msb__origin msb = {
		.path = "med_safety_demonstrations_category_3.csv", .split = "test", .source = "gpt4",
		.id_prefix = "test/gpt4/3", .principle = 3, .category = 3,
	};
	static const msb__origin hexphi = {
		.path = "category_4.csv", .split = "test", .source = "hexphi",
		.id_prefix = "test/hexphi/4", .principle = 0, .category = 4,
	};
	msb_dataset_options defaults = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options mapped = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	defaults.format = mapped.format = MSB_FORMAT_CSV;
	mapped.prompt_column = "prompt";
	mapped.reference_column = "reference";
	mapped.principle_column = "principle";
	mapped.id_column = "id";
	msb_fuzz_load("fuzz_csv", load_csv, &generic, &defaults, data, size, 0);
	msb_fuzz_load("fuzz_csv", load_csv, &generic, &mapped, data, size, MSB_CLEAN_ALL);
	msb_fuzz_load("fuzz_csv", load_msb_csv, &msb, &defaults, data, size, 0);
	msb_fuzz_load("fuzz_csv", load_headerless, &hexphi, &defaults, data, size, 0);
	return 0;
}
