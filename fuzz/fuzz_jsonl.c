/* fuzz/fuzz_jsonl.c - the JSONL loader (one object per line), default and explicit mapping. */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "dataset_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msb_dataset_options jsonl = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options mapped = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	jsonl.format = mapped.format = MSB_FORMAT_JSONL;
	mapped.prompt_column = "prompt";
	mapped.reference_column = "reference";
	mapped.principle_column = "principle";
	mapped.id_column = "id";
	mapped.clean = MSB_CLEAN_ALL;
	msb_fuzz_load("fuzz_jsonl", "fuzz.jsonl", &jsonl, data, size);
	msb_fuzz_load("fuzz_jsonl", "fuzz.jsonl", &mapped, data, size);
	return 0;
}
