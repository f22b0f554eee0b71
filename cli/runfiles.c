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

int cli_write_reports(const char *dir, const char *const *formats, const char *subtitle,
    const char *prog)
{
	msb_report_options ro;
	msb_scorer *s;
	char path[4096];
	size_t i;
	int status, rc;

	if ((status = cli_score_run(&s, dir, prog)) != 0)
		return status;
	msb_report_options_init(&ro, MSB_REPORT_OPTIONS_VERSION);
	ro.subtitle = subtitle;
	/* the runner wrote these already; again with the model and judge as subtitle */
	rc = msb_report_write_run(s, dir, &ro);
	for (i = 0; rc == 0 && formats && formats[i]; i++) {
		int fmt;
		if (msb_report_format_from_name(&fmt, formats[i]) < 0 || fmt != MSB_REPORT_CSV)
			continue; /* json, md and html are always there */
		snprintf(path, sizeof path, "%s/report.csv", dir);
		rc = msb_report_write(s, fmt, path, &ro);
	}
	msb_scorer_free(s);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_runjson_add_config(const char *dir, const msb_config *cfg, const char *prog)
{
	char path[4096], tmp[4200], *cfg_json = NULL, *text;
	json_t *run, *c;
	json_error_t err;
	FILE *f;
	int ok;

	snprintf(path, sizeof path, "%s/run.json", dir);
	run = json_load_file(path, 0, &err);
	if (!run)
		run = json_object(); /* a dry run or a failed start: make one */
	if (!run || msb_config_to_json(&cfg_json, cfg) < 0 ||
	    !(c = json_loads(cfg_json, 0, &err))) {
		msb_free(cfg_json);
		json_decref(run);
		fprintf(stderr, "%s: cannot record the configuration in %s\n", prog, path);
		return CLI_EXIT_FAIL;
	}
	msb_free(cfg_json);
	json_object_set_new(run, "config", c);
	text = json_dumps(run, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(run);
	if (!text)
		return CLI_EXIT_FAIL;
	/* write a temporary file and rename it: readers never see half a file */
	snprintf(tmp, sizeof tmp, "%s.cli-%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "wb");
	ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF && fflush(f) == 0 &&
	    fsync(fileno(f)) == 0;
	if (f && fclose(f) != 0)
		ok = 0;
	free(text);
	if (!ok || rename(tmp, path) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		unlink(tmp);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

void cli_print_summary(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/summary.json", dir);
	cli_summary_print_file(stdout, path, msb_principle_title, cli_term_color(STDOUT_FILENO));
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
