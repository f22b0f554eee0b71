/*
 * fuzz/fuzz_mcq_answer.c - the multiple-choice answer parsers:
 * msb_mcq_parse_answer and msb_mcq_parse_answer_options.
 *
 * Input: the first byte picks the number of options (1..26); the rest
 * is the answer text up to the first 0x1E byte, then the option texts,
 * separated by 0x1E (missing options are NULL). Checks: the return is
 * 0 or 1, the index is in range exactly when 1 and -1 otherwise, and a
 * letter found by msb_mcq_parse_answer is what the options variant
 * returns too (letters come first).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/mcq.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_mcq_answer: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *options[MSB_MCQ_MAX_OPTIONS] = { 0 };
	char *text, *p;
	int n, k, rc, rc2, index = 99, index2 = 99;

	if (size < 1)
		return 0;
	msb_fuzz_setup();
	n = data[0] % MSB_MCQ_MAX_OPTIONS + 1;
	text = msb_fuzz_copy(data + 1, size - 1);
	for (p = strchr(text, 0x1e), k = 0; p && k < n; k++) {
		*p++ = '\0';
		options[k] = p;
		p = strchr(p, 0x1e);
	}
	if (p)
		*p = '\0';

	rc = msb_mcq_parse_answer(&index, text, n);
	if (rc != 0 && rc != 1)
		fail("msb_mcq_parse_answer: return value not 0 or 1");
	if (rc == 1 ? index < 0 || index >= n : index != -1)
		fail("msb_mcq_parse_answer: index and return value disagree");
	rc2 = msb_mcq_parse_answer_options(&index2, text, options, n);
	if (rc2 != 0 && rc2 != 1 && rc2 != MSB_ENOMEM)
		fail("msb_mcq_parse_answer_options: unexpected return value");
	if (rc2 == 1 ? index2 < 0 || index2 >= n : index2 != -1)
		fail("msb_mcq_parse_answer_options: index and return value disagree");
	if (rc == 1 && (rc2 != 1 || index2 != index))
		fail("msb_mcq_parse_answer_options disagrees with msb_mcq_parse_answer on a letter");
	free(text);
	msb_fuzz_check_leaks("fuzz_mcq_answer");
	return 0;
}
