/*
 * medsafety/runfolder.h - a run folder as files: reading run.json (the
 * run's provenance) without parsing it by hand, and finishing a folder:
 * summary.json and the reports, computed once from results.jsonl.
 *
 * The runner (msb_eval_run) writes results.jsonl, answers.jsonl and
 * run.json only; msb_run_write_summary is the separate step that scores
 * the journal and writes summary.json, report.md and report.html
 * (docs/run-folder.md). msb_eval_run_simple and msb_results_merge call it
 * for you.
 *
 * Thread safety: a run info handle is immutable once opened.
 */
#ifndef MEDSAFETY_RUNFOLDER_H
#define MEDSAFETY_RUNFOLDER_H

#include <stddef.h>

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct msb_run_info msb_run_info;

/**
 * Read a run folder's run.json (dir a folder, or the run.json file
 * itself). Also reads the run.json of 0.1.0. New: free with
 * msb_run_info_free. Errors: MSB_ENOTFOUND (no run.json), MSB_EIO,
 * MSB_EPARSE (not a JSON object; the message names the file and line),
 * MSB_ENOMEM.
 */
MSB_API int msb_run_info_open(msb_run_info **out, const char *dir);
MSB_API void msb_run_info_free(msb_run_info *info);

#define MSB_RUN_FIELDS_VERSION 1
/**
 * The fields of run.json that programs look at, filled by
 * msb_run_info_fields. Strings are borrowed from the info handle; NULL
 * when run.json does not have them. New fields are appended with a new
 * version.
 */
typedef struct msb_run_fields {
	unsigned int version;         /**< set by the caller: MSB_RUN_FIELDS_VERSION */
	const char *status;           /**< running, finished, cancelled, budget, failed, merged */
	const char *config_hash;
	const char *library_version;  /**< "version": the libmedsafety that wrote it */
	const char *start_time;       /**< the run's first session (UTC, ISO 8601) */
	const char *session_start_time; /**< this session's start (NULL in 0.1.0) */
	const char *end_time;         /**< NULL while running */
	const char *dataset_hash;
	const char *selection_hash;   /**< the selection a shard was cut from */
	long long items;              /**< dataset.items; -1 when absent */
	long long units;              /**< dataset.units (items x epochs); -1 when absent */
	long long selection_items;    /**< -1 when absent */
	unsigned int shard_index;     /**< 0 of 1 when not sharded (0.1.0: config.dataset.shard "I/N") */
	unsigned int shard_count;
	int epochs;                   /**< model.epochs, at least 1 */
	const char *model_identity;
	const char *judge_name;
	const char *partial;          /**< a partial merge's line ("partial: 3 of 4 shards, ..."), else NULL */
	long long resumed;            /**< session.resumed: units an earlier session finished; 0 when absent */
	int shard_recorded;           /**< 1 when run.json records the shard (a merged run.json does not) */
} msb_run_fields;

/**
 * Fill *out (out->version must be set; fields of a newer version than the
 * caller's are not written). 0, MSB_EINVAL or MSB_EVERSION.
 */
MSB_API int msb_run_info_fields(msb_run_fields *out, const msb_run_info *info);

/**
 * A string member by its dotted path ("model.identity",
 * "config.dataset.source"); NULL when absent or not a string. Borrowed
 * from info.
 */
MSB_API const char *msb_run_info_string(const msb_run_info *info, const char *path);

/**
 * The whole run.json as JSON text (members in file order). New: free with
 * msb_free. Errors: MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_run_info_json(char **out, const msb_run_info *info);

#define MSB_RUN_SUMMARY_OPTIONS_VERSION 1
/** How msb_run_write_summary writes; zeroed (or NULL): the defaults. */
typedef struct msb_run_summary_options {
	unsigned int version;         /**< MSB_RUN_SUMMARY_OPTIONS_VERSION */
	/**
	 * The reports' subtitle. NULL: from run.json: "model M, judge J"
	 * (URLs without user information and query strings), for a merged
	 * folder its "partial" line when it has one, else none.
	 */
	const char *subtitle;
	int csv;                      /**< also write report.csv */
	const msb_scorer_options *scorer; /**< NULL: the scorer's defaults */
} msb_run_summary_options;

#define MSB_RUN_SUMMARY_OPTIONS_INIT { .version = MSB_RUN_SUMMARY_OPTIONS_VERSION }
MSB_API int msb_run_summary_options_init(msb_run_summary_options *opts, unsigned int version);

/**
 * Finish a run folder: read results.jsonl once (without texts), score it,
 * and write summary.json, report.md and report.html (report.html's
 * figures/ and report.tex too; report.csv with opts->csv) atomically into
 * the folder. When run.json says the folder is a partial merge,
 * summary.json gets its "partial" line. Call it after msb_eval_run
 * (whatever it returned, once results.jsonl exists) and again whenever
 * you want the summary of the journal as it is. Errors: those of
 * msb_results_open (MSB_ENOTFOUND without results.jsonl), the scorer and
 * the report writers, msb_summary_new.
 *
 * out may be NULL; else it receives the summary (stats.h: groups by
 * index) of the same scoring, for a caller that shows a table too without
 * reading the journal again: free it with msb_summary_free. NULL on error.
 */
MSB_API int msb_run_write_summary(msb_summary **out, const char *dir,
    const msb_run_summary_options *opts);

struct msb_eval;
/**
 * msb_run_write_summary for the folder of a runner handle after its
 * msb_eval_run returned (whatever it returned), without reading
 * results.jsonl back: the runner kept each record's scorer input (id,
 * sample, principle, category, source, split, kind, score, error) as it
 * journaled it and as it read the records a resume kept. The files are
 * byte for byte those msb_run_write_summary writes for the same folder
 * with the same opts (opts->scorer applies here, at summary time), the
 * reports' own "Report written" time aside. When
 * the handle's records are not what the journal holds (a dry run, a
 * journal that could not be written, out of memory while keeping them),
 * it reads the journal as msb_run_write_summary does. The handle keeps
 * about 100 bytes per record (with a short id) until msb_eval_free.
 *
 * Call it from the thread that called msb_eval_run, after it returned.
 * Errors: MSB_EINVAL (NULL ev), MSB_ESTATE (the handle has not run, or
 * has no folder), and those of msb_run_write_summary.
 */
MSB_API int msb_eval_write_summary(msb_summary **out, struct msb_eval *ev,
    const msb_run_summary_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_RUNFOLDER_H */
