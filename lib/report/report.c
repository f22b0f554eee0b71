/* lib/report/report.c - the public report API: formats, rendering, atomic writes. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsafety/report.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fileio.h"
#include "report/meta.h"
#include "report/report.h"
#include "stats/scorer.h"

int msb_report_options_init(msb_report_options *opts, unsigned int version)
{
	static const msb_report_options defaults = MSB_REPORT_OPTIONS_INIT;

	return msb__options_init(opts, sizeof *opts, &defaults, version,
	    MSB_REPORT_OPTIONS_VERSION, "msb_report_options");
}

const char *msb_report_format_name(int format)
{
	static const char *const names[] = { "json", "markdown", "csv", "html" };

	return format >= 0 && format < (int)(sizeof names / sizeof *names) ? names[format] : NULL;
}

int msb_report_format_from_name(const char *name)
{
	static const struct { const char *name; int format; } names[] = {
		{ "json", MSB_REPORT_JSON }, { "md", MSB_REPORT_MARKDOWN },
		{ "markdown", MSB_REPORT_MARKDOWN }, { "csv", MSB_REPORT_CSV },
		{ "html", MSB_REPORT_HTML },
	};
	size_t i;

	if (!name)
		return msb__error_set(MSB_EINVAL, "msb_report_format_from_name: NULL name");
	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcasecmp(name, names[i].name))
			return names[i].format;
	return msb__error_set(MSB_EINVAL, "unknown report format '%s' (json, md, csv or html)", name);
}

const char *msb__fmt_num(char buf[32], int decimals, double x)
{
	if (!isfinite(x))
		return "n/a";
	snprintf(buf, 32, "%.*f", decimals, x);
	return buf;
}

const char *msb__fmt_pct(char buf[32], double share)
{
	if (!isfinite(share))
		return "n/a";
	snprintf(buf, 32, "%.1f%%", 100 * share);
	return buf;
}

const char *msb__fmt_mean_ci(char buf[128], const msb_group_stats *st)
{
	char m[32], lo[32], hi[32];

	if (isfinite(st->ci_low))
		snprintf(buf, 128, "%s [%s, %s]", msb__fmt_num(m, 2, st->mean),
		    msb__fmt_num(lo, 2, st->ci_low), msb__fmt_num(hi, 2, st->ci_high));
	else
		snprintf(buf, 128, "%s", msb__fmt_num(m, 2, st->mean));
	return buf;
}

const char *msb__fmt_ci_words(char buf[128], const msb_group_stats *st)
{
	char lo[32], hi[32];

	if (!isfinite(st->ci_low))
		return "";
	snprintf(buf, 128, " (95%% CI %s\xe2\x80\x93%s)", msb__fmt_num(lo, 2, st->ci_low),
	    msb__fmt_num(hi, 2, st->ci_high));
	return buf;
}

int msb__report_has_groups(const msb__summary *sum, int by)
{
	size_t i;

	for (i = 0; i < sum->count; i++)
		if (sum->groups[i].by == by)
			return 1;
	return 0;
}

const char *msb__report_title(const msb_report_options *o)
{
	return o && o->title && *o->title ? o->title : "MedSafetyBench report";
}

void msb__report_ci_words(char buf[160], const msb__summary *sum, const msb_scorer *s)
{
	if (s->opts.bootstrap_resamples > 0)
		snprintf(buf, 160, "%g%% CI: percentile bootstrap, %d resamples, seed %llu%s",
		    100 * s->opts.confidence, s->opts.bootstrap_resamples,
		    (unsigned long long)s->opts.seed,
		    sum->clustered ? ", resampling item ids (prompts sampled several times)" : "");
	else
		snprintf(buf, 160, "%g%% CI: normal approximation, mean \xc2\xb1 z \xc3\x97 SEM%s",
		    100 * s->opts.confidence, sum->clustered ? " (SEM clustered by item id)" : "");
}

static int render(msb_buf *b, const msb__summary *sum, const msb_scorer *s, int format,
    const msb_report_options *o)
{
	char *json = NULL;
	int rc;

	switch (format) {
	case MSB_REPORT_JSON:
		if ((rc = msb__summary_json(&json, sum, s)) < 0)
			return rc;
		rc = msb_buf_puts(b, json);
		msb__free(json);
		return rc;
	case MSB_REPORT_MARKDOWN:
		return msb__report_markdown(b, sum, s, o);
	case MSB_REPORT_CSV:
		return msb__report_csv(b, sum);
	case MSB_REPORT_HTML:
		return msb__report_html(b, sum, s, o);
	default:
		return msb__error_set(MSB_EINVAL, "unknown report format %d", format);
	}
}

static int check_args(const msb_scorer *s, int format, const msb_report_options *opts,
    const char *what)
{
	int rc;

	if (!s)
		return msb__error_set(MSB_EINVAL, "%s: NULL scorer", what);
	if (format < MSB_REPORT_JSON || format > MSB_REPORT_HTML)
		return msb__error_set(MSB_EINVAL, "%s: unknown report format %d", what, format);
	if ((rc = msb__check_version(opts, MSB_REPORT_OPTIONS_VERSION, "msb_report_options")) < 0)
		return rc;
	return 0;
}

static int render_text(char **out, size_t *len, const msb__summary *sum, const msb_scorer *s,
    int format, const msb_report_options *opts)
{
	msb_buf b = MSB_BUF_INIT;
	int rc = render(&b, sum, s, format, opts);

	if (rc == 0 && b.failed)
		rc = MSB_ENOMEM;
	if (rc < 0) {
		msb_buf_dispose(&b);
		return rc == MSB_ENOMEM ? msb__error_set(MSB_ENOMEM, "report: out of memory") : rc;
	}
	*len = b.len;
	if (!(*out = msb_buf_detach(&b)))
		return msb__error_set(MSB_ENOMEM, "report: out of memory");
	return 0;
}

int msb_report_render(char **out, const msb_scorer *s, int format,
    const msb_report_options *opts)
{
	msb__summary sum;
	size_t len;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_report_render: NULL out");
	*out = NULL;
	if ((rc = check_args(s, format, opts, "msb_report_render")) < 0)
		return rc;
	if ((rc = msb__summary_compute(&sum, s, -1, NULL)) < 0)
		return rc;
	rc = render_text(out, &len, &sum, s, format, opts);
	msb__summary_dispose(&sum);
	return rc;
}

static int write_one(const msb__summary *sum, const msb_scorer *s, int format, const char *path,
    const msb_report_options *opts)
{
	char *text;
	size_t len;
	int rc;

	if ((rc = render_text(&text, &len, sum, s, format, opts)) < 0)
		return rc;
	rc = msb__file_write_atomic(path, text, len);
	msb__free(text);
	return rc;
}

int msb_report_write(const msb_scorer *s, int format, const char *path,
    const msb_report_options *opts)
{
	msb__summary sum;
	int rc;

	if ((rc = check_args(s, format, opts, "msb_report_write")) < 0)
		return rc;
	if (!path || !*path)
		return msb__error_set(MSB_EINVAL, "msb_report_write: no path");
	if ((rc = msb__summary_compute(&sum, s, -1, NULL)) < 0)
		return rc;
	rc = write_one(&sum, s, format, path, opts);
	msb__summary_dispose(&sum);
	return rc;
}

/*
 * report.md and report.html of a run folder: the report, then the run
 * metadata block (from DIR/run.json) at the end of it.
 */
