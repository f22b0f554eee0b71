/*
 * lib/backend/prompt_format.c - prompt formats of model families, for the
 * /completions endpoint (a raw prompt instead of chat messages).
 *
 * Written from the families' published conventions. No BOS token ("<s>")
 * is written: servers add it when they tokenise, and a second one would
 * change the model's input.
 */
#include <string.h>
#include <strings.h>

#include "medsafety/openai.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"

static const char *const format_names[] = {
	"plain", "llama2", "mistral", "vicuna", "medalpaca", "med42",
};
#define N_FORMATS (sizeof format_names / sizeof format_names[0])

/* Vicuna v1.1's own system line, used when the request has none. */
static const char vicuna_default_system[] =
    "A chat between a curious user and an artificial intelligence assistant. "
    "The assistant gives helpful, detailed, and polite answers to the user's questions.";

const char *msb_prompt_format_name(int format)
{
	if (format < 0 || (size_t)format >= N_FORMATS)
		return NULL;
	return format_names[format];
}

int msb_prompt_format_from_name(const char *name)
{
	size_t i;

	if (!name)
		return msb__error_set(MSB_EINVAL, "msb_prompt_format_from_name: NULL name");
	for (i = 0; i < N_FORMATS; i++)
		if (!strcasecmp(name, format_names[i]))
			return (int)i;
	return msb__error_set(MSB_EINVAL,
	    "unknown prompt format '%s' (known: plain, llama2, mistral, vicuna, medalpaca, med42)",
	    name);
}

static int has_text(const char *s)
{
	return s && *s;
}

static void render(msb_buf *b, int format, const char *sys, const char *user)
{
	switch (format) {
	case MSB_PROMPT_PLAIN:
		if (has_text(sys))
			msb_buf_printf(b, "%s\n\n", sys);
		msb_buf_puts(b, user);
		break;
	case MSB_PROMPT_LLAMA2:
		if (has_text(sys))
			msb_buf_printf(b, "[INST] <<SYS>>\n%s\n<</SYS>>\n\n%s [/INST]", sys, user);
		else
			msb_buf_printf(b, "[INST] %s [/INST]", user);
		break;
	case MSB_PROMPT_MISTRAL:
		/* Mistral Instruct has no system role: the system text leads the turn. */
		if (has_text(sys))
			msb_buf_printf(b, "[INST] %s\n\n%s [/INST]", sys, user);
		else
			msb_buf_printf(b, "[INST] %s [/INST]", user);
		break;
	case MSB_PROMPT_VICUNA:
		msb_buf_printf(b, "%s USER: %s ASSISTANT:", has_text(sys) ? sys : vicuna_default_system,
		    user);
		break;
	case MSB_PROMPT_MEDALPACA:
		if (has_text(sys))
			msb_buf_printf(b, "Context: %s\n\n", sys);
		msb_buf_printf(b, "Question: %s\n\nAnswer: ", user);
		break;
	case MSB_PROMPT_MED42:
		if (has_text(sys))
			msb_buf_printf(b, "<|system|>: %s\n", sys);
		msb_buf_printf(b, "<|prompter|>: %s\n<|assistant|>:", user);
		break;
	}
}

int msb_prompt_render(char **out, int format, const char *system, const char *user)
{
	msb_buf b = MSB_BUF_INIT;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_prompt_render: NULL out");
	*out = NULL;
	if (!user)
		return msb__error_set(MSB_EINVAL, "msb_prompt_render: NULL user message");
	if (!msb_prompt_format_name(format))
		return msb__error_set(MSB_EINVAL, "msb_prompt_render: unknown prompt format %d", format);
	render(&b, format, system, user);
	*out = msb_buf_detach(&b);
	return *out ? 0 : MSB_ENOMEM;
}
