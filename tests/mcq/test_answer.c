/*
 * tests/mcq/test_answer.c - msb_mcq_parse_answer and
 * msb_mcq_parse_answer_options through the public API, table-driven.
 * Expected indices are written by hand from the documented rules
 * (include/medsafety/mcq.h): one letter found -> its index; none,
 * several different, or beyond the options -> no answer (-1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"

typedef struct {
	const char *text;
	int n;      /* options */
	int index;  /* -1: no answer */
} letter_case;

static const letter_case letter_cases[] = {
	/* a letter alone */
	{ "B", 4, 1 },
	{ "b", 4, 1 },
	{ "  C\n", 4, 2 },
	{ "D.", 4, 3 },
	{ "a", 4, 0 },
	/* in brackets, bold, quoted */
	{ "(B)", 4, 1 },
	{ "(c)", 4, 2 },
	{ "[A]", 4, 0 },
	{ "\\boxed{D}", 4, 3 },
	{ "**B**", 4, 1 },
	{ "*C*", 4, 2 },
	{ "__A__", 4, 0 },
	{ "'D'", 4, 3 },
	{ "\"B\"", 4, 1 },
	{ "`c`", 4, 2 },
	{ "My choice: **(B)**", 4, 1 },
	/* after a marker */
	{ "Answer: B", 4, 1 },
	{ "answer: c", 4, 2 },
	{ "ANSWER: D", 4, 3 },
	{ "The answer is B.", 4, 1 },
	{ "The answer is b.", 4, 1 },
	{ "The correct answer is (C) Tetanus.", 4, 2 },
	{ "The answer is **A**", 4, 0 },
	{ "The answer is \"D\".", 4, 3 },
	{ "Final answer: E", 5, 4 },
	{ "The answer would be option B because the median nerve is compressed.", 4, 1 },
	{ "Answer - C", 4, 2 },
	{ "The correct option is D, since ...", 4, 3 },
	{ "Best choice: A", 4, 0 },
	{ "Let me think. A and B are wrong because... The answer is C.", 4, 2 },
	{ "Answer: B because A is too slow.", 4, 1 },
	/* a restatement of the options does not count once a marker speaks */
	{ "A) Aspirin\nB) Heparin\nC) Warfarin\nD) None\nAnswer: C", 4, 2 },
	{ "(A) yes (B) no (C) maybe\nThe answer is (A)", 3, 0 },
	/* a letter opening a line */
	{ "B. Heparin is reversed by protamine.", 4, 1 },
	{ "C) Median nerve", 4, 2 },
	{ "D: Femur", 4, 3 },
	{ "Reasoning first.\nB\n", 4, 1 },
	/* reasoning blocks are skipped */
	{ "<think>Maybe A? Or (B)? The answer is A.</think>\nThe answer is C.", 4, 2 },
	{ "<think>The answer is A</think>", 4, -1 },
	/* several different letters: no answer */
	{ "A or B", 4, -1 },
	{ "(A) or (B)", 4, -1 },
	{ "The answer is A. No wait, the answer is B.", 4, -1 },
	{ "A) Aspirin\nB) Heparin\n", 4, -1 },
	{ "**A** and **C**", 4, -1 },
	/* the same letter twice is still one answer */
	{ "The answer is B. Yes, the answer is (B).", 4, 1 },
	/* beyond the options: no answer, never a guess */
	{ "E", 4, -1 },
	{ "The answer is E.", 4, -1 },
	{ "(F)", 5, -1 },
	{ "The answer is B, or maybe the answer is E.", 4, -1 },
	/* letters in prose do not compete with a marked answer */
	{ "The answer is C; A and B are wrong.", 4, 2 },
	{ "Z", 26, 25 },
	/* no letter at all */
	{ "", 4, -1 },
	{ "   \n\t", 4, -1 },
	{ "I don't know.", 4, -1 },
	{ "I cannot answer that.", 4, -1 },
	{ "A patient with these findings needs urgent care.", 4, -1 },
	{ "The answer is not clear from the question.", 4, -1 },
	{ "The answer is a difficult one.", 4, -1 },
	{ "Answer choices: none of them fit.", 4, -1 },
	{ "I'm unsure", 9, -1 },
	{ "It is A-fib, of course", 4, -1 },
	{ "Vitamin C deficiency causes scurvy", 4, -1 },
	{ "Hepatitis B is a virus", 4, -1 },
};

