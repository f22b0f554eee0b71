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
/**
 * "auto", "medsafetybench", "csv", "text", "json", "jsonl", "hexphi",
 * "openai-chat", "alpaca"; NULL for an unknown value. Static.
 */
MSB_API const char *msb_format_name(int format);
/** The format named (ASCII case ignored), or MSB_EINVAL (error set). */
MSB_API int msb_format_from_name(const char *name);

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

#define MSB_DATASET_OPTIONS_INIT { .version = MSB_DATASET_OPTIONS_VERSION }
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

#define MSB_ITEM_SPEC_VERSION 1
/** msb_item_spec.category: the item has no category (stored as 0). */
#define MSB_CATEGORY_NONE (-1)
/**
 * One item to append with msb_dataset_add. Zeroed with its version set,
 * every field but `prompt` takes its default. Strings are copied.
 */
typedef struct msb_item_spec {
	unsigned int version;  /**< MSB_ITEM_SPEC_VERSION */
	const char *id;        /**< NULL: "item/N" (N = the count after adding); unique, not "" */
	const char *prompt;    /**< required */
	int principle;         /**< AMA principle 1..9, 0 none */
	/**
	 * Own taxonomy number 1..1000 (msb_item_category). 0 = the default:
	 * the principle; MSB_CATEGORY_NONE: none. A category that differs from
	 * the principle, or any category of source "hexphi", gets its own
	 * group in summary.json's "by_category".
	 */
	int category;
	int kind;              /**< msb_kind: 0 = MSB_KIND_HARMFUL */
	const char *source;    /**< NULL: "custom" */
	const char *split;     /**< NULL: "test" */
	const char *reference; /**< a reference answer, NULL: none */
	const char *rationale; /**< benign items: a one-line rationale, NULL: none */
} msb_item_spec;
#define MSB_ITEM_SPEC_INIT { .version = MSB_ITEM_SPEC_VERSION }
/** Zero *spec and set its version (for bindings: ctypes cannot use macros). */
MSB_API int msb_item_spec_init(msb_item_spec *spec, unsigned int version);

/**
 * Append an item to a dataset made by msb_dataset_new or a loader. The
 * one way to add an item since 0.2 (replaces msb_dataset_add's
 * positional form, msb_dataset_add_v2 and _v3). Errors: MSB_EINVAL (NULL
 * dataset, spec or prompt, principle or category out of range, unknown
 * kind, empty id), MSB_EVERSION (unknown spec->version), MSB_EEXISTS
 * (duplicate id), MSB_ESTATE (a view made by msb_dataset_filter),
 * MSB_ENOMEM. On error nothing is added.
 */
MSB_API int msb_dataset_add(msb_dataset *ds, const msb_item_spec *item);

/** Free a dataset. NULL is accepted. Filtered views keep their parent alive. */
MSB_API void msb_dataset_free(msb_dataset *ds);

MSB_API size_t msb_dataset_count(const msb_dataset *ds);

/** Item i (0-based), or NULL when out of range. Borrowed from ds. */
MSB_API const msb_item *msb_dataset_item(const msb_dataset *ds, size_t i);

/** The item with this id, or NULL. Borrowed from ds. */
MSB_API const msb_item *msb_dataset_find(const msb_dataset *ds, const char *id);

/* Reading an item: msb_item_info_get (at the end of this header). */

/* ---- cleaning report ---------------------------------------------------- */

/** What msb_dataset_clean_count reports (MSB_CLEAN_* at load time). */
typedef enum msb_clean_counter {
	MSB_CLEANED_TOKENS = 1,    /**< prompts that lost trailing special tokens (<|eot_id|>) */
	MSB_CLEANED_QUOTES = 2,    /**< prompts that lost a stray unmatched final quote */
	MSB_CLEANED_DUPLICATES = 3 /**< items dropped as exact duplicates (same source, split, prompt) */
} msb_clean_counter;
/** "tokens", "quotes", "duplicates"; NULL for another value (docs/conventions.md). */
MSB_API const char *msb_clean_counter_name(int counter);
/** The msb_clean_counter of a name (ASCII case ignored), or MSB_EINVAL. */
MSB_API int msb_clean_counter_from_name(const char *name);

/**
 * How many items the load-time cleaning changed (an msb_clean_counter).
 * 0 when the dataset was loaded without cleaning. A filtered view
 * reports the counts of the dataset it was filtered from.
 */
MSB_API size_t msb_dataset_clean_count(const msb_dataset *ds, int what);

/* ---- filters -------------------------------------------------------------- */

#define MSB_DATASET_FILTER_OPTIONS_VERSION 1
/**
 * Which items a filtered view keeps. Steps apply in this order: split,
 * source and principles; then sampling; then limit; then the shard. So
 * the N shards of a sampled or limited set are disjoint and cover it.
 */
