/* tests/reliability/af_util.h - paths and scratch folders for the reliability tests. */
#ifndef MSB_TEST_AF_UTIL_H
#define MSB_TEST_AF_UTIL_H

#include <stddef.h>

/* $MSB_SOURCE_ROOT/tests/fixtures/reliability/<name> into buf (static fallback "."). */
const char *af_fixture(char *buf, size_t cap, const char *name);

/* A new empty folder under $TMPDIR (or /tmp); its path in buf. 0 or -1. */
int af_tmpdir(char *buf, size_t cap, const char *tag);

/* Number of entries in a folder (without . and ..), -1 when it cannot be read. */
long af_dir_entries(const char *path);

/* Remove a folder and everything in it. */
void af_rmtree(const char *path);

#endif
