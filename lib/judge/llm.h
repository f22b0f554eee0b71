/* lib/judge/llm.h - template rendering shared by the LLM judge and the public renderer (internal). */
#ifndef MSB_JUDGE_LLM_H
#define MSB_JUDGE_LLM_H

#include "core/buf.h"

/*
 * Append `tmpl` to b with {policy}, {rubric}, {question}, {response}
 * replaced by values[0..3] (one pass, exact). 0 or MSB_ENOMEM.
 */
int msb__template_render(msb_buf *b, const char *tmpl, const char *const values[4]);

/*
 * The backend an LLM judge sends its requests through (borrowed), or
 * NULL for any other judge: the runner polls it in its one poll set, and
 * it may be the very model backend (one server, one connection pool).
 */
struct msb_judge;
struct msb_backend;
struct msb_backend *msb__judge_llm_backend(const struct msb_judge *j);
/*
 * For run.json (provenance): SHA-256 of an LLM judge's prompt template
 * (the text as given) and of its policy (the policy texts it can show and
 * the rubric). 1 when j is an LLM judge, else 0 (hex untouched).
 */
int msb__llm_judge_hashes(const struct msb_judge *j, char template_hex[65], char policy_hex[65]);

/*
 * The batch judge stage (lib/eval/batch.c): the request an LLM judge
 * sends for `in` (req borrows *prompt: free it with msb__free after the
 * request is used), and the verdict of its answer c, exactly as the
 * online judge makes them. MSB_EINVAL for another kind of judge.
 */
struct msb_request;
struct msb_judge_input;
struct msb_verdict;
struct msb_completion;
int msb__llm_judge_request(const struct msb_judge *j, const struct msb_judge_input *in,
    struct msb_request *req, char **prompt);
int msb__llm_judge_verdict(const struct msb_judge *j, struct msb_verdict *v,
    struct msb_completion *c);

#endif