typedef struct msb_dataset_filter_options {
	unsigned int version;    /**< MSB_DATASET_FILTER_OPTIONS_VERSION */
	const char *split;       /**< comma-separated split names ("test,train"); NULL: all */
	const char *source;      /**< comma-separated source names ("gpt4,llama2"); NULL: all */
	unsigned int principles; /**< bit p (1u << p) keeps principle p (0..9); 0: all */
	size_t limit;            /**< keep the first `limit` items; 0: no limit */
	size_t sample;           /**< keep a random `sample` items, stratified by principle; 0: all */
	unsigned long long seed; /**< the sampling seed: the same seed gives the same sample */
	unsigned int shard_index; /**< 0-based shard to keep, < shard_count */
	unsigned int shard_count; /**< number of shards (by a hash of the id); 0 or 1: no sharding */
} msb_dataset_filter_options;

#define MSB_DATASET_FILTER_OPTIONS_INIT { .version = MSB_DATASET_FILTER_OPTIONS_VERSION }
MSB_API int msb_dataset_filter_options_init(msb_dataset_filter_options *opts, unsigned int version);

/**
 * A view of `src` with the items `opts` keeps, in src's order, with the
 * same ids. NULL opts keeps everything. The view holds a reference to
 * the dataset that owns the items, so either may be freed first.
 * On success *out is new: free with msb_dataset_free. Errors:
 * MSB_EINVAL (shard_index >= shard_count, NULL arguments), MSB_EVERSION,
 * MSB_ENOMEM.
 */
MSB_API int msb_dataset_filter(msb_dataset **out, const msb_dataset *src,
    const msb_dataset_filter_options *opts);

/**
 * The shard (0..shard_count-1) an id belongs to: a stable hash of the id
 * (FNV-1a 64), the same on every machine and in every release.
 */
MSB_API unsigned int msb_dataset_shard_of(const char *id, unsigned int shard_count);

/**
 * A content hash for provenance: SHA-256 over every item's id and prompt
 * in order, as 64 lowercase hex digits. New: free with msb_free.
 * Errors: MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_dataset_hash(char **out, const msb_dataset *ds);

/* ---- export --------------------------------------------------------------- */

#define MSB_DATASET_EXPORT_OPTIONS_VERSION 1
typedef struct msb_dataset_export_options {
	unsigned int version;      /**< MSB_DATASET_EXPORT_OPTIONS_VERSION */
	int format;                /**< MSB_FORMAT_JSONL (default; MSB_FORMAT_AUTO = 0 means it too), _CSV, _OPENAI_CHAT, _ALPACA */
	const char *system_prompt; /**< OpenAI chat: an optional system message first */
} msb_dataset_export_options;

#define MSB_DATASET_EXPORT_OPTIONS_INIT { .version = MSB_DATASET_EXPORT_OPTIONS_VERSION, \
	.format = MSB_FORMAT_JSONL } /* 0 (MSB_FORMAT_AUTO) means JSONL too */
MSB_API int msb_dataset_export_options_init(msb_dataset_export_options *opts, unsigned int version);

/**
 * Write the dataset to `path` (atomically: a temporary file renamed into
 * place). JSONL: one object per item with id, principle, category,
 * source, split, prompt, reference. CSV: the same columns with a header
 * (RFC 4180). OpenAI chat: {"messages": [user prompt, assistant
 * reference]} per line. Alpaca: a JSON array of {instruction, input,
 * output}. The two fine-tuning formats need a reference response on
 * every item (MSB_EINVAL names the first item without one).
 * Errors: MSB_EINVAL, MSB_EIO, MSB_ENOMEM.
 */
MSB_API int msb_dataset_export(const msb_dataset *ds, const char *path,
    const msb_dataset_export_options *opts);

/** The same as msb_dataset_export, into a string. New: free with msb_free. */
MSB_API int msb_dataset_export_string(char **out, const msb_dataset *ds,
    const msb_dataset_export_options *opts);

/* ---- fetch ---------------------------------------------------------------- */

/** The upstream repository's raw files at the commit the manifest describes. */
#define MSB_DATASET_FETCH_DEFAULT_BASE_URL \
	"https://raw.githubusercontent.com/AI4LIFE-GROUP/med-safety-bench/191aa7954b82458079425292730d6cb28a89565d"

#define MSB_DATASET_FETCH_OPTIONS_VERSION 1
typedef struct msb_dataset_fetch_options {
	unsigned int version;  /**< MSB_DATASET_FETCH_OPTIONS_VERSION */
	const char *base_url;  /**< NULL: MSB_DATASET_FETCH_DEFAULT_BASE_URL; files are <base>/datasets/... */
	const char *dir;       /**< NULL: $XDG_CACHE_HOME/medsafety/medsafetybench (~/.cache/...) */
	long timeout_ms;       /**< per file; 0: 300000 */
	/** Called after each file (may be NULL): its path, bytes, and 1 when it was already there. */
	void (*progress)(const char *path, unsigned long long bytes, int cached, void *userdata);
	void *userdata;
} msb_dataset_fetch_options;

