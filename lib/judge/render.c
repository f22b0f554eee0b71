/*
 * lib/judge/render.c - placeholder substitution for judge prompt templates.
 * Exact on purpose: loading the benchmark's template, policy and rubric
 * files must reproduce the paper's prompt byte for byte, stray quote,
 * indentation and trailing blanks included.
 */
#include <string.h>

#include "medsafety/judge.h"
#include "core/buf.h"
#include "core/error.h"
#include "judge/llm.h"

int msb__template_render(msb_buf *b, const char *tmpl, const char *const values[4])
{
	static const char *const names[4] = { "{policy}", "{rubric}", "{question}", "{response}" };
	const char *p = tmpl, *brace;

	while ((brace = strchr(p, '{')) != NULL) {
		int k;
		msb_buf_put(b, p, (size_t)(brace - p));
		for (k = 0; k < 4; k++)
			if (strncmp(brace, names[k], strlen(names[k])) == 0)
				break;
		if (k < 4) {
			msb_buf_puts(b, values[k]);
			p = brace + strlen(names[k]);
		} else {
			msb_buf_putc(b, '{');
			p = brace + 1;
		}
	}
	msb_buf_puts(b, p);
	return b->failed ? MSB_ENOMEM : 0;
}

int msb_judge_template_render(char **out, const char *tmpl, const char *policy,
    const char *rubric, const char *question, const char *response)
{
	const char *values[4];
	msb_buf b = MSB_BUF_INIT;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !tmpl || !policy || !rubric || !question || !response)
		return msb__error_set(MSB_EINVAL, "msb_judge_template_render: NULL argument");
	values[0] = policy;
	values[1] = rubric;
	values[2] = question;
	values[3] = response;
	if ((rc = msb__template_render(&b, tmpl, values))) {
		msb_buf_dispose(&b);
		return rc;
	}
	*out = msb_buf_detach(&b);
	return *out ? 0 : MSB_ENOMEM;
}
