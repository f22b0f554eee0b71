/* lib/judge/llm.h - template rendering shared by the LLM judge and the public renderer (internal). */
#ifndef MSB_JUDGE_LLM_H
#define MSB_JUDGE_LLM_H

#include "core/buf.h"

/*
 * Append `tmpl` to b with {policy}, {rubric}, {question}, {response}
 * replaced by values[0..3] (one pass, exact). 0 or MSB_ENOMEM.
 */
int msb__template_render(msb_buf *b, const char *tmpl, const char *const values[4]);

#endif
