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
#include "../tests/common/info.h"

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
		if (!rec || !msbt_record(rec).id)
			fail("a record without id");
		score = msbt_record(rec).score;
		if (score < 0 || score > 5)
			fail("a record's score is outside 0..5");
		if (msbt_record(rec).principle < 0 || msbt_record(rec).principle > 9)
			fail("a record's principle is outside 0..9");
		if (msb_results_find(r, msbt_record(rec).id, msbt_record(rec).sample) != rec)
			fail("find does not return the de-duplicated record");
		(void)msbt_record(rec).response;
		(void)msbt_record(rec).error.kind;
		(void)msbt_record(rec).judge_reason;
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
