/*
 * fuzz/fuzz_dataset.c - the dataset loaders on arbitrary bytes: the
 * first byte picks the loader (MedSafetyBench CSV, headerless CSV,
 * generic CSV, text, JSON array, JSONL), the rest is the file. With
 * libFuzzer (clang -fsanitize=fuzzer) or the standalone driver below
 * (files named on the command line).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/medsafety.h"
#include "core/alloc.h"
#include "dataset/dataset.h"
#include "dataset/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msb_dataset_options opts = MSB_DATASET_OPTIONS_INIT;
	msb__origin o = { "fuzz", "test", "fuzz", "fuzz", 1, 1, 1 };
	msb_dataset *ds;
	char *buf;
	int which;

	if (size < 1)
		return 0;
	which = data[0] % 6;
	buf = msb__malloc(size);
	if (!buf || msb__dataset_alloc(&ds)) {
		msb__free(buf);
		return 0;
	}
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (msb__dataset_adopt(ds, buf, size)) {
		msb_dataset_free(ds);
		return 0;
	}
	switch (which) {
	case 0: msb__load_msb_csv(ds, &o, buf, size - 1); break;
	case 1: msb__load_headerless_csv(ds, &o, buf, size - 1); break;
	case 2: msb__load_csv(ds, &o, &opts, buf, size - 1); break;
	case 3: msb__load_text(ds, &o, buf, size - 1); break;
	case 4: msb__load_json(ds, &o, &opts, buf, size - 1, 0); break;
	default: msb__load_json(ds, &o, &opts, buf, size - 1, 1); break;
	}
	if (msb__dataset_index_pending(ds) == 0)
		msb__dataset_clean(ds, MSB_CLEAN_ALL);
	msb_dataset_free(ds);
	return 0;
}

#ifdef MSB_FUZZ_STANDALONE
int main(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static uint8_t data[1 << 20];
		size_t n;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(data, 1, sizeof data, f);
		fclose(f);
		LLVMFuzzerTestOneInput(data, n);
	}
	return 0;
}
#endif
