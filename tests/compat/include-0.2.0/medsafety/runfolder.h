/*
 * medsafety/runfolder.h - a run folder as files: reading run.json (the
 * run's provenance) without parsing it by hand, and finishing a folder:
 * summary.json and the reports, computed once from results.jsonl.
 *
 * The runner (msb_eval_run) writes results.jsonl, answers.jsonl and
 * run.json only; msb_run_write_summary is the separate step that scores
 * the journal and writes summary.json, report.md and report.html
 * (docs/run-folder.md). msb_eval_run_simple calls it for you; after
 * msb_eval_run or msb_results_merge, call it yourself.
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
 * itself; the cost.json beside it is read too, for msb_run_info_cost:
 * one that cannot be read is as none). Also reads the run.json of 0.1.0.
 * New: free with msb_run_info_free. Errors: MSB_ENOTFOUND (no run.json), MSB_EIO,
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

/**
 * The member at a dotted path ("judge.config_hash", "config.mcq") as
 * compact JSON text with object keys sorted, so that two members are
 * equal JSON exactly when their texts are equal (strings compare as
 * "\"text\"", JSON null as "null"). New: free with msb_free. Errors:
 * MSB_ENOTFOUND (no such member), MSB_EINVAL, MSB_ENOMEM. (Added in 0.2.)
 */
MSB_API int msb_run_info_member_json(char **out, const msb_run_info *info, const char *path);

/**
 * Add (or replace) the top-level member `name` of dir's run.json with the
 * JSON value `json`, written back by the library's one run.json writer
 * (atomically; the members keep their order, a new one goes last). For a
 * program that records its own notes with a run, e.g. `medsafety
 * demonstrations`' counts under "demonstrations". The members the library
 * writes (status, config, dataset, model, judge, usage, ...) are not for
 * this: MSB_EINVAL for those. Errors: MSB_EINVAL (NULL, an empty or
 * library name, json not JSON), MSB_ENOTFOUND (no run.json), MSB_EPARSE,
 * MSB_EIO, MSB_ENOMEM. (Added in 0.2.)
 */
MSB_API int msb_run_info_set_member(const char *dir, const char *name, const char *json);
#define MSB_RUN_USAGE_VERSION 1
/**
 * The tokens of one stage of a run (run.json "usage", "batch"), filled by
 * msb_run_info_usage (docs/run-folder.md, "Tokens"). The totals are every
 * record's tokens the run folder paid for, online and batch: answers
 * reused from answers.jsonl on --resume count once (the record that uses
 * them), answers and verdicts from the response cache (--cache) not at all.
 */
typedef struct msb_run_usage {
	unsigned int version;         /**< set by the caller: MSB_RUN_USAGE_VERSION */
	int reported;                 /**< 1 when run.json has the stage's "usage" (a finished or stopped run) */
	long long records;            /**< records that reported a prompt or completion count */
	long long prompt_tokens;      /**< online + batch; -1 when no record reported tokens */
	long long completion_tokens;  /**< online + batch; -1 when no record reported tokens */
	long long reasoning_tokens;   /**< of completion_tokens; -1 when no record reported them */
	long long cached_tokens;      /**< of prompt_tokens, read from the provider's cache; -1 when not reported */
	long long cache_hits;         /**< answers (model) or verdicts (judge) from --cache, not counted */
	int batch;                    /**< 1 when the stage went through a batch API (run.json "batch") */
	long long batch_requests;     /**< requests submitted in batches */
	long long batch_prompt_tokens;     /**< of prompt_tokens: those of the answers batches gave */
	long long batch_completion_tokens; /**< of completion_tokens: the batches' */
	long long online_prompt_tokens;    /**< prompt_tokens - batch_prompt_tokens (at least 0; -1 as prompt_tokens) */
	long long online_completion_tokens;/**< completion_tokens - batch_completion_tokens (idem) */
	double batch_discount;        /**< the factor on the price of batch tokens (0.5: half price); 1 without batches */
} msb_run_usage;

/**
 * Fill *out with the usage of stage 0 (the model: MSB_STAGE_MODEL of
 * results.h) or 1 (the judge: MSB_STAGE_JUDGE). A run.json without
 * "usage" (running, or written before 0.2) gives reported 0 and -1
 * counts. 0, MSB_EINVAL or MSB_EVERSION.
 */
MSB_API int msb_run_info_usage(const msb_run_info *info, int stage, msb_run_usage *out);

#define MSB_RUN_COST_VERSION 1
/**
 * The cost of one stage from the run folder's cost.json, which `medsafety
 * run --price/--prices` writes next to run.json (docs/providers.md,
 * "Tokens and cost"); filled by msb_run_info_cost. US dollars.
 */
typedef struct msb_run_cost {
	unsigned int version;         /**< set by the caller: MSB_RUN_COST_VERSION */
	int present;                  /**< 1 when cost.json exists and is of the usage run.json shows */
	int priced;                   /**< 1 when the stage had a price (cost below); 0: no price or no tokens */
	const char *spec;             /**< the priced model or judge (borrowed); NULL when absent */
	double price_in, price_out;   /**< dollars per million prompt / completion tokens */
	double batch_discount;        /**< the factor applied to the batch tokens' price */
	double online_cost;           /**< online tokens x price */
	double batch_cost;            /**< batch tokens x price x batch_discount */
	double cost;                  /**< online_cost + batch_cost */
	int total_known;              /**< 1 when every stage with tokens had a price */
	double total;                 /**< the run's cost (both stages); with total_known 0, that of the priced stages */
} msb_run_cost;

/**
 * Fill *out with stage's cost (stage as for msb_run_info_usage). Without
 * cost.json, or with one whose tokens are not run.json's usage (written
 * by an earlier session of a resumed run), present is 0 and the rest 0.
 * 0, MSB_EINVAL or MSB_EVERSION.
 */
MSB_API int msb_run_info_cost(const msb_run_info *info, int stage, msb_run_cost *out);

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
