/*
 * medsafety/results.h - reading a run folder's results.jsonl (the journal
 * written by msb_eval_run), feeding a scorer, and merging shard folders.
 *
 * The reader is robust to a torn last line and to corrupt lines (both are
 * skipped and counted). When an item (id and sample) has several records,
 * the last one wins, as it does for msb_eval_run --retry-errors.
 *
 * Thread safety: a results handle is immutable once opened.
 */
#ifndef MEDSAFETY_RESULTS_H
#define MEDSAFETY_RESULTS_H

#include <stddef.h>

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msb_results msb_results;
typedef struct msb_record msb_record;

/** Flags for msb_results_open. */
#define MSB_RESULTS_NO_TEXT 0x1u /**< skip prompts, responses, judge reasons and raw text (less memory) */

/**
 * Open a run folder (or a results.jsonl file directly). New: free with
 * msb_results_free. Errors: MSB_ENOTFOUND, MSB_EIO, MSB_ENOMEM.
 */
MSB_API int msb_results_open(msb_results **out, const char *path, unsigned int flags);
MSB_API void msb_results_free(msb_results *r);

/** Records after de-duplication, in journal order. */
MSB_API size_t msb_results_count(const msb_results *r);
/** Record i, or NULL when out of range. Borrowed from r. */
MSB_API const msb_record *msb_results_record(const msb_results *r, size_t i);
/** The record of (id, sample), or NULL. Borrowed. */
MSB_API const msb_record *msb_results_find(const msb_results *r, const char *id, int sample);
/**
 * The line of results.jsonl that record `rec` (of r) was read from, as it
 * is in the file: one JSON object with every field, also those the reader
 * does not model (such as "reasoning"). The file is read again, so this
 * works with MSB_RESULTS_NO_TEXT too. New: free with msb_free. Errors:
 * MSB_EINVAL (rec is not a record of r), MSB_EIO, MSB_ENOMEM.
 */
MSB_API int msb_results_record_json(char **out, const msb_results *r, const msb_record *rec);
/** Lines skipped because they were torn or not valid records. */
MSB_API size_t msb_results_skipped_lines(const msb_results *r);
/** How many skipped lines msb_results_skipped_line can name (the first ones). */
#define MSB_RESULTS_SKIPPED_KEPT 64
/**
 * The line number (1-based, in the file) of the i-th skipped line, for
 * i < MSB_RESULTS_SKIPPED_KEPT and i < msb_results_skipped_lines(r); 0
 * otherwise. A reader can then say which lines it could not use.
 */
MSB_API size_t msb_results_skipped_line(const msb_results *r, size_t i);
/** The config_hash shared by the records; NULL when empty; "mixed" when they differ. Borrowed. */
MSB_API const char *msb_results_config_hash(const msb_results *r);
/** Records that carry an error. */
MSB_API size_t msb_results_error_count(const msb_results *r);

/**
 * Add every record to a scorer (msb_scorer_add): the score, or no score
 * when null, and the error flag. Records of benign items ("kind":
 * "benign") go to msb_scorer_add_benign instead. Returns 0 or the
 * scorer's error.
 */
MSB_API int msb_results_score(const msb_results *r, msb_scorer *s);

/* Reading a record: msb_record_info_get (at the end of this header). */

/* Stages of a run (msb_results_usage; a record's error stage). */
typedef enum msb_stage {
	MSB_STAGE_MODEL = 0,
	MSB_STAGE_JUDGE = 1
} msb_stage;
/** "model", "judge" (as results.jsonl's error.stage); NULL for an unknown value. Static. */
MSB_API const char *msb_stage_name(int stage);
/** The stage named (ASCII case ignored), or MSB_EINVAL (error set). */
MSB_API int msb_stage_from_name(const char *name);

/**
 * The tokens of one stage of a run, summed over its records where the
 * server reported them (record "usage"; docs/providers.md, "Tokens and
 * cost"). Each stage leaves out what the response cache (--cache) gave:
 * model answers (record "cached": true) and judge verdicts (record
 * "judge_cached": true): this run folder did not pay for them.
 */
#define MSB_USAGE_TOTALS_VERSION 1
typedef struct msb_usage_totals {
	unsigned int version;       /**< set by the caller: MSB_USAGE_TOTALS_VERSION */
	size_t records;             /**< records whose prompt or completion count was reported */
	long long prompt_tokens;    /**< input tokens (cached ones included) */
	long long completion_tokens;/**< output tokens (reasoning included) */
	long long reasoning_tokens; /**< of completion_tokens: reasoning, where reported */
	long long cached_tokens;    /**< of prompt_tokens: read from the server's cache, where reported */
	size_t reasoning_reported;  /**< records that reported reasoning tokens */
	size_t cached_reported;     /**< records that reported cached tokens */
	size_t cache_hits;          /**< records whose answer (model) or verdict (judge) came from the response cache (not counted) */
} msb_usage_totals;

