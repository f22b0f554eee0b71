/*
 * fuzz/fuzz_json.c - the JSON array loader (Alpaca and generic arrays of
 * objects), with the default fields, the fine-tuning sets' mapping
 * (instruction/output) and an explicit mapping.
 */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "fuzz_dataset.h"

static int load_json(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	return msb__load_json(ds, o, opts, buf, len, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const msb__origin o = {
		.path = "fuzz.json", .split = "test", .source = "fuzz",
		.id_prefix = "fuzz", .principle = 0, .category = 0,
	};
	msb_dataset_options defaults = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options alpaca = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options mapped = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	defaults.format = alpaca.format = mapped.format = MSB_FORMAT_JSON;
	alpaca.prompt_column = "instruction";
	alpaca.reference_column = "output";
	mapped.prompt_column = "prompt";
	mapped.reference_column = "reference";
	mapped.principle_column = "principle";
	mapped.id_column = "id";
	msb_fuzz_load("fuzz_json", load_json, &o, &defaults, data, size, 0);
	msb_fuzz_load("fuzz_json", load_json, &o, &alpaca, data, size, 0);
	msb_fuzz_load("fuzz_json", load_json, &o, &mapped, data, size, MSB_CLEAN_ALL);
	return 0;
}
