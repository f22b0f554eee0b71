/*
 * fuzz/fuzz_json.c - the JSON array loader: generic arrays of objects
 * with the default fields and an explicit mapping, and the fine-tuning
 * sets' Alpaca form (recognised by file name).
 */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "dataset_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msb_dataset_options json = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options mapped = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options by_name = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	json.format = mapped.format = MSB_FORMAT_JSON;
	mapped.prompt_column = "prompt";
	mapped.reference_column = "reference";
	mapped.principle_column = "principle";
	mapped.id_column = "id";
	mapped.clean = MSB_CLEAN_ALL;
	msb_fuzz_load("fuzz_json", "fuzz.json", &json, data, size);
	msb_fuzz_load("fuzz_json", "fuzz.json", &mapped, data, size);
	msb_fuzz_load("fuzz_json", "ft_safety_med_n200.json", &by_name, data, size);
	return 0;
}