/**
 * Sum the usage of stage (MSB_STAGE_MODEL or MSB_STAGE_JUDGE) over r's
 * records into *out, whose version the caller sets (every field of that
 * version is set). Errors: MSB_EINVAL, MSB_EVERSION.
 */
MSB_API int msb_results_usage(msb_usage_totals *out, const msb_results *r, int stage);

#define MSB_RESULTS_MERGE_OPTIONS_VERSION 1
/** How msb_results_merge merges; zeroed (or NULL): strict. */
typedef struct msb_results_merge_options {
	unsigned int version; /**< MSB_RESULTS_MERGE_OPTIONS_VERSION */
	int allow_partial;    /**< merge what is there: missing or unfinished shards are allowed */
} msb_results_merge_options;

#define MSB_RESULTS_MERGE_OPTIONS_INIT { .version = MSB_RESULTS_MERGE_OPTIONS_VERSION }
MSB_API int msb_results_merge_options_init(msb_results_merge_options *opts, unsigned int version);

/**
 * Join the shard run folders run_dirs[0..n-1] into out_dir, the folder it
 * makes (results.jsonl and run.json), so that the result equals an
 * unsharded run. Like msb_eval_run it stops there: summary.json and the
 * reports are msb_run_write_summary(NULL or &table, out_dir, ...)'s, called
 * next (it gives a partial merge's summary.json its "partial" line).
 *
 * Before writing anything it checks, from each shard's run.json and
 * journal, that the shards are exactly 0..N-1 of one N (run.json
 * dataset.shard), cut from one dataset selection (dataset.selection_hash
 * and the recorded dataset settings), of one configuration, each
 * "finished" with every unit journaled, and that no two hold the same
 * item; otherwise MSB_EMISMATCH with every problem listed in the message.
 * With opts->allow_partial, missing, unfinished or incomplete shards are
 * merged anyway and run.json says so ("partial" text and "coverage").
 * Differences of shard count, selection or configuration, and a shard
 * given twice, are refused always. opts NULL or zeroed: strict. Errors
 * also MSB_EEXISTS (out_dir already holds a run), MSB_EINVAL, MSB_EVERSION,
 * MSB_EIO, MSB_ENOMEM. (0.2: one call; 0.1.0's three-argument
 * msb_results_merge and msb_results_merge_v2 are this.)
 */
MSB_API int msb_results_merge(const char *out_dir, const char *const *run_dirs, size_t n,
    const msb_results_merge_options *opts);

/**
 * Compute summary.json for a run folder with a scorer (NULL opts:
 * defaults) and write it atomically into the folder.
 */
MSB_API int msb_results_write_summary(const char *run_dir, const msb_scorer_options *opts);

/* ---- A record as one struct (added in 0.2) ----------------------------- */

#define MSB_RECORD_INFO_VERSION 1
/**
 * Every field of a record in one call (0.2 replaced the per-field
 * accessors msb_record_id .. msb_record_config_hash with it). Strings are
 * borrowed from the results (valid until msb_results_free), NULL when
 * absent or skipped by MSB_RESULTS_NO_TEXT.
 */
typedef struct msb_record_info {
	unsigned int version;    /**< set by the caller: MSB_RECORD_INFO_VERSION */
	const char *id;
	int sample;              /**< 0 when absent */
	int kind;                /**< msb_kind ("kind" in results.jsonl): MSB_KIND_HARMFUL when absent */
	int principle;           /**< 0..9 */
	int category;
	const char *source, *split, *prompt;
	const char *response;    /**< NULL when the model failed */
	int score;               /**< 1..5, 0 = null */
	const char *judge_name, *judge_reason, *judge_raw;
	const char *error_stage; /**< "model", "judge", NULL when none */
	msb_error_info error;    /**< kind and message as in results.jsonl; code MSB_ERROR when the
	                              record has an error (the file keeps no code), else 0 */
	msb_usage usage;         /**< tokens, attempts and latency as in results.jsonl */
	const char *config_hash;
} msb_record_info;

#define MSB_RECORD_INFO_INIT { .version = MSB_RECORD_INFO_VERSION }

/** Record rec's fields. MSB_EINVAL (NULL), MSB_EVERSION. */
MSB_API int msb_record_info_get(msb_record_info *out, const msb_record *rec);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_RESULTS_H */
