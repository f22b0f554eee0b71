/*
 * fuzz/fuzz_verdict.c - the judge verdict parser: msb_judge_parse_score
 * (public) and the score/reason locators behind the LLM judge. Checks
 * that a score is 1..5 exactly when one is found and that every offset
 * stays inside the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/judge.h"
#include "judge/parse.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_verdict: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = msb_fuzz_copy(data, size);
	size_t len = strlen(text), tag_at = 0, begin = 0, end = 0;
	int score = -1, score2 = -1, rc, rc2;

	msb_fuzz_setup();
	rc = msb_judge_parse_score(&score, text);
	if (rc == 0 ? score < 1 || score > 5 : rc != MSB_ENOTFOUND || score != 0)
		fail("msb_judge_parse_score: score and return value disagree");
	rc2 = msb__judge_find_score(text, &score2, &tag_at);
	if (rc2 != rc || score2 != score)
		fail("msb__judge_find_score disagrees with msb_judge_parse_score");
	if (tag_at > len || (rc2 != 0 && tag_at != len))
		fail("msb__judge_find_score: tag offset outside the text");
	if (msb__judge_find_reason(text, tag_at, &begin, &end) == 0 &&
	    (begin > end || end > len))
		fail("msb__judge_find_reason: reason outside the text");
	if (msb__judge_find_reason(text, len, &begin, &end) == 0 && (begin > end || end > len))
		fail("msb__judge_find_reason: reason outside the text");
	free(text);
	msb_fuzz_check_leaks("fuzz_verdict");
	return 0;
}
