/*
 * lib/results/tally.h - the scorer's input of a run folder, kept in memory
 * by the runner as it journals (and as it scans a resumed journal), so
 * that msb_eval_write_summary finishes the folder without reading
 * results.jsonl back. One compact entry per (id, sample), the last record
 * winning, the same rules as the results reader (results.c): a record the
 * reader would skip is not kept, ids, sources and splits as the file holds
 * them (bytes that are not UTF-8 read back as U+FFFD).
 */
#ifndef MSB_RESULTS_TALLY_H
#define MSB_RESULTS_TALLY_H

#include <stddef.h>

#include "medsafety/stats.h"
#include "core/arena.h"
#include "core/strmap.h"

struct msb__rf_record;

typedef struct msb__tally_rec {
	const char *id, *source, *split; /* arena copies; source/split shared */
	int sample, principle, category;
	signed char score;                /* 0..5 */
	unsigned char error, benign;
} msb__tally_rec;

typedef struct msb__tally {
	msb_arena arena;
	msb__tally_rec *recs;
	size_t n, cap;
	msb_strmap index;                 /* "id\x1fsample" -> recs index (the reader's key) */
	msb_strmap strs;                  /* source/split text -> strtab index */
	const char **strtab;
	size_t n_strs, cap_strs;
	int failed;                       /* out of memory once: the tally is not the file's */
} msb__tally;

void msb__tally_init(msb__tally *t);
void msb__tally_dispose(msb__tally *t);
/*
 * Keep the record a results.jsonl line holds (written or read back): a
 * record the reader would skip is left out, a later one of the same
 * (id, sample) replaces the earlier. On out of memory the tally is marked
 * failed (and MSB_ENOMEM returned): it no longer says what the file holds.
 */
int msb__tally_add(msb__tally *t, const struct msb__rf_record *r);
/* Feed every record to s in the order msb_results_score uses: sorted by (id, sample). */
int msb__tally_score(const msb__tally *t, msb_scorer *s);

#endif