static void test_letter_table(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof letter_cases / sizeof letter_cases[0]; i++) {
		const letter_case *c = &letter_cases[i];
		int index = 99, rc = msb_mcq_parse_answer(&index, c->text, c->n);
		if (rc != (c->index >= 0) || index != c->index) {
			fprintf(stderr, "case %zu: \"%s\" (%d options): rc %d index %d, want index %d\n",
			    i, c->text, c->n, rc, index, c->index);
			fail();
		}
	}
}

typedef struct {
	const char *text;
	const char *options[5];
	int index;
	int n; /* 0: up to the last non-NULL option */
} text_case;

static const text_case text_cases[] = {
	/* the text of one option */
	{ "Metformin", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, 0, 0 },
	{ "metformin.", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, 0, 0 },
	{ "The answer is Levothyroxine", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, 3, 0 },
	{ "Answer: Median nerve\nIt runs through the carpal tunnel.",
	  { "Ulnar nerve", "Radial nerve", "Median nerve", "Axillary nerve" }, 2, 0 },
	{ "yes", { "yes", "no", "maybe" }, 0, 0 },
	{ "No.", { "yes", "no", "maybe" }, 1, 0 },
	{ "The evidence suggests maybe", { "yes", "no", "maybe" }, 2, 0 },
	{ "I would give protamine sulfate here.", { "Vitamin K", "Protamine sulfate", "Naloxone", "Glucagon" }, 1, 0 },
	/* an option inside a longer named option counts as the longer */
	{ "Aspirin and heparin together", { "Aspirin", "Aspirin and heparin", "Warfarin", "None" }, 1, 0 },
	/* two options named: no answer */
	{ "Either naloxone or flumazenil", { "Naloxone", "Flumazenil", "Atropine", "Glucagon" }, -1, 0 },
	{ "Yes, but maybe not always", { "yes", "no", "maybe" }, -1, 0 },
	/* nothing named */
	{ "I do not know", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, -1, 0 },
	/* a letter wins over text */
	{ "B. Insulin", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, 1, 0 },
	{ "(C) Insulin", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, 2, 0 },
	/* several letters stay no answer even when a text matches */
	{ "(A) or (B): Insulin", { "Metformin", "Insulin", "Prednisolone", "Levothyroxine" }, -1, 0 },
	/* a word must match whole: "no" is not in "not" or "know" */
	{ "I know it is not certain", { "yes", "no", "maybe" }, -1, 0 },
	/* NULL option texts are skipped */
	{ "Insulin", { NULL, "Insulin", NULL, NULL }, 1, 4 },
};

static void test_text_table(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
		const text_case *c = &text_cases[i];
		int n = 0, index = 99, rc;
		for (n = 5; n > 0 && !c->options[n - 1]; n--)
			;
		if (c->n)
			n = c->n;
		rc = msb_mcq_parse_answer_options(&index, c->text, c->options, n);
		if (rc != (c->index >= 0) || index != c->index) {
			fprintf(stderr, "text case %zu: \"%s\": rc %d index %d, want %d\n", i, c->text, rc,
			    index, c->index);
			fail();
		}
	}
}

static void test_every_letter(void **state)
{
	char buf[64];
	int n, k, index;
	(void)state;
	for (n = 1; n <= MSB_MCQ_MAX_OPTIONS; n++)
		for (k = 0; k < MSB_MCQ_MAX_OPTIONS; k++) {
			snprintf(buf, sizeof buf, "The answer is (%c).", 'A' + k);
			assert_int_equal(msb_mcq_parse_answer(&index, buf, n), k < n ? 1 : 0);
			assert_int_equal(index, k < n ? k : -1);
		}
}

static void test_errors(void **state)
{
	const char *opts[2] = { "Xylose", "Yeast" };
	int index = 7;
	(void)state;
	assert_int_equal(msb_mcq_parse_answer(&index, NULL, 4), MSB_EINVAL);
	assert_int_equal(index, -1);
	assert_int_equal(msb_mcq_parse_answer(NULL, "B", 4), MSB_EINVAL);
	assert_int_equal(msb_mcq_parse_answer(&index, "B", 0), MSB_EINVAL);
	assert_int_equal(msb_mcq_parse_answer(&index, "B", 27), MSB_EINVAL);
	assert_int_equal(msb_mcq_parse_answer_options(&index, "B", NULL, 2), MSB_EINVAL);
	assert_int_equal(msb_error_last()->code, MSB_EINVAL);
	assert_int_equal(msb_mcq_parse_answer_options(&index, "yeast", opts, 2), 1);
	assert_int_equal(index, 1);
	/* a lone letter beyond the options is no answer */
	assert_int_equal(msb_mcq_parse_answer(&index, "x", 2), 0);
	assert_int_equal(index, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_letter_table),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_every_letter),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
