/* lib/results/results.h - the results reader's internals. */
#ifndef MSB_RESULTS_RESULTS_H
#define MSB_RESULTS_RESULTS_H

#include <stddef.h>

#include "medsafety/results.h"
#include "medsafety/runfolder.h"
#include "core/arena.h"
#include "core/strmap.h"

struct msb_record {
	const char *id, *source, *split, *prompt, *response;
	const char *judge_name, *judge_reason, *judge_raw;
	const char *error_stage, *error_kind, *error_message;
	const char *config_hash;
	int sample, principle, category, score, attempts;
	int kind;                  /* msb_kind: "kind" of the record, harmful when absent */
	double latency_ms;
	long long prompt_tokens, completion_tokens;
	/* issue #21 item 5: the rest of "usage" (-1 unknown) and whether the answer came from a cache */
	long long reasoning_tokens, cached_tokens;
	long long judge_prompt_tokens, judge_completion_tokens, judge_reasoning_tokens, judge_cached_tokens;
	int model_cached, judge_cached; /* "cached", "judge_cached": from the response cache */
	size_t line_off, line_len; /* where the line is in the file (merge copies it verbatim) */
};

/* Record fields for the library's own use; callers outside lib/ use msb_record_info_get. */
const char *msb__record_id(const msb_record *rec);
int msb__record_sample(const msb_record *rec);
int msb__record_score(const msb_record *rec);
const char *msb__record_error_stage(const msb_record *rec);

struct msb_results {
	msb_arena arena;
	struct msb_record *recs;
	size_t n, cap;
	msb_strmap index; /* "id\x1fsample" -> record index */
	size_t skipped, errors;
	const char *config_hash;
	unsigned int flags;
	char *path; /* the results.jsonl read */
	/* the last distinct values of repetitive fields: records share one copy */
	const char *last[5];
	/* line numbers: the current line, and the first skipped ones (corrupt-line warnings) */
	size_t line_no;
	size_t skipped_at[MSB_RESULTS_SKIPPED_KEPT];
};

/* Add "partial": text to DIR/summary.json (a partial merge), atomically (finish.c). */
int msb__summary_mark_partial(const char *dir, const char *text);
/* path/results.jsonl when path is a folder, else path. New: msb__free. */
char *msb__results_path(const char *path);

/*
 * The one rule of msb_results_usage (usage.c): add one record's tokens of
 * stage to u (a model answer from a cache counts as a cache hit only).
 * msb__usage_add_record adds both stages of a run-folder record; the runner
 * keeps its folder's totals with it instead of reading the journal back.
 */
void msb__usage_add(msb_usage_totals *u, int stage, int from_cache, long long p, long long c,
    long long reason, long long cached);
struct msb__rf_record;
void msb__usage_add_record(msb_usage_totals use[2], const struct msb__rf_record *r);
/* Add the totals b to a, stage by stage (the runner's journal thread adds its batch's). */
void msb__usage_merge(msb_usage_totals a[2], const msb_usage_totals b[2]);

/*
 * Finish the folder dir (msb_run_write_summary) with its records from tally
 * (the runner's, lib/results/tally.h) instead of reading results.jsonl;
 * tally NULL reads the journal (finish.c).
 */
struct msb__tally;
int msb__run_write_summary_from(msb_summary **out, const char *dir,
    const msb_run_summary_options *opts, const struct msb__tally *tally);

#endif
