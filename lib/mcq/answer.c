/*
 * lib/mcq/answer.c - which option a model's free-text answer chose.
 *
 * Three passes, stopping at the first that finds anything:
 *   1. letters after an answer marker ("answer", "correct option", ...),
 *      past filler words ("is", "would be", "option") and decoration;
 *   2. letters that stand out by their decoration anywhere: "(B)",
 *      "[B]", "{B}", "**B**", "'B'", or a letter opening a line ("B.",
 *      "B)", "B" alone);
 *   3. (msb_mcq_parse_answer_options only, when passes 1 and 2 saw no
 *      letter at all) the text of exactly one option.
 * A pass that finds more than one distinct letter, or a letter beyond
 * the options, ends in "no answer": a wrong guess would count as a
 * wrong answer and bias accuracy, an unanswered one is reported apart.
 * ASCII case rules only (no locale).
 */
#include <stdint.h>
#include <string.h>

#include "medsafety/mcq.h"
#include "core/alloc.h"
#include "core/error.h"
#include "mcq/mcq.h"

static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c | 0x20 : c; }
static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

/* Letters seen: bit i for option i; `beyond` when a letter past the options was seen. */
typedef struct found {
	uint32_t mask;
	int beyond;
} found;

static void note(found *f, unsigned char letter, int n_options)
{
	int i = lower(letter) - 'a';
	if (i >= n_options)
		f->beyond = 1;
	else
		f->mask |= (uint32_t)1 << i;
}

