/*
 * fuzz/fuzz.h - what every fuzz target shares: a counting allocator
 * installed through msb_set_allocator (so that a leak of library memory
 * aborts even without LeakSanitizer), and a scratch file for parsers
 * whose only entry point is a path.
 *
 * Each target is one file fuzz_<parser>.c with LLVMFuzzerTestOneInput;
 * it links either libFuzzer (-fsanitize=fuzzer) or fuzz/standalone.c,
 * which replays files and folders named on the command line.
 */
#ifndef MSB_FUZZ_H
#define MSB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Install the counting allocator and msb_init(). Idempotent. */
void msb_fuzz_setup(void);

/* Library allocations not yet freed. */
long msb_fuzz_live(void);

/* Abort (a crash for libFuzzer) when library memory is still live: a leak. */
void msb_fuzz_check_leaks(const char *target);

/*
 * A writable, NUL-terminated copy of the input (free with free()).
 * Parsers that work in place get their own copy each call.
 */
char *msb_fuzz_copy(const uint8_t *data, size_t size);

/*
 * Put the input into a scratch file named `name` in a private folder and
 * return its path (valid until the next call, which replaces the file).
 * Loaders read meaning into file names (med_safety_demonstrations_
 * category_3.csv, category_5.txt). NULL when the file cannot be written
 * (the input is then skipped).
 */
const char *msb_fuzz_file(const uint8_t *data, size_t size, const char *name);

#endif
