/*
 * lib/stats/scorer.h - the scorer's storage and the computed summary,
 * shared by the summary, comparison and report writers.
 */
#ifndef MSB_STATS_SCORER_H
#define MSB_STATS_SCORER_H

#include <stddef.h>
#include <stdint.h>

#include "medsafety/stats.h"
#include "core/abi.h"
#include "core/arena.h"

/* One stored record: ~12 bytes, strings interned. */
typedef struct msb__rec {
	uint32_t id;        /* index into ids */
	uint16_t source;    /* index into sources */
	uint16_t split;     /* index into splits */
	uint16_t category;
	uint8_t principle;
	uint8_t score;      /* 0 none; forced to 0 when error is set */
	uint8_t error;
} msb__rec;

/* Interned strings: open addressing on FNV-1a for the many ids, a list for the rest. */
typedef struct msb__strtab {
	char **str;          /* by index */
	size_t count, cap;
	uint32_t *slots;     /* index + 1, 0 empty; capacity nslots (power of two) */
	size_t nslots;
} msb__strtab;

struct msb_scorer {
	msb_scorer_options opts;
	msb_arena arena;
	msb__rec *recs;
	size_t count, cap;
	msb__strtab ids, sources, splits;
	uint32_t *id_uses;   /* records per id, to know whether any id repeats */
	size_t id_uses_cap;
	int repeated;        /* 1 once some id has two records */
	struct msb__benign *benign; /* benign records (lib/stats/benign.c); NULL when none */
};

/* Group kinds, in summary.json order. */
enum { MSB__BY_OVERALL, MSB__BY_PRINCIPLE, MSB__BY_SOURCE, MSB__BY_SPLIT, MSB__BY_CATEGORY };

/* The three rates, in this order, for msb__group.rate_ci. */
enum { MSB__RATE_REFUSAL, MSB__RATE_HARMFUL, MSB__RATE_FULL };

typedef struct msb__group {
	int by;                 /* MSB__BY_* */
	char key[80];           /* "3", "gpt4", "hexphi/3"; "" for overall */
	msb_group_stats st;
	size_t n_clusters;      /* distinct ids among the scored records */
	/* summary.json only (msb_group_stats is frozen by the ABI): */
	double median, q1, q3;  /* of the scored records (type 7 quantiles) */
	double rate_ci[3][2];   /* CI of each rate: Wilson, or cluster bootstrap with repeats */
	double mean_if_missing_1, mean_if_missing_5; /* unscored and errored counted as 1 / 5 */
} msb__group;

typedef struct msb__summary {
	msb__group *groups;     /* overall, principles 1..9, sources, splits, categories */
	size_t count;
	int clustered;          /* some id has several records */
	double kw_h, kw_p;      /* Kruskal-Wallis across principles 1..9 (records); NaN when undefined */
	int kw_df;
} msb__summary;

/*
 * The summary.json-only fields of one group (lib/stats/summary_extra.c):
 * quartiles and the sensitivity means from the counts; the rates' CIs
 * from `keys` (the group's scored (id << 3 | score) keys sorted by id)
 * when the scorer is clustered, else Wilson intervals. 0 or MSB_ENOMEM.
 */
int msb__group_extra(msb__group *g, const msb_scorer *s, const uint64_t *keys);

/* The seed of a group's bootstrap stream: splitmix64(seed ^ FNV-1a("tag" "by:key")). */
uint64_t msb__group_seed(uint64_t seed, const msb__group *g, const char *tag);

/*
 * Over-refusal statistics of one group: `by` "overall" or "principle"
 * (key "0".."9"). MSB_ENOTFOUND when the group has no benign records;
 * MSB_EINVAL, MSB_EVERSION.
 */
int msb__scorer_benign_group(const msb_scorer *s, const char *by, const char *key,
    msb_benign_stats *out);

/*
 * The 0.1.0 group lookup, internal since 0.2 (a summary's
 * msb_summary_group_byindex gives the same numbers to callers).
 */
int msb__scorer_group(const msb_scorer *s, const char *by, const char *key,
    msb_group_stats *out);

/* "overall", "principle", ...: the `by` names of summary groups; NULL for an unknown kind. */
const char *msb__by_name(int by);
/* The summary.json object name of a kind ("by_principle"); NULL for overall. */
const char *msb__by_json(int by);

/*
 * Every group's statistics. `only_by`/`only_key` restrict the work to one
 * group (only_by < 0: all). Free with msb__summary_dispose.
 */
int msb__summary_compute(msb__summary *out, const msb_scorer *s, int only_by,
    const char *only_key);
void msb__summary_dispose(msb__summary *sum);

/* The computed groups inside a public summary handle (summary_api.c). */
struct msb_summary;
const msb__summary *msb__summary_inner(const struct msb_summary *sum);

/* The summary.json text of a computed summary. New: free with msb__free. */
int msb__summary_json(char **out, const msb__summary *sum, const msb_scorer *s);

/* A json_dump_callback that appends to an msb_buf. */
int msb__json_dump_buf(const char *data, size_t len, void *buf);

/* msb__out_version (the out-structs' version check) is in core/abi.h. */

/* Intern table helpers (also used by the comparison). */
int msb__strtab_intern(msb__strtab *t, msb_arena *arena, const char *s, uint32_t *index);
/* Index of s, or -1. */
long msb__strtab_find(const msb__strtab *t, const char *s);
void msb__strtab_dispose(msb__strtab *t);

/* Free the benign records (lib/stats/benign.c). */
void msb__benign_free(struct msb__benign *b);
/*
 * The benign groups of summary.json's "benign" object: overall, then each
 * principle 0..9 with records (principle[i] = -1 for overall). Returns how
 * many (0 when the scorer has no benign record).
 */
size_t msb__benign_groups(const msb_scorer *s, msb_benign_stats out[11], int principle[11]);
/* Add the "benign" object to summary.json's root when there are benign records. */
int msb__benign_summary_json(void *root_json, const msb_scorer *s);

#endif
