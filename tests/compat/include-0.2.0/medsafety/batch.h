/*
 * medsafety/batch.h - the model stage (and the judge stage) of a run
 * through a provider's batch API, at half the price: OpenAI's Batch API
 * (upload a JSONL file, create the batch, poll, download the output and
 * error files). See docs/batch.md.
 *
 * A batch stage fills what the ordinary runner already reads: model
 * answers go into the run folder's answers journal (answers.jsonl) and
 * judge verdicts into the run folder's verdict store (batch/verdicts),
 * exactly as the runner would have stored them. Then msb_eval_run with
 * resume set judges the stored answers without asking the model again,
 * takes the stored verdicts, and sends what the batches did not answer
 * (failed or expired requests) online. Every batch id is journaled in
 * batch/batches.jsonl (fsync'd) before it is polled, so a killed process
 * picks up the same batches on resume and never submits a request twice.
 *
 * Thread safety: msb_batch_run blocks the calling thread; one call per
 * run folder at a time (it holds the folder's lock while it runs).
 */
#ifndef MEDSAFETY_BATCH_H
#define MEDSAFETY_BATCH_H

#include <stddef.h>

#include "common.h"
#include "dataset.h"
#include "backend.h"
#include "judge.h"
#include "eval.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSB_BATCH_PROGRESS_VERSION 1
/** One batch's state, handed to the progress callback after each poll. */
typedef struct msb_batch_progress {
	unsigned int version;   /**< MSB_BATCH_PROGRESS_VERSION */
	const char *stage;      /**< "model" or "judge" (static) */
	const char *batch_id;   /**< the provider's batch id (borrowed: valid during the call) */
	const char *status;     /**< validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled (borrowed) */
	size_t requests;        /**< requests in this batch */
	size_t completed;       /**< requests the provider reports completed */
	size_t failed;          /**< requests the provider reports failed */
	size_t batches;         /**< batches of this stage still open */
} msb_batch_progress;

/** Progress callback, on the msb_batch_run thread. Return non-zero to stop (the batches stay journaled). */
typedef int (*msb_batch_progress_fn)(const msb_batch_progress *p, void *userdata);

#define MSB_BATCH_OPTIONS_VERSION 1
typedef struct msb_batch_options {
	unsigned int version;       /**< MSB_BATCH_OPTIONS_VERSION */
	int model;                  /**< 1: the model stage through the batch API */
	int judge;                  /**< 1: the judge stage through the batch API (an LLM judge over an OpenAI-compatible backend) */
	int poll_interval_ms;       /**< the longest wait between two polls of a batch; default 30000 (polls start at 1 s and back off) */
	int retry;                  /**< failed or expired requests go into a new batch this many times before the online runner gets them; default 0 */
	size_t max_lines;           /**< requests per batch (the file is split beyond); default 50000 (OpenAI's limit) */
	size_t max_bytes;           /**< bytes per batch input file; default 200000000 (OpenAI's 200 MB) */
	msb_batch_progress_fn progress;
	void *progress_userdata;
} msb_batch_options;

/* zeroed (only the version set): every default; msb_batch_options_init writes them out */
#define MSB_BATCH_OPTIONS_INIT { .version = MSB_BATCH_OPTIONS_VERSION }
MSB_API int msb_batch_options_init(msb_batch_options *opts, unsigned int version);

#define MSB_BATCH_STATS_VERSION 1
/** What msb_batch_run did, this call. */
typedef struct msb_batch_stats {
	unsigned int version;       /**< set by the caller: MSB_BATCH_STATS_VERSION */
	size_t batches_created;     /**< batches submitted by this call */
	size_t batches_resumed;     /**< journaled batches of an earlier session picked up */
	size_t submitted;           /**< requests submitted by this call */
	size_t succeeded;           /**< answers (or verdicts) stored from batch output */
	size_t failed;              /**< requests that failed or expired in a batch (left to the online runner or a new batch) */
} msb_batch_stats;

/**
 * Run the batch stages of a run in eopts->out_dir (the same dataset,
 * backend, judge and runner options as the msb_eval_run that follows).
 * eopts->resume and force mean what they mean to the runner: without
 * either, a folder holding a run is MSB_EEXISTS. Afterwards, run the
 * runner with resume set (and force cleared). Nothing is done (0) when
 * neither bopts->model nor bopts->judge is set, or for a dry run.
 * The model backend (and the judge's backend) must be the OpenAI-
 * compatible one (msb_backend_openai_new): MSB_EINVAL otherwise.
 * Errors: MSB_EINVAL, MSB_EVERSION, MSB_EEXISTS, MSB_EMISMATCH,
 * MSB_ESTATE (another process in the folder), MSB_EHTTP (the batch API
 * failed; journaled batches are kept), MSB_EIO, MSB_ENOMEM,
 * MSB_ECANCELED (the progress callback stopped it). stats may be NULL.
 */
MSB_API int msb_batch_run(msb_batch_stats *stats, const msb_dataset *ds, msb_backend *backend,
    msb_judge *judge, const msb_eval_options *eopts, const msb_batch_options *bopts);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_BATCH_H */
