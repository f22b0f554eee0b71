/* fuzz/fuzz_text.c - the plain-text loader (one prompt per line), then cleaning. */
#include "medsafety/dataset.h"
#include "fuzz.h"
#include "fuzz_dataset.h"

static int load_text(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	(void)opts;
	return msb__load_text(ds, o, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const msb__origin o = {
		.path = "category_5.txt", .split = "generated", .source = "llama3",
		.id_prefix = "generated/llama3/5", .principle = 5, .category = 5,
	};

	msb_fuzz_setup();
	msb_fuzz_load("fuzz_text", load_text, &o, NULL, data, size, 0);
	msb_fuzz_load("fuzz_text", load_text, &o, NULL, data, size, MSB_CLEAN_ALL);
	return 0;
}
