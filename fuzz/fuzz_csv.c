/*
 * fuzz/fuzz_csv.c - the CSV loaders: any CSV with a header row (default
 * and explicit column mapping, with cleaning), the MedSafetyBench
 * demonstrations CSV and the headerless HEx-PHI form (both recognised by
 * file name).
 */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "dataset_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msb_dataset_options csv = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options mapped = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options by_name = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	csv.format = mapped.format = MSB_FORMAT_CSV;
	mapped.prompt_column = "prompt";
	mapped.reference_column = "reference";
	mapped.principle_column = "principle";
	mapped.id_column = "id";
	mapped.clean = MSB_CLEAN_ALL;
	msb_fuzz_load("fuzz_csv", "fuzz.csv", &csv, data, size);
	msb_fuzz_load("fuzz_csv", "fuzz.csv", &mapped, data, size);
	msb_fuzz_load("fuzz_csv", "med_safety_demonstrations_category_3.csv", &by_name, data, size);
	msb_fuzz_load("fuzz_csv", "category_4.csv", &by_name, data, size);
	return 0;
}