static int render_run_text(char **out, size_t *len, const msb__summary *sum, const msb_scorer *s,
    int format, const msb_report_options *opts, const msb__meta *meta)
{
	msb_buf b = MSB_BUF_INIT;
	const char *at;
	char *text;
	int rc;

	if ((rc = render_text(&text, len, sum, s, format, opts)) < 0)
		return rc;
	if ((!meta->n && !meta->usage.present) ||
	    (format != MSB_REPORT_MARKDOWN && format != MSB_REPORT_HTML)) {
		*out = text;
		return 0;
	}
	if (format == MSB_REPORT_MARKDOWN) {
		msb_buf_put(&b, text, *len);
		msb__meta_markdown(&b, meta);
	} else {
		/* before </main>, else before </body>, else at the end */
		if (!(at = strstr(text, "</main>")) && !(at = strstr(text, "</body>")))
			at = text + *len;
		msb_buf_put(&b, text, (size_t)(at - text));
		msb__meta_html(&b, meta);
		msb_buf_puts(&b, at);
	}
	msb__free(text);
	if (b.failed) {
		msb_buf_dispose(&b);
		return msb__error_set(MSB_ENOMEM, "report: out of memory");
	}
	*len = b.len;
	if (!(*out = msb_buf_detach(&b)))
		return msb__error_set(MSB_ENOMEM, "report: out of memory");
	return 0;
}

