/* fuzz/fuzz_jsonl.c - the JSONL loader (one object per line), default and explicit mapping. */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "fuzz_dataset.h"

static int load_jsonl(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	return msb__load_json(ds, o, opts, buf, len, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const msb__origin o = {
		.path = "fuzz.jsonl", .split = "test", .source = "fuzz",
		.id_prefix = "fuzz", .principle = 0, .category = 0,
	};
	msb_dataset_options defaults = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options mapped = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	defaults.format = mapped.format = MSB_FORMAT_JSONL;
	mapped.prompt_column = "prompt";
	mapped.reference_column = "reference";
	mapped.principle_column = "principle";
	mapped.id_column = "id";
	msb_fuzz_load("fuzz_jsonl", load_jsonl, &o, &defaults, data, size, 0);
	msb_fuzz_load("fuzz_jsonl", load_jsonl, &o, &mapped, data, size, MSB_CLEAN_ALL);
	return 0;
}
