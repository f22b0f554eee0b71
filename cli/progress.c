/* cli/progress.c - the progress bar and the plain progress lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <medsafety/medsafety.h>

#include "progress.h"
#include "term.h"

void cli_progress_init(cli_progress *p, const char *label, int quiet)
{
	const char *iv = getenv("MEDSAFETY_PROGRESS_INTERVAL");

	memset(p, 0, sizeof *p);
	p->f = stderr;
	p->label = label;
	p->interval_s = 10.0;
	if (iv && *iv && atof(iv) >= 0)
		p->interval_s = atof(iv);
	p->last_line_s = -1e9;
	if (quiet)
		p->mode = CLI_PROGRESS_OFF;
	else if (cli_term_is_tty(STDERR_FILENO) && !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb")))
		p->mode = CLI_PROGRESS_BAR;
	else
		p->mode = CLI_PROGRESS_LINES;
	p->color = p->mode == CLI_PROGRESS_BAR && cli_term_color(STDERR_FILENO);
	p->utf8 = cli_term_utf8();
}

void cli_format_duration(char *buf, size_t size, double s)
{
	long t;

	if (!(s >= 0) || s > 360000.0) {
		snprintf(buf, size, "?");
		return;
	}
	t = lround(s);
	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else if (t >= 60)
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
	else
		snprintf(buf, size, "%lds", t);
}

static void draw_bar(cli_progress *p, size_t done, size_t total, size_t errors, double rate,
    double eta_or_elapsed, int final)
{
	char right[160], when[32], bar[512], errs[48];
	int width = cli_term_width(STDERR_FILENO), bar_w, fill, i, len;
	double frac = total ? (double)done / (double)total : (final ? 1.0 : 0.0);

	if (frac > 1.0)
		frac = 1.0;
	cli_format_duration(when, sizeof when, eta_or_elapsed);
	snprintf(errs, sizeof errs, "%s%zu errors%s", errors ? CLI_RED(p->color) : "", errors,
	    errors ? CLI_RESET(p->color) : "");
	len = snprintf(right, sizeof right, " %zu/%zu %5.1f%%  %.1f/s  %zu errors  %s %s", done,
	    total, frac * 100.0, rate, errors, final ? "took" : "ETA", when);
	bar_w = width - len - (int)strlen(p->label) - 2;
	if (bar_w > 40)
		bar_w = 40;
	if (bar_w < 0)
		bar_w = 0;
	fill = (int)(frac * bar_w);
	len = 0;
	for (i = 0; i < bar_w; i++) {
		const char *cell = i < fill ? (p->utf8 ? "\xe2\x96\x88" : "#")
		    : (p->utf8 ? "\xe2\x96\x91" : "-");
		len += snprintf(bar + len, sizeof bar - (size_t)len, "%s", cell);
	}
	/* \r and erase-to-end redraw the same line; colour only when allowed */
	fprintf(p->f, "\r%s %s%s%s %zu/%zu %5.1f%%  %.1f/s  %s  %s %s\033[K", p->label,
	    CLI_GREEN(p->color), bar, CLI_RESET(p->color), done, total, frac * 100.0, rate, errs,
	    final ? "took" : "ETA", when);
	if (final)
		fputc('\n', p->f);
	fflush(p->f);
	p->drawn = !final;
}

static void print_line(cli_progress *p, size_t done, size_t total, size_t errors, double rate,
    double eta_s, double elapsed_s, int final)
{
	char eta[32], el[32];
	double pct = total ? 100.0 * (double)done / (double)total : 100.0;

	cli_format_duration(eta, sizeof eta, eta_s);
	cli_format_duration(el, sizeof el, elapsed_s);
	if (final)
		fprintf(p->f, "%s: %zu/%zu done (%.1f%%), %.1f/s, %zu errors, took %s\n", p->label,
		    done, total, pct, rate, errors, el);
	else
		fprintf(p->f, "%s: %zu/%zu done (%.1f%%), %.1f/s, %zu errors, ETA %s\n", p->label,
		    done, total, pct, rate, errors, eta);
	fflush(p->f);
	p->last_line_s = elapsed_s;
}

void cli_progress_update(cli_progress *p, size_t done, size_t total, size_t errors,
    double rate, double eta_s, double elapsed_s)
{
	p->last_done = done;
	if (p->mode == CLI_PROGRESS_BAR)
		draw_bar(p, done, total, errors, rate, eta_s, 0);
	else if (p->mode == CLI_PROGRESS_LINES && elapsed_s - p->last_line_s >= p->interval_s)
		print_line(p, done, total, errors, rate, eta_s, elapsed_s, 0);
}

void cli_progress_finish(cli_progress *p, size_t done, size_t total, size_t errors,
    double rate, double elapsed_s)
{
	if (p->mode == CLI_PROGRESS_BAR) {
		draw_bar(p, done, total, errors, rate, elapsed_s, 1);
	} else if (p->mode == CLI_PROGRESS_LINES) {
		print_line(p, done, total, errors, rate, -1, elapsed_s, 1);
	}
	p->drawn = 0;
}

int cli_progress_eval(const msb_eval_progress *p, void *userdata)
{
	cli_progress_update(userdata, p->done, p->total, p->errors, p->rate, p->eta_s,
	    p->elapsed_s);
	return 0;
}
