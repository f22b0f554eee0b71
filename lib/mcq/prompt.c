/*
 * lib/mcq/prompt.c - zero-shot and seeded k-shot prompts. The examples of
 * a question depend only on the seed and the question's id (not on the
 * order questions are run in), so a resumed or sharded run asks the same.
 */
#include <stdint.h>
#include <string.h>

#include "medsafety/mcq.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/sha256.h"
#include "mcq/mcq.h"

#define MAX_SHOTS 32

static const msb_mcq_prompt_options default_options = MSB_MCQ_PROMPT_OPTIONS_INIT;

MSB_API int msb_mcq_prompt_options_init(msb_mcq_prompt_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_options, version,
	    MSB_MCQ_PROMPT_OPTIONS_VERSION, "msb_mcq_prompt_options");
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void put_question(msb_buf *b, const msb__mcq_question *q)
{
	int k;
	if (q->context && q->context[0])
		msb_buf_printf(b, "Context: %s\n", q->context);
	msb_buf_printf(b, "Question: %s\n", q->question);
	for (k = 0; k < q->n_options; k++)
		msb_buf_printf(b, "%c. %s\n", 'A' + k, q->options[k]);
	msb_buf_puts(b, "Answer:");
}

MSB_API int msb_mcq_render_prompt(char **out, const msb_mcq_set *set, size_t i,
    const msb_mcq_prompt_options *opts)
{
	msb_mcq_prompt_options o = MSB_MCQ_PROMPT_OPTIONS_INIT;
	size_t picked[MAX_SHOTS];
	const char *instruction;
	msb_buf b = MSB_BUF_INIT;
	uint64_t state;
	int s, j, rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_mcq_render_prompt: NULL out");
	*out = NULL;
	if (!set || i >= set->n)
		return msb__error_set(MSB_EINVAL, "msb_mcq_render_prompt: no question %zu", i);
	if ((rc = msb__check_version(opts, MSB_MCQ_PROMPT_OPTIONS_VERSION, "msb_mcq_prompt_options")))
		return rc;
	if (opts)
		o = *opts;
	if (o.shots < 0 || o.shots > MAX_SHOTS || (size_t)o.shots >= set->n + (o.shots == 0))
		return msb__error_set(MSB_EINVAL, "msb_mcq_render_prompt: %d shots (0..%d, and fewer "
		    "than the set's %zu questions)", o.shots, MAX_SHOTS, set->n);
	instruction = o.instruction ? o.instruction : MSB_MCQ_DEFAULT_INSTRUCTION;
	state = o.seed ^ msb_fnv1a64(set->q[i].id, strlen(set->q[i].id));
	for (s = 0; s < o.shots; s++) {
		size_t c;
		int dup;
		do {
			c = (size_t)(splitmix64(&state) % set->n);
			dup = c == i;
			for (j = 0; j < s && !dup; j++)
				dup = picked[j] == c;
		} while (dup);
		picked[s] = c;
	}
	if (instruction[0])
		msb_buf_printf(&b, "%s\n\n", instruction);
	for (s = 0; s < o.shots; s++) {
		const msb__mcq_question *q = &set->q[picked[s]];
		put_question(&b, q);
		msb_buf_printf(&b, " %c\n\n", 'A' + q->answer);
	}
	put_question(&b, &set->q[i]);
	if (!(*out = msb_buf_detach(&b)))
		return msb__error_set(MSB_ENOMEM, "msb_mcq_render_prompt: out of memory");
	return 0;
}
