/*
 * fuzz/dataset_harness.h - shared by the dataset loader targets: the input
 * goes into a scratch file that msb_dataset_load reads (the public path,
 * file name rules and all), and what it built is checked.
 */
#ifndef MSB_FUZZ_DATASET_HARNESS_H
#define MSB_FUZZ_DATASET_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "medsafety/dataset.h"

/*
 * Load the input as the file `name` with `opts`. Aborts when the load
 * fails without its error message, leaves a dataset behind on failure,
 * or builds items that break the dataset's invariants (missing fields,
 * principle outside 0..9, an id that does not find its item), and when
 * library memory leaks.
 */
void msb_fuzz_load(const char *target, const char *name, const msb_dataset_options *opts,
    const uint8_t *data, size_t size);

#endif