/* Case-insensitive: does `word` start at p, as a whole word? */
static int word_at(const char *start, const char *p, const char *word)
{
	size_t n = strlen(word), i;
	if (p > start && is_alnum((unsigned char)p[-1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!p[i] || lower((unsigned char)p[i]) != lower((unsigned char)word[i]))
			return 0;
	return !is_alnum((unsigned char)p[n]);
}

/* After the letter: only punctuation and spaces up to the end of the line. */
static int rest_of_line_blank(const char *p)
{
	while (*p && *p != '\n' && (strchr(" \t\r.!:;,)]}*_\"'`", *p)))
		p++;
	return *p == '\0' || *p == '\n';
}

/*
 * Is p[0] a letter standing alone as an answer? `decorated` says an
 * opening bracket, quote or emphasis came right before it. Uppercase
 * letters need only a word boundary; lowercase ones ("a", "i") are
 * ordinary English words, so they need decoration or nothing but
 * punctuation after them.
 */
static int lone_letter(const char *p, int decorated)
{
	unsigned char c = (unsigned char)p[0], n;
	if (!is_alpha(c))
		return 0; /* before reading p[1]: p may point at the final NUL */
	n = (unsigned char)p[1];
	if (is_alnum(n))
		return 0;
	/* "I'm", "A-fib": a word, not a letter */
	if ((n == '\'' || n == '-') && is_alpha((unsigned char)p[2]))
		return 0;
	if (is_upper(c))
		return 1;
	return decorated || strchr(")]}*_\"'`", (char)n) != NULL || rest_of_line_blank(p + 1);
}

static const char *const fillers[] = {
	"is", "would", "be", "should", "will", "must", "option", "choice", "letter",
	"the", "final", "correct", "definitely", "therefore", "thus", "so",
};

/* Skip decoration and filler words after a marker; *decorated as for lone_letter. */
static const char *skip_filler(const char *start, const char *p, int *decorated)
{
	int words = 0;
	*decorated = 0;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		if (is_space(c) || c == ':' || c == '=' || c == '-' || c == '>') {
			p++;
			continue;
		}
		if (strchr("([{*_\"'`", (char)c) && c) {
			*decorated = 1;
			p++;
			continue;
		}
		if (is_alpha(c) && words < 8) {
			size_t k;
			int hit = 0;
			for (k = 0; k < sizeof fillers / sizeof fillers[0]; k++)
				if (word_at(start, p, fillers[k])) {
					p += strlen(fillers[k]);
					hit = 1;
					break;
				}
			if (hit) {
				words++;
				*decorated = 0;
				continue;
			}
		}
		return p;
	}
}

/* Pass 1: letters after "answer", "correct option", "best choice", ... */
static void pass_markers(const char *text, int n_options, found *f)
{
	static const char *const markers[] = {
		"answer", "correct option", "correct choice", "best option", "best choice",
		"right option", "correct letter",
	};
	const char *p;
	for (p = text; *p; p++) {
		size_t k;
		if (!is_alpha((unsigned char)*p) || (p > text && is_alnum((unsigned char)p[-1])))
			continue;
		for (k = 0; k < sizeof markers / sizeof markers[0]; k++) {
			const char *q;
			int decorated;
			if (!word_at(text, p, markers[k]))
				continue;
			q = skip_filler(text, p + strlen(markers[k]), &decorated);
			if (lone_letter(q, decorated))
				note(f, (unsigned char)*q, n_options);
			break;
		}
	}
}

/* Pass 2: "(B)", "[B]", "{B}", "**B**", "'B'", and letters opening a line. */
static void pass_decorated(const char *text, int n_options, found *f)
{
	static const char open[] = "([{*_\"'`", close[] = ")]}*_\"'`";
	const char *p;
	for (p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		const char *o = c ? strchr(open, (char)c) : NULL;
		if (o && (p == text || c == '{' || !is_alnum((unsigned char)p[-1]))) {
			/* '{' may follow a word: \\boxed{B} */
			/* a run of the same opener (**B**), the letter, the same closer */
			const char *q = p;
			size_t run = 0;
			while (*q == *p) {
				q++;
				run++;
			}
			if (is_alpha((unsigned char)*q) && q[1] == close[o - open]) {
				size_t i;
				int ok = 1;
				for (i = 0; i < run && ok; i++)
					if (q[1 + i] != close[o - open])
						ok = 0; /* stops at the NUL too */
				if (ok && !is_alnum((unsigned char)q[1 + run]))
					note(f, (unsigned char)*q, n_options);
			}
			p = q - 1;
			continue;
		}
		if (p == text || p[-1] == '\n') {
			/* a line that opens with a letter: "B", "B.", "B)", "B:", "b" alone */
			const char *q = p;
			while (*q == ' ' || *q == '\t' || *q == '>' || *q == '#')
				q++;
			if (is_alpha((unsigned char)*q) && !is_alnum((unsigned char)q[1])) {
				unsigned char n = (unsigned char)q[1];
				int punct = (n == ')' || ((n == '.' || n == ':') &&
				    (!q[2] || is_space((unsigned char)q[2]))));
				if (rest_of_line_blank(q + 1) || (is_upper((unsigned char)*q) && punct))
					note(f, (unsigned char)*q, n_options);
			}
		}
	}
}

/* Skip a reasoning block: what counts is after the last </think>. */
static const char *after_think(const char *text)
{
	const char *p = text, *hit;
	while ((hit = strstr(p, "</think>")) != NULL)
		p = hit + 8;
	return p;
}

int msb__mcq_letters(const char *text, int n_options, int *index)
{
	found f = { 0, 0 };
	const char *t = after_think(text);

	*index = -1;
	pass_markers(t, n_options, &f);
	if (!f.mask && !f.beyond)
		pass_decorated(t, n_options, &f);
	if (!f.mask && !f.beyond)
		return MSB__MCQ_NONE;
	if (f.beyond || (f.mask & (f.mask - 1)))
		return MSB__MCQ_CONFLICT;
	for (*index = 0; !(f.mask & ((uint32_t)1 << *index)); (*index)++)
		;
	return MSB__MCQ_FOUND;
}

static int check_args(const char *text, int n_options, int *index)
{
	if (index)
		*index = -1;
	if (!text || !index)
		return msb__error_set(MSB_EINVAL, "mcq answer: NULL text or index");
	if (n_options < 1 || n_options > MSB_MCQ_MAX_OPTIONS)
		return msb__error_set(MSB_EINVAL, "mcq answer: %d options (1..%d allowed)",
		    n_options, MSB_MCQ_MAX_OPTIONS);
	return 0;
}

MSB_API int msb_mcq_parse_answer(int *index, const char *text, int n_options)
{
	int rc = check_args(text, n_options, index);
	if (rc < 0)
		return rc;
	return msb__mcq_letters(text, n_options, index) == MSB__MCQ_FOUND ? 1 : 0;
}

MSB_API int msb_mcq_parse_answer_options(int *index, const char *text, const char *const *options,
    int n_options)
{
	int rc = check_args(text, n_options, index);
	if (rc < 0)
		return rc;
	if (!options)
		return msb__error_set(MSB_EINVAL, "mcq answer: NULL options");
	rc = msb__mcq_letters(text, n_options, index);
	if (rc == MSB__MCQ_FOUND)
		return 1;
	if (rc == MSB__MCQ_CONFLICT)
		return 0;
	rc = msb__mcq_match_text(after_think(text), options, n_options, index);
	return rc;
}
