/*
 * fuzz/fuzz_text.c - the plain-text loader (one prompt per line), as a
 * generic file and as Llama-3's category_N.txt, then cleaning.
 */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "dataset_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msb_dataset_options text = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_options clean = MSB_DATASET_OPTIONS_INIT;

	msb_fuzz_setup();
	text.format = MSB_FORMAT_TEXT;
	clean.clean = MSB_CLEAN_ALL;
	msb_fuzz_load("fuzz_text", "fuzz.txt", &text, data, size);
	msb_fuzz_load("fuzz_text", "category_5.txt", &clean, data, size);
	return 0;
}
