/*
 * lib/results/finish.c - finishing a run folder: summary.json and the
 * reports, from one read of results.jsonl and one scorer. The runner
 * stops at its journal and run.json; this is the separate step the CLI,
 * msb_eval_run_simple, merge and the bindings call, once per folder.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/report.h"
#include "medsafety/results.h"
#include "medsafety/runfolder.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/jsonmem.h"
#include "report/meta.h"
#include "report/report.h"
#include "stats/scorer.h"
#include "results/results.h"
#include "results/tally.h"
#include "runfolder/runfolder.h"

static const msb_run_summary_options default_summary = MSB_RUN_SUMMARY_OPTIONS_INIT;

int msb_run_summary_options_init(msb_run_summary_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_summary, version,
	    MSB_RUN_SUMMARY_OPTIONS_VERSION, "msb_run_summary_options");
}

/*
 * The subtitle run.json gives: "model M, judge J" for a run (URLs
 * redacted: a key could hide in them), a merge's "partial" line, or none
 * for a complete merge (its shards may have had several servers).
 */
static const char *subtitle_of(char *buf, size_t size, json_t *ri)
{
	const char *status = json_string_value(json_object_get(ri, "status"));
	const char *model = json_string_value(json_object_get(json_object_get(ri, "model"), "identity"));
	const char *judge = json_string_value(json_object_get(json_object_get(ri, "judge"), "name"));
	char raw[512];

	if (!ri)
		return NULL;
	if (status && !strcmp(status, "merged"))
		return json_string_value(json_object_get(ri, "partial"));
	snprintf(raw, sizeof raw, "model %s, judge %s", model ? model : "(null)", judge ? judge : "none");
	msb__redact_urls(buf, size, raw);
	return buf;
}

/* summary.json says the merge is partial: read it back, add "partial", write it again. */
int msb__summary_mark_partial(const char *dir, const char *text)
{
	char path[4200], *in = NULL, *dump = NULL;
	json_t *o;
	int rc;

	snprintf(path, sizeof path, "%s/summary.json", dir);
	if ((rc = msb__file_read(&in, NULL, path)))
		return rc;
	o = json_loads(in, 0, NULL);
	msb__free(in);
	if (!json_is_object(o) || json_object_set_new(o, "partial", json_string(text)) ||
	    !(dump = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		rc = msb__error_set(MSB_ENOMEM, "%s: cannot mark the summary partial", path);
	else
		rc = msb__file_write_atomic(path, dump, strlen(dump));
	msb__json_free(dump);
	json_decref(o);
	return rc;
}

/*
 * The one way a folder is finished: its records scored from results.jsonl
 * (tally NULL: msb_run_write_summary) or from the runner's tally of the same
 * journal (msb_eval_write_summary), the files written alike.
 */
int msb__run_write_summary_from(msb_summary **out, const char *dir,
    const msb_run_summary_options *opts, const msb__tally *tally)
{
	msb_report_options ro;
	msb_results *r = NULL;
	msb_scorer *s = NULL;
	msb_summary *sum = NULL;
	json_t *ri = NULL;
	const char *partial = NULL;
	char subtitle[512], path[4200];
	int rc;

	if (out)
		*out = NULL;
	if (!dir)
		return msb__error_set(MSB_EINVAL, "msb_run_write_summary: NULL folder");
	if ((rc = msb__check_version(opts, MSB_RUN_SUMMARY_OPTIONS_VERSION, "msb_run_summary_options")))
		return rc;
	if (!opts)
		opts = &default_summary;
	/* run.json is provenance only here: a folder without one still gets its summary */
	rc = msb__rf_runinfo_read(&ri, dir);
	if (rc == MSB_ENOMEM)
		return rc;
	msb_report_options_init(&ro, MSB_REPORT_OPTIONS_VERSION);
	ro.subtitle = opts->subtitle ? opts->subtitle : subtitle_of(subtitle, sizeof subtitle, ri);
	partial = json_string_value(json_object_get(ri, "partial"));
	/* texts are not needed for statistics: keep the memory flat on big runs */
	rc = tally ? 0 : msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT);
	if (!rc)
		rc = msb_scorer_new(&s, opts->scorer);
	if (!rc)
		rc = tally ? msb__tally_score(tally, s) : msb_results_score(r, s);
	/* the groups computed once: for the files and for the caller's table */
	if (!rc)
		rc = msb_summary_new(&sum, s);
	if (!rc)
		rc = msb__report_write_run_sum(msb__summary_inner(sum), s, dir, &ro);
	if (!rc && opts->csv) {
		snprintf(path, sizeof path, "%s/report.csv", dir);
		rc = msb_report_write(s, MSB_REPORT_CSV, path, &ro);
	}
	if (!rc && partial)
		rc = msb__summary_mark_partial(dir, partial);
	if (!rc && out)
		*out = sum;
	else
		msb_summary_free(sum);
	msb_scorer_free(s);
	msb_results_free(r);
	json_decref(ri);
	return rc;
}

int msb_run_write_summary(msb_summary **out, const char *dir, const msb_run_summary_options *opts)
{
	return msb__run_write_summary_from(out, dir, opts, NULL);
}
