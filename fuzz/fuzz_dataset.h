/*
 * fuzz/fuzz_dataset.h - shared by the dataset loader targets: run one
 * loader over a private copy of the input, the way msb_dataset_load
 * does after reading a file, and check what it built.
 */
#ifndef MSB_FUZZ_DATASET_H
#define MSB_FUZZ_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "dataset/load.h"

typedef int (*msb_fuzz_loader)(msb_dataset *ds, const msb__origin *o,
    const msb_dataset_options *opts, char *buf, size_t len);

/*
 * Load the input with `fn`; on success apply `clean` flags (0: none).
 * Aborts when the loader returns a positive value, an error without
 * its message, or items that break the dataset's invariants, and when
 * library memory leaks.
 */
void msb_fuzz_load(const char *target, msb_fuzz_loader fn, const msb__origin *o,
    const msb_dataset_options *opts, const uint8_t *data, size_t size, unsigned int clean);

#endif
