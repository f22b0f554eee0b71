/*
 * lib/report/meta.h - what report.md, report.html, figures/ and report.tex
 * add when they are written into a run folder (msb_report_write_run): the
 * run metadata block (from run.json), the standalone figures and the LaTeX
 * table.
 */
#ifndef MSB_REPORT_META_H
#define MSB_REPORT_META_H

#include "core/buf.h"
#include "stats/scorer.h"
#include "medsafety/report.h"
#include "medsafety/runfolder.h"

#define MSB__META_MAX 32

/* The "Tokens and cost" section's numbers (lib/report/usage.c), from run.json and cost.json. */
typedef struct msb__usage_view {
	int present;                  /* run.json has "usage": the section is written */
	int priced;                   /* cost.json of these tokens: the cost column and the total */
	msb_run_usage u[2];           /* model, judge */
	msb_run_cost c[2];            /* (their spec members NULL: copied into spec) */
	char spec[2][256];
} msb__usage_view;

typedef struct msb__meta {
	struct {
		char label[48];
		char value[512];
	} rows[MSB__META_MAX];
	size_t n;
	msb__usage_view usage;        /* written before the metadata rows */
} msb__meta;

/* Read DIR's run.json usage and cost.json through msb_run_info_* (present 0 without). */
void msb__usage_load(msb__usage_view *v, const char *dir);
/* The "Tokens and cost" section: Markdown, HTML. Nothing when not present. */
void msb__usage_markdown(msb_buf *b, const msb__usage_view *v);
void msb__usage_html(msb_buf *b, const msb__usage_view *v);

/* src with every URL's user information and query string left out (a key could hide there). */
void msb__redact_urls(char *dst, size_t size, const char *src);

/* Read DIR/run.json (and the scorer's CI seed) into label/value rows, secrets-free; 0 rows without run.json. */
int msb__meta_load(msb__meta *m, const char *dir, const msb__summary *sum, const msb_scorer *s);
/* The "Tokens and cost" section (m->usage), then the "Run metadata" section: a Markdown table, an HTML table. Nothing without either. */
void msb__meta_markdown(msb_buf *b, const msb__meta *m);
void msb__meta_html(msb_buf *b, const msb__meta *m);

/*
 * Write every inline <svg> of a rendered report.html as a standalone SVG
 * file DIR/NAME.svg (NAME from the figure's <title id="NAME-title">,
 * else figure-N), creating DIR. 0 or a negative MSB_E* code.
 */
int msb__figures_write(const char *html, size_t len, const char *dir);

/* report.tex: a LaTeX document with a booktabs table of the per-principle statistics. */
int msb__report_latex(msb_buf *b, const msb__summary *sum, const msb_scorer *s,
    const msb_report_options *o);

#endif