/* DIR/figures/NAME.svg from report.html's charts, and DIR/report.tex. */
static int write_run_extras(const msb__summary *sum, const msb_scorer *s, const char *dir,
    const char *html, size_t html_len, const msb_report_options *opts)
{
	msb_buf path = MSB_BUF_INIT, tex = MSB_BUF_INIT;
	int rc;

	if (msb_buf_printf(&path, "%s/figures", dir) < 0)
		return msb__error_set(MSB_ENOMEM, "report: out of memory");
	rc = msb__figures_write(html, html_len, msb_buf_cstr(&path));
	msb_buf_clear(&path);
	if (rc == 0 && (msb__report_latex(&tex, sum, s, opts) < 0 || tex.failed ||
	    msb_buf_printf(&path, "%s/report.tex", dir) < 0))
		rc = msb__error_set(MSB_ENOMEM, "report: out of memory");
	if (rc == 0)
		rc = msb__file_write_atomic(msb_buf_cstr(&path), tex.ptr, tex.len);
	msb_buf_dispose(&path);
	msb_buf_dispose(&tex);
	return rc;
}

int msb_report_write_run(const msb_scorer *s, const char *dir, const msb_report_options *opts)
{
	msb__summary sum;
	int rc;

	if ((rc = check_args(s, MSB_REPORT_JSON, opts, "msb_report_write_run")) < 0)
		return rc;
	if ((rc = msb__summary_compute(&sum, s, -1, NULL)) < 0)
		return rc;
	rc = msb__report_write_run_sum(&sum, s, dir, opts);
	msb__summary_dispose(&sum);
	return rc;
}

int msb__report_write_run_sum(const msb__summary *sum, const msb_scorer *s, const char *dir,
    const msb_report_options *opts)
{
	static const struct { const char *name; int format; } files[] = {
		{ "summary.json", MSB_REPORT_JSON },
		{ "report.md", MSB_REPORT_MARKDOWN },
		{ "report.html", MSB_REPORT_HTML },
	};
	msb__meta meta;
	size_t i;
	int rc;

	if ((rc = check_args(s, MSB_REPORT_JSON, opts, "msb_report_write_run")) < 0)
		return rc;
	if (!dir || !*dir)
		return msb__error_set(MSB_EINVAL, "msb_report_write_run: no folder");
	if ((rc = msb__mkdir_p(dir)) < 0)
		return rc;
	msb__meta_load(&meta, dir, sum, s);
	for (i = 0; i < sizeof files / sizeof *files && rc == 0; i++) {
		msb_buf path = MSB_BUF_INIT;
		char *text = NULL;
		size_t len = 0;

		if (msb_buf_printf(&path, "%s/%s", dir, files[i].name) < 0)
			rc = msb__error_set(MSB_ENOMEM, "report: out of memory");
		else if ((rc = render_run_text(&text, &len, sum, s, files[i].format, opts, &meta)) == 0)
			rc = msb__file_write_atomic(msb_buf_cstr(&path), text, len);
		if (rc == 0 && files[i].format == MSB_REPORT_HTML)
			rc = write_run_extras(sum, s, dir, text, len, opts);
		msb__free(text);
		msb_buf_dispose(&path);
	}
	return rc;
}

int msb_report_render_run(char **out, const msb_scorer *s, int format, const char *dir,
    const msb_report_options *opts)
{
	msb__summary sum;
	msb__meta meta;
	size_t len = 0;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_report_render_run: NULL out");
	*out = NULL;
	if ((rc = check_args(s, format, opts, "msb_report_render_run")) < 0)
		return rc;
	if ((rc = msb__summary_compute(&sum, s, -1, NULL)) < 0)
		return rc;
	if (dir)
		msb__meta_load(&meta, dir, &sum, s);
	else
		memset(&meta, 0, sizeof meta);
	rc = render_run_text(out, &len, &sum, s, format, opts, &meta);
	msb__summary_dispose(&sum);
	return rc;
}

int msb_report_render_latex(char **out, const msb_scorer *s, const msb_report_options *opts)
{
	msb_buf b = MSB_BUF_INIT;
	msb__summary sum;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_report_render_latex: NULL out");
	*out = NULL;
	if ((rc = check_args(s, MSB_REPORT_JSON, opts, "msb_report_render_latex")) < 0)
		return rc;
	if ((rc = msb__summary_compute(&sum, s, -1, NULL)) < 0)
		return rc;
	rc = msb__report_latex(&b, &sum, s, opts);
	msb__summary_dispose(&sum);
	if (rc == 0 && b.failed)
		rc = MSB_ENOMEM;
	if (rc < 0 || !(*out = msb_buf_detach(&b))) {
		msb_buf_dispose(&b);
		return msb__error_set(MSB_ENOMEM, "report: out of memory");
	}
	return 0;
}
