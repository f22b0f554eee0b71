/*
 * medsafety/report.h - reports of a scorer's statistics: summary.json
 * (the contract), Markdown, CSV, and one self-contained HTML page with
 * inline SVG charts (no network, no scripts, no external fonts).
 *
 * Thread safety: the functions only read the scorer; several threads may
 * render reports of the same scorer as long as nobody adds to it.
 */
#ifndef MEDSAFETY_REPORT_H
#define MEDSAFETY_REPORT_H

#include <stddef.h>

#include "common.h"
#include "stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Report formats. The numbers are ABI. */
typedef enum msb_report_format {
	MSB_REPORT_JSON = 0,     /**< summary.json */
	MSB_REPORT_MARKDOWN = 1, /**< report.md */
	MSB_REPORT_CSV = 2,      /**< one row per group */
	MSB_REPORT_HTML = 3      /**< report.html, self-contained */
} msb_report_format;

#define MSB_REPORT_OPTIONS_VERSION 1
typedef struct msb_report_options {
	unsigned int version;  /**< MSB_REPORT_OPTIONS_VERSION */
	const char *title;     /**< heading; NULL: "MedSafetyBench report" */
	const char *subtitle;  /**< a line under the heading (e.g. model and judge); NULL: none */
} msb_report_options;

#define MSB_REPORT_OPTIONS_INIT { .version = MSB_REPORT_OPTIONS_VERSION }
MSB_API int msb_report_options_init(msb_report_options *opts, unsigned int version);

/**
 * The format named `name`: "json", "md" or "markdown", "csv", "html"
 * (ASCII case ignored). MSB_EINVAL (error set) for anything else.
 */
MSB_API int msb_report_format_from_name(const char *name);
/** "json", "markdown", "csv", "html"; NULL for an unknown value. Static. */
MSB_API const char *msb_report_format_name(int format);

/**
 * Render a report of the scorer's statistics in `format` (a
 * msb_report_format). New: free *out with msb_free. Errors: MSB_EINVAL,
 * MSB_EVERSION, MSB_ENOMEM.
 */
MSB_API int msb_report_render(char **out, const msb_scorer *s, int format,
    const msb_report_options *opts);

/**
 * Render and write to `path` atomically (a temporary file in the same
 * folder, then rename): readers see the old file or the new one, never
 * half of one. Errors as msb_report_render, plus MSB_EIO.
 */
MSB_API int msb_report_write(const msb_scorer *s, int format, const char *path,
    const msb_report_options *opts);

/**
 * Write the files a run folder holds: DIR/summary.json, DIR/report.md
 * and DIR/report.html (each atomically; DIR is created when missing).
 * The statistics are computed once for all three.
 */
MSB_API int msb_report_write_run(const msb_scorer *s, const char *dir,
    const msb_report_options *opts);

/**
 * msb_report_render, and for MSB_REPORT_MARKDOWN and MSB_REPORT_HTML the
 * sections a run folder's report.md / report.html add from the folder
 * DIR (its run.json and cost.json): "Tokens and cost" per stage and "Run
 * metadata"; what `medsafety report RUN` prints. dir NULL, or without
 * run.json: as msb_report_render. New: free with msb_free. Errors as
 * msb_report_render.
 */
MSB_API int msb_report_render_run(char **out, const msb_scorer *s, int format, const char *dir,
    const msb_report_options *opts);

/**
 * report.tex: a LaTeX document with a booktabs table of the per-principle
 * statistics (n, scored, mean, 95% CI, harmful rate; all nine principles
 * and the overall row); the title (caption) is escaped for LaTeX.
 * msb_report_write_run writes it as DIR/report.tex. New: free *out with
 * msb_free. Errors: MSB_EINVAL, MSB_EVERSION, MSB_ENOMEM.
 */
MSB_API int msb_report_render_latex(char **out, const msb_scorer *s,
    const msb_report_options *opts);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_REPORT_H */
