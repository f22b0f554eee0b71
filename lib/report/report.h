/*
 * lib/report/report.h - the report writers, each rendering a computed
 * summary into a buffer.
 */
#ifndef MSB_REPORT_REPORT_H
#define MSB_REPORT_REPORT_H

#include "medsafety/report.h"
#include "core/buf.h"
#include "stats/scorer.h"

/* The short title of AMA principle 1..9 (msb_principle_title); "" for others. */
const char *msb__principle_title(int principle);

/*
 * msb_report_write_run from a summary already computed (sum of s): the
 * run-folder finisher computes it once for the files and its caller's table.
 */
int msb__report_write_run_sum(const msb__summary *sum, const msb_scorer *s, const char *dir,
    const msb_report_options *opts);

/* A number for people with `decimals` digits, or "n/a" when undefined (NaN). */
const char *msb__fmt_num(char buf[32], int decimals, double x);
/* A share as a percentage with one decimal, "n/a" when undefined. */
const char *msb__fmt_pct(char buf[32], double share);

/*
 * A table cell: the mean with its CI, "2.33 [1.00, 3.67]", or the mean
 * alone when the CI is undefined ("n/a" without a mean).
 */
const char *msb__fmt_mean_ci(char buf[128], const msb_group_stats *st);
/* For a sentence after the mean: " (95% CI 1.00-3.67)" (an en dash), or "" when undefined. */
const char *msb__fmt_ci_words(char buf[128], const msb_group_stats *st);
/* 1 when the summary has a group of kind `by` (MSB__BY_*): its table is worth printing. */
int msb__report_has_groups(const msb__summary *sum, int by);

/* The heading and the options' defaults. */
const char *msb__report_title(const msb_report_options *o);
/* A Markdown table cell: '|' escaped, '<' and '>' as entities, line breaks as spaces. */
void msb__report_md_cell(msb_buf *b, const char *s);
/* Text for HTML content and attribute values: & < > " ' as entities. */
void msb__report_html_esc(msb_buf *b, const char *s);

int msb__report_markdown(msb_buf *b, const msb__summary *sum, const msb_scorer *s,
    const msb_report_options *o);
int msb__report_csv(msb_buf *b, const msb__summary *sum);
int msb__report_html(msb_buf *b, const msb__summary *sum, const msb_scorer *s,
    const msb_report_options *o);

/* Harm against over-refusal (lib/report/benign.c): nothing when the scorer holds no benign records. */
int msb__report_has_benign(const msb_scorer *s);
int msb__report_benign_md(msb_buf *b, const msb__summary *sum, const msb_scorer *s);
int msb__report_benign_html(msb_buf *b, const msb__summary *sum, const msb_scorer *s);

/* The CI method in words, e.g. "percentile bootstrap, 2000 resamples, seed 1". */
void msb__report_ci_words(char buf[160], const msb__summary *sum, const msb_scorer *s);

#endif
