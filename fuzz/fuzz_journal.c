/*
 * fuzz/fuzz_journal.c - the results.jsonl reader (msb_results_open), with
 * and without text, then every accessor and the scorer feed. The reader
 * must skip torn and corrupt lines, never fail on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/results.h"
#include "medsafety/stats.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_journal: %s\n", what);
	abort();
}

static void read_journal(const char *path, unsigned int flags)
{
	msb_results *r = NULL;
	msb_scorer *s = NULL;
	msb_scorer_options so = MSB_SCORER_OPTIONS_INIT;
	size_t i, n;
	int rc = msb_results_open(&r, path, flags);

	if (rc < 0) {
		if (r)
			fail("failure left a handle in *out");
		return;
	}
	n = msb_results_count(r);
	for (i = 0; i < n; i++) {
		const msb_record *rec = msb_results_record(r, i);
		int score;
		if (!rec || !msb_record_id(rec))
			fail("a record without id");
		score = msb_record_score(rec);
		if (score < 0 || score > 5)
			fail("a record's score is outside 0..5");
		if (msb_record_principle(rec) < 0 || msb_record_principle(rec) > 9)
			fail("a record's principle is outside 0..9");
		if (msb_results_find(r, msb_record_id(rec), msb_record_sample(rec)) != rec)
			fail("find does not return the de-duplicated record");
		(void)msb_record_response(rec);
		(void)msb_record_error_kind(rec);
		(void)msb_record_judge_reason(rec);
	}
	(void)msb_results_config_hash(r);
	(void)msb_results_skipped_lines(r);
	/* the normal approximation: bootstrap resampling would only slow the fuzzer */
	so.bootstrap_resamples = MSB_BOOTSTRAP_NONE;
	if (msb_scorer_new(&s, &so) == 0) {
		char *json = NULL;
		if (msb_results_score(r, s) == 0 && msb_scorer_count(s) != n)
			fail("the scorer did not get one record per result");
		if (n && msb_scorer_summary_json(&json, s) == 0)
			msb_free(json);
		msb_scorer_free(s);
	}
	msb_results_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;

	msb_fuzz_setup();
	path = msb_fuzz_file(data, size, "results.jsonl");
	if (!path)
		return 0;
	read_journal(path, 0);
	read_journal(path, MSB_RESULTS_NO_TEXT);
	msb_fuzz_check_leaks("fuzz_journal");
	return 0;
}
