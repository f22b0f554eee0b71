/* lib/dataset/manifest.h - the MedSafetyBench files msb_dataset_fetch knows (internal). */
#ifndef MSB_DATASET_MANIFEST_H
#define MSB_DATASET_MANIFEST_H

#include <stddef.h>

typedef struct msb__manifest_entry {
	const char *path;        /* under the repository root, "datasets/..." */
	unsigned long long size; /* bytes */
	const char *sha256;      /* lowercase hex */
} msb__manifest_entry;

extern const msb__manifest_entry msb__manifest[];
extern const size_t msb__manifest_count;

struct msb_dataset_fetch_options;
/* Fetch other files the same way (lib/dataset/fetch.c; used by msb_paper_fetch). */
int msb__fetch_files(char **out_dir, const struct msb_dataset_fetch_options *opts,
    const char *default_base, const char *cache_name, const msb__manifest_entry *files, size_t n);

#endif
