/*
 * cli/mcq_stats.h - the statistics of mcq runs: summary.json (accuracy
 * with its Wilson 95% interval, by subject and by source) and the paired
 * comparison of two mcq runs (exact McNemar test).
 */
#ifndef MEDSAFETY_CLI_MCQ_STATS_H
#define MEDSAFETY_CLI_MCQ_STATS_H

#include <stdio.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

/* Wilson score interval for x successes of n at 95% (z = 1.959963984540054). n > 0. */
void cli_mcq_wilson(double *lo, double *hi, long x, long n);

/* Exact two-sided McNemar p-value for b and c discordant pairs (binomial, p = 0.5). */
double cli_mcq_mcnemar_p(long b, long c);

/*
 * Read DIR/results.jsonl of an mcq run (score 1 right, 5 wrong, none
 * unanswered), group by source and by the set's subjects, write
 * DIR/summary.json atomically and print the table on `out` (NULL: no
 * table). Exit status.
 */
int cli_mcq_write_summary(const char *dir, const msb_mcq_set *set, FILE *out, const char *prog);

/*
 * The same with the counts by subject given (an object of groups with n,
 * n_answered, n_correct, n_errors, e.g. summed over shards) instead of a
 * question set. Exit status.
 */
int cli_mcq_write_summary_subjects(const char *dir, json_t *subjects, FILE *out, const char *prog);

/* Add the by_subject counts of an mcq summary.json to `sum` (group counts). 0 or -1. */
int cli_mcq_add_subjects(json_t *sum, json_t *summary);

/*
 * `medsafety merge` of mcq shards (cli/mcq_merge.c): after the merge of
 * the journals into out_dir, summary.json and report.md of an mcq run
 * (overall and by source from the merged journal, by subject from the
 * shards' summaries). Exit status.
 */
int cli_mcq_merge_summary(const char *out_dir, const char *const *shards, size_t n, FILE *out,
    const char *prog);

/* 1 when DIR holds an mcq run (its summary.json says "kind": "mcq"). */
int cli_mcq_is_run(const char *dir);

/*
 * `medsafety compare` of two mcq runs: accuracy of each, the paired
 * table over the ids both answered, the exact McNemar p-value. With
 * gate: exit 1 when B is significantly worse (p < alpha and fewer right).
 */
int cli_mcq_compare(const char *dir_a, const char *dir_b, int json, int gate, double alpha);

/*
 * `medsafety report` of an mcq run: md (report.md), json (summary.json) or
 * table, to `output` or standard output; other formats are exit 2.
 */
int cli_mcq_report(const char *dir, const char *format, const char *output);

#endif
