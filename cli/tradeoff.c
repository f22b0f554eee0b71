/*
 * cli/tradeoff.c - `medsafety report --tradeoff`: the numbers come from
 * the library (msb_tradeoff_json, lib/mcq/tradeoff.c: the safety
 * comparison of msb_compare and the paired accuracy change of two mcq
 * runs), which cli/tradeoff_render.c prints as Markdown or HTML
 * (docs/cli.md); here: the arguments, the comparability warnings, the
 * output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

#include "cli.h"
#include "mcq_stats.h"
#include "opts.h"
#include "runfiles.h"
#include "tradeoff.h"

#define PROG "medsafety report"

static void help(FILE *f)
{
	fputs("usage: medsafety report --tradeoff BEFORE_SAFETY AFTER_SAFETY BEFORE_MCQ AFTER_MCQ\n"
	      "                        [--format md|html|json] [-o FILE]\n"
	      "\n"
	      "The paper's trade-off view for a model pair (e.g. before and after fine-tuning on\n"
	      "safety demonstrations): per AMA principle the change in harmfulness (mean judge\n"
	      "score and harmful rate, AFTER - BEFORE, paired by id, with the paired bootstrap\n"
	      "95% CIs of `medsafety compare`) next to the change in multiple-choice accuracy\n"
	      "(paired by id, Newcombe's 95% CI for paired proportions), overall and by subject.\n"
	      "One table and one SVG chart; HTML is self-contained.\n"
	      "\n"
	      "  -f, --format FMT   md (default), html or json\n"
	      "  -o, --output FILE  write to FILE instead of standard output\n"
	      "  -h, --help         this help\n"
	      "\n"
	      "example:\n"
	      "  medsafety report --tradeoff runs/base runs/ft runs/base-mcq runs/ft-mcq \\\n"
	      "      --format html -o tradeoff.html\n"
	      "\n"
	      "exit status: 0 success, 1 failure, 2 bad usage or an unreadable run\n", f);
}

int cli_tradeoff_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--tradeoff"))
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------ warnings */

static msb_run_info *run_info(const char *dir)
{
	msb_run_info *ri = NULL;

	msb_run_info_open(&ri, dir);
	return ri;
}

/*
 * 1 when path is in both runs and equal JSON (msb_run_info_member_json's texts), 0 when
 * it differs, -1 when absent in either.
 */
static int same_member(const msb_run_info *a, const msb_run_info *b, const char *path)
{
	char *x = NULL, *y = NULL;
	int same = -1;

	if (msb_run_info_member_json(&x, a, path) == 0 && msb_run_info_member_json(&y, b, path) == 0)
		same = !strcmp(x, y);
	msb_free(x);
	msb_free(y);
	return same;
}

/*
 * A before/after pair says something only when the runs asked the same
 * questions in the same way (and, for safety, of the same judge): warn on
 * stderr per difference, as `medsafety compare` does (run.json).
 */
static void warn_mismatch(const char *before, const char *after, int mcq)
{
	static const char *const what[][2] = {
		{ "judge.name", "judge" },
		{ "judge.config_hash", "judge template, policy or settings" },
		{ "dataset.hash", "dataset" },
		{ "model.system_prompt", "system prompt" },
	};
	msb_run_info *a = run_info(before), *b = run_info(after);
	size_t i;

	if (!a || !b) {
		fprintf(stderr, PROG ": warning: no run.json in %s: cannot check that the runs are "
		    "comparable\n", !a ? before : after);
	} else if (mcq) {
		if (same_member(a, b, "config.mcq") != 1)
			fprintf(stderr, PROG ": warning: the mcq runs %s and %s differ in their question "
			    "set or prompt settings (run.json config.mcq)\n", before, after);
	} else {
		for (i = 0; i < sizeof what / sizeof what[0]; i++) {
			if (same_member(a, b, what[i][0]) == 0)
				fprintf(stderr, PROG ": warning: the safety runs %s and %s differ in %s "
				    "(%s)\n", before, after, what[i][1], what[i][0]);
		}
	}
	msb_run_info_free(a);
	msb_run_info_free(b);
}

/* ------------------------------------------------------------- command */

int cli_tradeoff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tradeoff", no_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *fmt = "md", *output = NULL;
	json_t *t;
	char *text, *js = NULL;
	int c, status, i, rc;

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "f:o:h", opts, "report")) != -1) {
		switch (c) {
		case 'T':
			break;
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (strcmp(fmt, "md") && strcmp(fmt, "html") && strcmp(fmt, "json"))
		return cli_usage_error("report", "--tradeoff: --format wants md, html or json, got '%s'",
		    fmt);
	if (argc - optind != 4)
		return cli_usage_error("report", "--tradeoff wants four runs: BEFORE_SAFETY AFTER_SAFETY "
		    "BEFORE_MCQ AFTER_MCQ (got %d)", argc - optind);
	for (i = 0; i < 2; i++)
		if (cli_mcq_is_run(argv[optind + i]))
			return cli_usage_error("report", "--tradeoff: %s is an mcq run; the first two runs "
			    "are safety runs (BEFORE_SAFETY AFTER_SAFETY BEFORE_MCQ AFTER_MCQ)",
			    argv[optind + i]);
	warn_mismatch(argv[optind], argv[optind + 1], 0);
	warn_mismatch(argv[optind + 2], argv[optind + 3], 1);
	rc = msb_tradeoff_json(&js, argv[optind], argv[optind + 1], argv[optind + 2], argv[optind + 3],
	    NULL);
	if (rc == MSB_EINVAL || rc == MSB_ENOTFOUND || rc == MSB_EPARSE || rc == MSB_EIO) {
		fprintf(stderr, PROG ": %s\n", msb_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	if (rc < 0)
		return cli_lib_error("report", rc);
	t = json_loads(js, 0, NULL);
	msb_free(js);
	if (!t)
		return cli_lib_error("report", MSB_ENOMEM);
	if (!strcmp(fmt, "json")) {
		char *s = json_dumps(t, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10));
		size_t n = s ? strlen(s) : 0;
		text = s ? realloc(s, n + 2) : NULL;
		if (text)
			memcpy(text + n, "\n", 2);
		else
			free(s);
	} else if (!strcmp(fmt, "html")) {
		text = cli_tradeoff_html(t);
	} else {
		text = cli_tradeoff_markdown(t);
	}
	json_decref(t);
	if (!text)
		return cli_lib_error("report", MSB_ENOMEM);
	status = cli_write_text(output, text);
	free(text);
	if (status != 0)
		return cli_fail("report", "cannot write %s", output ? output : "the report");
	return CLI_EXIT_OK;
}
