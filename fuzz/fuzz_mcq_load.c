/*
 * fuzz/fuzz_mcq_load.c - the multiple-choice loaders (msb_mcq_load):
 * the input is written as a JSONL file (MedQA, MedMCQA, generic), a
 * PubMedQA ori_pqal.json and an MMLU CSV, each loaded with format AUTO.
 * Checks: success or a negative code with a message, every loaded
 * question has 2..26 options and an answer among them, no leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/mcq.h"
#include "fuzz.h"
#include "../tests/common/info.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_mcq_load: %s\n", what);
	abort();
}

static void load(const uint8_t *data, size_t size, const char *name)
{
	const char *path = msb_fuzz_file(data, size, name);
	msb_mcq_set *set = NULL;
	size_t i;
	int rc;

	if (!path)
		return;
	rc = msb_mcq_load(&set, path, NULL);
	if (rc == 0) {
		for (i = 0; i < msb_mcq_count(set); i++) {
			int n = msbt_mcq(set, i).n_options, a = msbt_mcq(set, i).answer;
			if (n < 2 || n > MSB_MCQ_MAX_OPTIONS || a < 0 || a >= n)
				fail("question with bad options or answer");
			if (!msbt_mcq(set, i).id || !msbt_mcq(set, i).question || !msbt_mcq_option(set, i, a) ||
			    !msbt_mcq(set, i).subject || !msbt_mcq(set, i).source || !msbt_mcq(set, i).context)
				fail("NULL string of a loaded question");
		}
	} else if (rc > 0 || set != NULL || !msb_error_last()->message[0]) {
		fail("failure without a negative code and a message, or with a set");
	}
	msb_mcq_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msb_fuzz_setup();
	load(data, size, "questions.jsonl");
	load(data, size, "ori_pqal.json");
	load(data, size, "anatomy_test.csv");
	msb_fuzz_check_leaks("fuzz_mcq_load");
	return 0;
}