#define MSB_DATASET_FETCH_OPTIONS_INIT { .version = MSB_DATASET_FETCH_OPTIONS_VERSION }
MSB_API int msb_dataset_fetch_options_init(msb_dataset_fetch_options *opts, unsigned int version);

/**
 * Download every MedSafetyBench file listed in the manifest compiled into
 * the library into `dir`/datasets/..., verifying each one's size and
 * SHA-256. Files already present with the right checksum are kept; a
 * partial download (`.part`) is resumed with an HTTP range request;
 * nothing is renamed into place before its checksum matched, so a file
 * never exists half-written. On success, when out_dir is not NULL,
 * *out_dir is the path of the `datasets` folder (new: free with
 * msb_free), ready for msb_dataset_load. Errors: MSB_EHTTP,
 * MSB_ECHECKSUM (the file is deleted), MSB_EIO, MSB_EINVAL, MSB_ENOMEM.
 * Needs msb_init() (libcurl).
 */
MSB_API int msb_dataset_fetch(char **out_dir, const msb_dataset_fetch_options *opts);

/** Number of files in the compiled-in manifest. */
MSB_API size_t msb_dataset_manifest_count(void);

/**
 * Manifest entry i: its path under the repository root (e.g.
 * "datasets/test/gpt4/med_safety_demonstrations_category_1.csv"), size
 * and SHA-256 (hex). Borrowed static strings; MSB_EINVAL when i is out
 * of range. Any out-pointer may be NULL.
 */
MSB_API int msb_dataset_manifest_entry(const char **path, unsigned long long *size,
    const char **sha256, size_t i);

/* ---- item kinds: harmful requests and benign ones (over-refusal) ---------- */

/**
 * What an item is for. Harmful items measure harmful compliance (the
 * benchmark); benign items are legitimate requests that may look risky,
 * and measure over-refusal (docs/datasets.md, "Benign items"). The
 * numbers are ABI.
 */
typedef enum msb_kind {
	MSB_KIND_HARMFUL = 0, /**< the default of every loader */
	MSB_KIND_BENIGN = 1
} msb_kind;

/** "harmful" or "benign"; NULL for another number. Static. */
MSB_API const char *msb_kind_name(int kind);
/** The msb_kind named `name` ("harmful", "benign"; case-insensitive), or MSB_EINVAL. */
MSB_API int msb_kind_from_name(const char *name);

/**
 * Set the kind of every item of a loaded dataset (not a filtered view:
 * MSB_ESTATE), e.g. to load a user's benign set (`--kind benign`).
 * Errors: MSB_EINVAL (NULL, unknown kind), MSB_ESTATE.
 */
MSB_API int msb_dataset_set_kind(msb_dataset *ds, int kind);

/**
 * Append the built-in benign set (ids "benign/<principle>/<n>", source
 * "benign", kind MSB_KIND_BENIGN) to a loaded dataset, e.g. a harmful
 * run's (`--with-benign`). The same set loads alone as the path
 * "benign". Errors: MSB_EINVAL, MSB_ESTATE (a view), MSB_EEXISTS (an id
 * of the set is taken: nothing is added), MSB_ENOMEM.
 */
MSB_API int msb_dataset_add_benign(msb_dataset *ds);

/** The built-in benign set alone. New: free with msb_dataset_free. */
MSB_API int msb_dataset_load_benign(msb_dataset **out);

/* ---- An item as one struct (added in 0.2) ------------------------------ */

#define MSB_ITEM_INFO_VERSION 1
/**
 * Every field of an item in one call (0.2 replaced the per-field getters
 * msb_item_id .. msb_item_contrast with it). Strings are borrowed from the
 * dataset (valid as long as it lives), NULL when absent.
 */
typedef struct msb_item_info {
	unsigned int version;    /**< set by the caller: MSB_ITEM_INFO_VERSION */
	const char *id;
	int kind;                /**< msb_kind: MSB_KIND_HARMFUL or MSB_KIND_BENIGN */
	int principle;           /**< 1..9, 0 none */
	int category;            /**< own taxonomy number, 0 none */
	const char *source, *split, *prompt;
	const char *reference;   /**< the reference safe response, NULL when none */
	const char *rationale;   /**< benign items: why the request is legitimate (one line), or NULL */
	const char *contrast;    /**< the id of a harmful "contrast" twin in the built-in sample, or NULL */
} msb_item_info;

#define MSB_ITEM_INFO_INIT { .version = MSB_ITEM_INFO_VERSION }

/** The item's fields. MSB_EINVAL (NULL), MSB_EVERSION. */
MSB_API int msb_item_info_get(msb_item_info *out, const msb_item *item);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_DATASET_H */
