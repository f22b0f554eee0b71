/* cli/runfiles.c - reports, run.json's configuration and the summary table of a run folder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "runfiles.h"
#include "summary.h"
#include "term.h"

int cli_score_run(msb_scorer **out, const char *dir, const char *prog)
{
	msb_results *r;
	msb_scorer *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return rc == MSB_ENOTFOUND || rc == MSB_EPARSE ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	if ((rc = msb_scorer_new(&s, NULL)) < 0 || (rc = msb_results_score(r, s)) < 0) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		msb_scorer_free(s);
		msb_results_free(r);
		return CLI_EXIT_FAIL;
	}
	msb_results_free(r);
	*out = s;
	return CLI_EXIT_OK;
}

static void summary_options(msb_run_summary_options *so, const char *const *formats,
    const char *subtitle)
{
	size_t i;

	msb_run_summary_options_init(so, MSB_RUN_SUMMARY_OPTIONS_VERSION);
	so->subtitle = subtitle;
	for (i = 0; formats && formats[i]; i++) {
		if (msb_report_format_from_name(formats[i]) == MSB_REPORT_CSV)
			so->csv = 1; /* json, md and html are always there */
	}
}

int cli_write_eval_reports(msb_summary **table, msb_eval *ev, const char *const *formats,
    const char *prog)
{
	msb_run_summary_options so;

	summary_options(&so, formats, NULL);
	if (msb_eval_write_summary(table, ev, &so) < 0) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_write_reports(msb_summary **table, const char *dir, const char *const *formats,
    const char *subtitle, const char *prog)
{
	msb_run_summary_options so;

	summary_options(&so, formats, subtitle);
	if (msb_run_write_summary(table, dir, &so) < 0) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_config_json(char **out, const cli_config *cfg, const char *prog)
{
	if (cli_config_to_json(out, cfg) < 0) {
		fprintf(stderr, "%s: cannot record the configuration: %s\n", prog,
		    cli_config_message());
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

void cli_print_summary(const msb_summary *table)
{
	if (table)
		cli_summary_print(stdout, table, msb_principle_title, cli_term_color(STDOUT_FILENO));
}

int cli_holds_run(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(path, sizeof path, "%s/run.json", dir);
	return access(path, F_OK) == 0;
}

int cli_already_holds_run(const char *prog, const char *dir)
{
	fprintf(stderr, "%s: %s already holds a run: add --resume to continue it, or --force to "
	    "start it again\n", prog, dir);
	return CLI_EXIT_USAGE;
}

/* text to FILE (atomically: a temporary file beside it, then rename) or to standard output. */
int cli_write_text(const char *output, const char *text)
{
	size_t len = strlen(text), tlen;
	char *tmp;
	FILE *f;
	int ok;

	if (!output)
		return fputs(text, stdout) < 0 || fflush(stdout) != 0 ? -1 : 0;
	tlen = strlen(output) + 8;
	if (!(tmp = malloc(tlen)))
		return -1;
	snprintf(tmp, tlen, "%s.tmp", output);
	if (!(f = fopen(tmp, "w"))) {
		free(tmp);
		return -1;
	}
	ok = fwrite(text, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	ok = ok && rename(tmp, output) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : -1;
}
