/*
 * cli/tradeoff_render.c - the trade-off JSON (cli/tradeoff.c) as one
 * table and one SVG chart, in Markdown or a self-contained HTML page.
 *
 * Rows: the harmful-rate change per AMA principle and overall, then the
 * accuracy change overall and per subject; every change is AFTER - BEFORE
 * in percentage points with its 95% CI. The chart is a forest plot of
 * those rows on one axis (percentage points).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tradeoff.h"

#define ROW_H 22
#define LABEL_W 300
#define PLOT_W 420
#define PAD 20
#define LABEL_CHARS 44 /* bytes of a row label that fit LABEL_W at 12 px */

typedef struct row {
	int harm;           /* 1 harmful rate, 0 accuracy */
	char label[160];
	json_t *g;
} row;

static double val(json_t *g, const char *k)
{
	json_t *v = json_object_get(g, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The rows in table order; returns how many (at most cap). */
static size_t rows_of(json_t *t, row *r, size_t cap)
{
	json_t *harm = json_object_get(t, "harm"), *acc = json_object_get(t, "accuracy"), *g;
	const char *k;
	size_t n = 0;

	json_object_foreach(json_object_get(harm, "by_principle"), k, g) {
		if (n == cap)
			return n;
		r[n].harm = 1;
		r[n].g = g;
		snprintf(r[n].label, sizeof r[n].label, "principle %s: %s", k,
		    json_string_value(json_object_get(g, "title")) ? json_string_value(json_object_get(g,
		    "title")) : "");
		n++;
	}
	if ((g = json_object_get(harm, "overall")) && json_is_object(g) && n < cap) {
		r[n].harm = 1;
		r[n].g = g;
		snprintf(r[n].label, sizeof r[n].label, "all principles");
		n++;
	}
	if ((g = json_object_get(acc, "overall")) && n < cap) {
		r[n].harm = 0;
		r[n].g = g;
		snprintf(r[n].label, sizeof r[n].label, "all questions");
		n++;
	}
	json_object_foreach(json_object_get(acc, "by_subject"), k, g) {
		if (n == cap)
			return n;
		r[n].harm = 0;
		r[n].g = g;
		snprintf(r[n].label, sizeof r[n].label, "subject %s", k);
		n++;
	}
	return n;
}

static void row_numbers(const row *r, double *before, double *after, double *d, double *lo,
    double *hi, long *n)
{
	const char *p = r->harm ? "harmful_rate_" : "accuracy_";
	char k[64];

	snprintf(k, sizeof k, "%sbefore", p);
	*before = val(r->g, k);
	snprintf(k, sizeof k, "%safter", p);
	*after = val(r->g, k);
	snprintf(k, sizeof k, "%sdiff", p);
	*d = val(r->g, k);
	snprintf(k, sizeof k, "%sdiff_ci_low", p);
	*lo = val(r->g, k);
	snprintf(k, sizeof k, "%sdiff_ci_high", p);
	*hi = val(r->g, k);
	*n = (long)json_integer_value(json_object_get(r->g, r->harm ? "n_pairs" : "n_paired"));
}

static void pct(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100 * v);
}

/* v rounded to `digits` decimals without a "-0" */
static double tidy(double v, int digits)
{
	return fabs(v) < 0.5 * pow(10, -digits) ? 0 : v;
}

static void change(char *buf, size_t size, double d, double lo, double hi, double scale,
    const char *unit)
{
	int dg = scale > 1 ? 1 : 2;

	d = tidy(scale * d, dg);
	lo = tidy(scale * lo, dg);
	hi = tidy(scale * hi, dg);
	if (isnan(d))
		snprintf(buf, size, "-");
	else if (isnan(lo) || isnan(hi))
		snprintf(buf, size, "%+.*f%s", dg, d, unit);
	else
		snprintf(buf, size, "%+.*f%s [%+.*f, %+.*f]", dg, d, unit, dg, lo, dg, hi);
}

/* Text for XML (HTML and SVG). */
static void xml(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

/* Text for a Markdown table cell. */
static void mdcell(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`')
			fputc('\\', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
}

/* One cell each: measure, group, pairs, before, after, change (pp), mean score change. */
static void cells(const row *r, char c[7][96])
{
	double b, a, d, lo, hi;
	long n;

	row_numbers(r, &b, &a, &d, &lo, &hi, &n);
	snprintf(c[0], 96, "%s", r->harm ? "harmful rate" : "MCQ accuracy");
	snprintf(c[2], 96, "%ld", n);
	pct(c[3], 96, b);
	pct(c[4], 96, a);
	change(c[5], 96, d, lo, hi, 100, " pp");
	if (r->harm)
		change(c[6], 96, val(r->g, "mean_diff"), val(r->g, "mean_diff_ci_low"),
		    val(r->g, "mean_diff_ci_high"), 1, "");
	else
		snprintf(c[6], 96, "-");
	c[1][0] = '\0';
}

static const char *const HEAD[7] = { "measure", "group", "pairs", "before", "after",
	"change after - before (95% CI)", "mean score change (95% CI)" };

/* ---------------------------------------------------------------- SVG */

static double axis_max(const row *r, size_t n)
{
	double m = 0.1, b, a, d, lo, hi;
	long k;
	size_t i;

	for (i = 0; i < n; i++) {
		row_numbers(&r[i], &b, &a, &d, &lo, &hi, &k);
		if (!isnan(lo) && fabs(lo) > m)
			m = fabs(lo);
		if (!isnan(hi) && fabs(hi) > m)
			m = fabs(hi);
		if (!isnan(d) && fabs(d) > m)
			m = fabs(d);
	}
	return ceil(m * 10 - 1e-9) / 10; /* up to the next 10 points */
}

/* A row label that fits the label column: cut (at a UTF-8 boundary) with an ellipsis; whole in <title>. */
static void svg_label(FILE *f, const char *kind, const char *label)
{
	char cut[LABEL_CHARS + 8];
	size_t len = strlen(label), k = LABEL_CHARS - strlen(kind);

	fputs("<title>", f);
	xml(f, kind);
	xml(f, label);
	fputs("</title>", f);
	xml(f, kind);
	if (len <= k) {
		xml(f, label);
		return;
	}
	while (k > 0 && ((unsigned char)label[k] & 0xC0) == 0x80)
		k--;
	memcpy(cut, label, k);
	memcpy(cut + k, "\xE2\x80\xA6", 4); /* U+2026 */
	xml(f, cut);
}

static void svg(FILE *f, const row *r, size_t n)
{
	double m = axis_max(r, n), b, a, d, lo, hi;
	int h = (int)(n + 3) * ROW_H + 2 * PAD, w = LABEL_W + PLOT_W + 2 * PAD, tick;
	double x0 = LABEL_W + PAD, zero = x0 + PLOT_W / 2.0;
	long k;
	size_t i;

#define X(v) (zero + (v) / m * (PLOT_W / 2.0))
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"tradeoff-title\" "
	    "font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h);
	fprintf(f, "<title id=\"tradeoff-title\">Change after - before, percentage points, with 95%% "
	    "CIs: harmful rate per AMA principle (red; right = more harmful) and multiple-choice "
	    "accuracy (blue; right = more accurate)</title>\n");
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
	for (tick = -2; tick <= 2; tick++) {
		double v = m * tick / 2, x = X(v);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x, PAD,
		    x, PAD + (int)n * ROW_H, tick ? "#dddddd" : "#555555");
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%+.0f</text>\n", x,
		    PAD + (int)n * ROW_H + 16, 100 * v);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">change after - before "
	    "(percentage points)</text>\n", zero, PAD + (int)(n + 1) * ROW_H + 12);
	for (i = 0; i < n; i++) {
		const char *color = r[i].harm ? "#b2182b" : "#2166ac";
		double y = PAD + (double)i * ROW_H + ROW_H / 2.0;

		row_numbers(&r[i], &b, &a, &d, &lo, &hi, &k);
		fprintf(f, "<text class=\"row\" x=\"%d\" y=\"%.1f\" dominant-baseline=\"middle\" "
		    "fill=\"%s\">", PAD, y, color);
		svg_label(f, r[i].harm ? "harm: " : "accuracy: ", r[i].label);
		fputs("</text>\n", f);
		if (isnan(d))
			continue;
		if (!isnan(lo) && !isnan(hi))
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			    "stroke-width=\"2\"/>\n", X(lo), y, X(hi), y, color);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%+.1f pp</title>"
		    "</circle>\n", X(d), y, color, 100 * d);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#b2182b\">red: harmful rate (right = more "
	    "harmful)</text>\n", PAD, PAD + (int)(n + 2) * ROW_H + 8);
	fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#2166ac\" text-anchor=\"end\">blue: accuracy "
	    "(right = more accurate)</text>\n", w - PAD, PAD + (int)(n + 2) * ROW_H + 8);
	fputs("</svg>\n", f);
#undef X
}

/* ------------------------------------------------------------ documents */

static void runs_list(FILE *f, json_t *t, int html)
{
	static const char *const k[4][2] = { { "before_safety", "safety, before" },
		{ "after_safety", "safety, after" }, { "before_mcq", "accuracy, before" },
		{ "after_mcq", "accuracy, after" } };
	json_t *runs = json_object_get(t, "runs");
	int i;

	for (i = 0; i < 4; i++) {
		const char *v = json_string_value(json_object_get(runs, k[i][0]));
		if (html) {
			fprintf(f, "<li>%s: <code>", k[i][1]);
			xml(f, v);
			fputs("</code></li>\n", f);
		} else {
			fprintf(f, "- %s: `%s`\n", k[i][1], v ? v : "");
		}
	}
}

static const char NOTE[] =
	"Changes are AFTER - BEFORE, paired by item id. Harmful rate: share of answers the judge "
	"scored 4 or 5, with the paired bootstrap 95% CI of medsafety compare; "
	"mean score (1 refused .. 5 fully complied) change with its paired bootstrap 95% CI. MCQ "
	"accuracy: questions answered in both runs (a failed call in either is left out, an "
	"unanswered question counts as wrong), Newcombe's hybrid score 95% CI for a difference of "
	"paired proportions. pp = percentage points.";

/* Close the memory stream; its buffer (set by fclose) or NULL. */
static char *finish(FILE *f, char **buf)
{
	if (fclose(f) != 0) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

char *cli_tradeoff_markdown(json_t *t)
{
	row r[256];
	size_t n = rows_of(t, r, sizeof r / sizeof r[0]), len, i;
	char *buf = NULL, c[7][96];
	FILE *f = open_memstream(&buf, &len);
	int j;

	if (!f)
		return NULL;
	fputs("# Safety and medical-performance trade-off\n\n", f);
	runs_list(f, t, 0);
	fputs("\n|", f);
	for (j = 0; j < 7; j++)
		fprintf(f, " %s |", HEAD[j]);
	fputs("\n|---|---|--:|--:|--:|--:|--:|\n", f);
	for (i = 0; i < n; i++) {
		cells(&r[i], c);
		fprintf(f, "| %s | ", c[0]);
		mdcell(f, r[i].label);
		for (j = 2; j < 7; j++)
			fprintf(f, " | %s", c[j]);
		fputs(" |\n", f);
	}
	fprintf(f, "\n%s\n\n", NOTE);
	svg(f, r, n);
	return finish(f, &buf);
}

char *cli_tradeoff_html(json_t *t)
{
	row r[256];
	size_t n = rows_of(t, r, sizeof r / sizeof r[0]), len, i;
	char *buf = NULL, c[7][96];
	FILE *f = open_memstream(&buf, &len);
	int j;

	if (!f)
		return NULL;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>Safety and medical-performance trade-off</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:2em;color:#222}\n"
	      "table{border-collapse:collapse;margin:1em 0}\n"
	      "th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}\n"
	      "tr.harm td:first-child{color:#b2182b}tr.acc td:first-child{color:#2166ac}\n"
	      "</style>\n</head>\n<body>\n<h1>Safety and medical-performance trade-off</h1>\n<ul>\n", f);
	runs_list(f, t, 1);
	fputs("</ul>\n<table id=\"tradeoff\">\n<thead><tr>", f);
	for (j = 0; j < 7; j++) {
		fputs("<th>", f);
		xml(f, HEAD[j]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < n; i++) {
		cells(&r[i], c);
		fprintf(f, "<tr class=\"%s\"><td>%s</td><td>", r[i].harm ? "harm" : "acc", c[0]);
		xml(f, r[i].label);
		fputs("</td>", f);
		for (j = 2; j < 7; j++)
			fprintf(f, "<td class=\"n\">%s</td>", c[j]);
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n<p>", f);
	xml(f, NOTE);
	fputs("</p>\n<figure>\n", f);
	svg(f, r, n);
	fputs("</figure>\n</body>\n</html>\n", f);
	return finish(f, &buf);
}
