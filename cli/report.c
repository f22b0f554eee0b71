/* cli/report.c - `medsafety report RUN [--format md|json|csv|html|table|tex] [-o FILE]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

#include "cli.h"
#include "mcq_stats.h"
#include "opts.h"
#include "runfiles.h"
#include "summary.h"
#include "term.h"
#include "tradeoff.h"

#define PROG "medsafety report"

/* A partial merge (medsafety merge --allow-partial) says so under the report's title. */
static void partial_subtitle(msb_report_options *ro, char *buf, size_t size, const char *run)
{
	msb_run_info *ri = NULL;
	const char *t;

	if (msb_run_info_open(&ri, run) < 0)
		return;
	t = msb_run_info_string(ri, "partial");
	if (t) {
		snprintf(buf, size, "%s", t);
		ro->subtitle = buf;
	}
	msb_run_info_free(ri);
}

static void help(FILE *f)
{
	fputs("usage: medsafety report RUN [--format md|json|csv|html|table|tex] [-o FILE] [--strict]\n"
	      "       medsafety report --tradeoff BEFORE_SAFETY AFTER_SAFETY BEFORE_MCQ AFTER_MCQ ...\n"
	      "\n"
	      "Compute the statistics of a run folder (or a results.jsonl file) from its records\n"
	      "and print a report: Markdown (the default), summary.json, CSV (one row per group),\n"
	      "a self-contained HTML page, the terminal table, or report.tex (a booktabs table per\n"
	      "principle). -o writes it to FILE instead (atomically).\n"
	      "\n"
	      "  -f, --format FMT   md, json, csv, html, table or tex (default md)\n"
	      "  -o, --output FILE  write to FILE instead of standard output\n"
	      "      --strict       fail (exit 1) when the journal has corrupt lines; without it\n"
	      "                     they are skipped with a warning naming their line numbers\n"
	      "  -h, --help         this help\n"
	      "\n"
	      "examples:\n"
	      "  medsafety report medsafety-runs/20250101-120000\n"
	      "  medsafety report runs/a --format html -o a.html\n"
	      "  medsafety report runs/a --format json | jq .overall.mean\n"
	      "  medsafety report runs/a --format table\n"
	      "  medsafety report runs/a --format tex -o table.tex\n"
	      "\n"
	      "exit status: 0 success, 1 failure (or corrupt lines with --strict), 2 bad usage or\n"
	      "an unreadable run\n", f);
}

/*
 * Corrupt lines of the journal are never lost silently: a warning with
 * their count and (first) line numbers; with --strict, a failure.
 */
static int check_corrupt(const char *run, int strict)
{
	msb_results *r;
	size_t n, i;

	if (msb_results_open(&r, run, MSB_RESULTS_NO_TEXT) < 0)
		return CLI_EXIT_OK; /* cli_score_run says why */
	n = msb_results_skipped_lines(r);
	if (n) {
		fprintf(stderr, "%s: %s: %zu corrupt line%s skipped (line%s", PROG, run, n,
		    n == 1 ? "" : "s", n == 1 ? "" : "s");
		for (i = 0; i < n && msb_results_skipped_line(r, i); i++)
			fprintf(stderr, "%s%zu", i ? ", " : " ", msb_results_skipped_line(r, i));
		fprintf(stderr, "%s)%s\n", i < n ? ", ..." : "",
		    strict ? "; --strict: no report" : "; the report leaves them out");
	}
	msb_results_free(r);
	return n && strict ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *fmt_name = "md", *output = NULL, *run;
	msb_scorer *s = NULL;
	msb_report_options ro;
	char *text = NULL, partial[256];
	int c, fmt = MSB_REPORT_MARKDOWN, table = 0, rc, status, strict = 0;

	if (cli_tradeoff_wanted(argc, argv)) /* four runs: cli/tradeoff.c */
		return cli_tradeoff(argc, argv);
	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "f:o:h", opts, "report")) != -1) {
		switch (c) {
		case 'f':
			fmt_name = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'S':
			strict = 1;
			break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("report", "which run? give a run folder");
	if (optind + 1 < argc)
		return cli_usage_error("report", "one run at a time ('%s' is one too many)",
		    argv[optind + 1]);
	run = argv[optind];
	if (cli_mcq_is_run(run)) /* an mcq run: its own summary and report (cli/mcq_stats.c) */
		return cli_mcq_report(run, fmt_name, output);
	if (!strcmp(fmt_name, "table"))
		table = 1;
	else if (!strcmp(fmt_name, "tex"))
		table = 2;
	else if ((fmt = msb_report_format_from_name(fmt_name)) < 0)
		return cli_usage_error("report", "--format wants md, json, csv, html or table, or tex, got '%s'",
		    fmt_name);
	if ((status = check_corrupt(run, strict)) != 0 || (status = cli_score_run(&s, run, PROG)) != 0)
		return status;
	if (table == 2) {
		rc = msb_report_render_latex(&text, s, NULL);
		msb_scorer_free(s);
		if (rc < 0)
			return cli_lib_error("report", rc);
		rc = cli_write_text(output, text);
		msb_free(text);
		return rc < 0 ? cli_fail("report", "cannot write %s", output ? output : "the report") :
		    CLI_EXIT_OK;
	}
	if (table) {
		FILE *f = output ? fopen(output, "w") : stdout;
		if (!f) {
			msb_scorer_free(s);
			return cli_fail("report", "cannot write %s", output);
		}
		msb_summary *sum = NULL;
		rc = msb_summary_new(&sum, s);
		if (rc == 0)
			rc = cli_summary_print(f, sum, msb_principle_title,
			    !output && cli_term_color(STDOUT_FILENO)) < 0 ? MSB_ERROR : 0;
		msb_summary_free(sum);
		if (output && fclose(f) != 0)
			rc = MSB_EIO;
		msb_scorer_free(s);
		return rc < 0 ? cli_fail("report", "cannot print the table") : CLI_EXIT_OK;
	}
	msb_report_options_init(&ro, MSB_REPORT_OPTIONS_VERSION);
	partial_subtitle(&ro, partial, sizeof partial, run);
	if (fmt == MSB_REPORT_MARKDOWN || fmt == MSB_REPORT_HTML) {
		/* as the folder's report.md / report.html: tokens and cost, run metadata (a folder only) */
		struct stat sb;
		rc = msb_report_render_run(&text, s, fmt, stat(run, &sb) == 0 && S_ISDIR(sb.st_mode) ?
		    run : NULL, &ro);
		if (rc == 0 && cli_write_text(output, text) < 0)
			rc = MSB_EIO;
		msb_free(text);
	} else if (output) {
		rc = msb_report_write(s, fmt, output, &ro);
	} else {
		rc = msb_report_render(&text, s, fmt, &ro);
		if (rc == 0 && (fputs(text, stdout) < 0 || fflush(stdout) != 0))
			rc = MSB_EIO;
		msb_free(text);
	}
	msb_scorer_free(s);
	if (rc < 0)
		return cli_lib_error("report", rc);
	return CLI_EXIT_OK;
}
