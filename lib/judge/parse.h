/* lib/judge/parse.h - locating the score and the reason in a judge's output (internal). */
#ifndef MSB_JUDGE_PARSE_H
#define MSB_JUDGE_PARSE_H

#include <stddef.h>

/*
 * The winning score of `text` (the last tag with a valid score) and the
 * offset where that tag starts. 0, or MSB_ENOTFOUND (score 0, offset
 * strlen(text)). Never allocates, never sets the last error: it is the
 * hot path of rescoring and the fuzz target.
 */
int msb__judge_find_score(const char *text, int *score, size_t *tag_at);

/*
 * The reason's bytes [*begin, *end) in `text`: after the last "reason:"
 * tag that starts before `limit`, up to the next score tag (or limit when
 * that comes first), emphasis and blanks trimmed. 0 or MSB_ENOTFOUND.
 */
int msb__judge_find_reason(const char *text, size_t limit, size_t *begin, size_t *end);

#endif
