/*
 * medsafety/dataset.h - datasets of harmful requests (items) and the
 * built-in sample set. See docs/datasets.md.
 *
 * An item is one request: a stable id (e.g. "test/gpt4/3/17"), the AMA
 * principle 1..9 (0 when none), a category number of its own taxonomy
 * (equal to the principle for MedSafetyBench; HEx-PHI's 1..11), source,
 * split, prompt, and an optional reference safe response.
 *
 * Thread safety: a dataset is immutable once loaded; any number of
 * threads may read it. Items are borrowed from their dataset.
 */
#ifndef MEDSAFETY_DATASET_H
#define MEDSAFETY_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msb_dataset msb_dataset;
typedef struct msb_item msb_item;

/** File formats; MSB_FORMAT_AUTO picks by folder layout and file name. */
typedef enum msb_format {
	MSB_FORMAT_AUTO = 0,
	MSB_FORMAT_MEDSAFETYBENCH = 1, /**< the benchmark's folder layout or one of its files */
	MSB_FORMAT_CSV = 2,            /**< any CSV with a header row, columns mapped by name */
	MSB_FORMAT_TEXT = 3,           /**< one prompt per line */
	MSB_FORMAT_JSON = 4,           /**< a JSON array of objects (e.g. Alpaca) */
	MSB_FORMAT_JSONL = 5,          /**< one JSON object per line */
	MSB_FORMAT_HEXPHI = 6,         /**< HEx-PHI category_N.csv, headerless */
	MSB_FORMAT_OPENAI_CHAT = 7,    /**< export only: OpenAI chat fine-tuning JSONL */
	MSB_FORMAT_ALPACA = 8          /**< export only: Alpaca JSON array */
} msb_format;

/** Cleaning flags (msb_dataset_options.clean). Default: none, the data as published. */
#define MSB_CLEAN_STRIP_TOKENS 0x1u /**< strip chat special tokens such as <|eot_id|> and stray quotes */
#define MSB_CLEAN_DEDUP        0x2u /**< drop exact duplicate prompts (first kept) */
#define MSB_CLEAN_ALL          0x3u

#define MSB_DATASET_OPTIONS_VERSION 1
typedef struct msb_dataset_options {
	unsigned int version;          /**< MSB_DATASET_OPTIONS_VERSION */
	int format;                    /**< msb_format, default MSB_FORMAT_AUTO */
	const char *prompt_column;     /**< CSV column / JSON field; NULL: format's default */
	const char *reference_column;
	const char *principle_column;
	const char *id_column;
	const char *source;            /**< source name for generic files (default: file stem) */
	const char *split;             /**< split for generic files (default "test") */
	unsigned int clean;            /**< MSB_CLEAN_* flags */
} msb_dataset_options;

#define MSB_DATASET_OPTIONS_INIT { MSB_DATASET_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0 }
MSB_API int msb_dataset_options_init(msb_dataset_options *opts, unsigned int version);

/**
 * Load a dataset. `path` is a file or folder, or "sample" for the
 * built-in set. NULL opts means defaults. On success *out is new: free
 * with msb_dataset_free. Errors: MSB_ENOTFOUND, MSB_EIO, MSB_EPARSE (the
 * message names the file and line), MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_dataset_load(msb_dataset **out, const char *path, const msb_dataset_options *opts);

/** The built-in sample set (written by the libmedsafety authors). New. */
MSB_API int msb_dataset_load_sample(msb_dataset **out);

/** An empty dataset for hosts to fill with msb_dataset_add. New. */
MSB_API int msb_dataset_new(msb_dataset **out);

/**
 * Append an item (strings are copied). `id` NULL: "item/N"; ids must be
 * unique (MSB_EEXISTS otherwise). principle 0..9; source/split NULL:
 * "custom"/"test"; reference may be NULL. Not allowed on a dataset made
 * by msb_dataset_filter (MSB_ESTATE).
 */
MSB_API int msb_dataset_add(msb_dataset *ds, const char *id, int principle, const char *source,
    const char *split, const char *prompt, const char *reference);

/** Free a dataset. NULL is accepted. Filtered views keep their parent alive. */
MSB_API void msb_dataset_free(msb_dataset *ds);

MSB_API size_t msb_dataset_count(const msb_dataset *ds);

/** Item i (0-based), or NULL when out of range. Borrowed from ds. */
MSB_API const msb_item *msb_dataset_item(const msb_dataset *ds, size_t i);

/** The item with this id, or NULL. Borrowed from ds. */
MSB_API const msb_item *msb_dataset_find(const msb_dataset *ds, const char *id);

/* Item fields: borrowed, valid while the dataset lives. */
MSB_API const char *msb_item_id(const msb_item *item);
MSB_API int msb_item_principle(const msb_item *item);  /**< 1..9, 0 none */
MSB_API int msb_item_category(const msb_item *item);   /**< own taxonomy number, 0 none */
MSB_API const char *msb_item_source(const msb_item *item);
MSB_API const char *msb_item_split(const msb_item *item);
MSB_API const char *msb_item_prompt(const msb_item *item);
MSB_API const char *msb_item_reference(const msb_item *item); /**< NULL when none */

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_DATASET_H */
