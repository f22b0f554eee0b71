/*
 * lib/paper/target.c - exp01's target prompt formats: which family a
 * model belongs to, the family's prompt (read from the user's copy of
 * exp01_prompt_models.py, never stored here), and a backend that asks
 * another backend in that format.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsafety/paper.h"
#include "medsafety/sys/backend.h"
#include "backend/backend.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "paper/paper_int.h"
#include "backend/completion.h"

static const char *const family_names[MSB_PAPER_N_FAMILIES] = {
	"gpt", "llama", "medalpaca", "med42", "mistral", "vicuna", "pythia",
};

/* exp01's own family names that share a format. */
static const struct {
	const char *name;
	int family;
} aliases[] = {
	{ "llama1", MSB_PAPER_FAMILY_LLAMA },
	{ "llama2", MSB_PAPER_FAMILY_LLAMA },
	{ "llama31", MSB_PAPER_FAMILY_LLAMA },
	{ "meditron", MSB_PAPER_FAMILY_LLAMA },
	{ "clinicalcamel", MSB_PAPER_FAMILY_LLAMA },
};

/* Parts of model names, most specific first ("medalpaca" before "llama"-like ones). */
static const struct {
	const char *part;
	int family;
} model_parts[] = {
	{ "medalpaca", MSB_PAPER_FAMILY_MEDALPACA },
	{ "med42", MSB_PAPER_FAMILY_MED42 },
	{ "meditron", MSB_PAPER_FAMILY_LLAMA },
	{ "clinicalcamel", MSB_PAPER_FAMILY_LLAMA },
	{ "clinical-camel", MSB_PAPER_FAMILY_LLAMA },
	{ "clinical_camel", MSB_PAPER_FAMILY_LLAMA },
	{ "vicuna", MSB_PAPER_FAMILY_VICUNA },
	{ "pythia", MSB_PAPER_FAMILY_PYTHIA },
	{ "mistral", MSB_PAPER_FAMILY_MISTRAL },
	{ "mixtral", MSB_PAPER_FAMILY_MISTRAL },
	{ "llama", MSB_PAPER_FAMILY_LLAMA },
	{ "gpt", MSB_PAPER_FAMILY_GPT },
};

/* exp01 spells the formats as `lambda row:` in this order of families. */
static const int lambda_order[] = {
	MSB_PAPER_FAMILY_LLAMA, MSB_PAPER_FAMILY_MEDALPACA, MSB_PAPER_FAMILY_MED42,
	MSB_PAPER_FAMILY_MISTRAL, MSB_PAPER_FAMILY_VICUNA, MSB_PAPER_FAMILY_PYTHIA,
};

MSB_API const char *msb_paper_family_name(int family)
{
	return family >= 0 && family < MSB_PAPER_N_FAMILIES ? family_names[family] : NULL;
}

MSB_API int msb_paper_family_from_name(const char *name)
{
	size_t i;
	if (!name)
		return msb__error_set(MSB_EINVAL, "msb_paper_family_from_name: NULL name");
	for (i = 0; i < MSB_PAPER_N_FAMILIES; i++)
		if (!strcasecmp(name, family_names[i]))
			return (int)i;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcasecmp(name, aliases[i].name))
			return aliases[i].family;
	return msb__error_set(MSB_EINVAL, "unknown model family '%s' of the paper (known: gpt, llama, "
	    "llama1, llama2, llama31, meditron, clinicalcamel, medalpaca, med42, mistral, vicuna, pythia)",
	    name);
}

/* strstr, ignoring ASCII case. */
static int contains_nocase(const char *s, const char *part)
{
	size_t n = strlen(part);
	for (; *s; s++) {
		size_t k = 0;
		while (k < n && s[k] && tolower((unsigned char)s[k]) == part[k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

MSB_API int msb_paper_family_of_model(int *out, const char *model)
{
	size_t i;
	if (!out || !model)
		return msb__error_set(MSB_EINVAL, "msb_paper_family_of_model: NULL argument");
	for (i = 0; i < sizeof model_parts / sizeof model_parts[0]; i++)
		if (contains_nocase(model, model_parts[i].part)) {
			*out = model_parts[i].family;
			return 0;
		}
	return msb__error_set(MSB_ENOTFOUND, "model '%s' is of none of the paper's families", model);
}

int msb__paper_load_families(msb_paper *p, const char *exp01)
{
	size_t i;
	int rc;

	if (!(p->family[MSB_PAPER_FAMILY_GPT] = msb__strdup("{question}")))
		return msb__error_set(MSB_ENOMEM, "paper: out of memory");
	for (i = 0; i < sizeof lambda_order / sizeof lambda_order[0]; i++) {
		char **t = &p->family[lambda_order[i]];
		if ((rc = msb_py_string_expr(t, exp01, "lambda row:", (int)i)) < 0) {
			msb__error_prefix("exps/exp01_prompt_models.py: the %s format",
			    family_names[lambda_order[i]]);
			return rc;
		}
		if (!strstr(*t, "{row['question']}"))
			return msb__error_set(MSB_EPARSE, "exps/exp01_prompt_models.py: the %s format has "
			    "no row['question']", family_names[lambda_order[i]]);
		if ((rc = msb__paper_replace(t, "{row['question']}", "{question}")) < 0)
			return rc;
	}
	return 0;
}

MSB_API const char *msb_paper_target_template(const msb_paper *p, int family)
{
	return p && family >= 0 && family < MSB_PAPER_N_FAMILIES ? p->family[family] : NULL;
}

/* The template with every {question} replaced by q. */
static int render(char **out, const char *tpl, const char *q)
{
	static const char ph[] = "{question}";
	msb_buf b = MSB_BUF_INIT;
	const char *hit;

	while ((hit = strstr(tpl, ph)) != NULL) {
		msb_buf_put(&b, tpl, (size_t)(hit - tpl));
		msb_buf_puts(&b, q);
		tpl = hit + sizeof ph - 1;
	}
	msb_buf_puts(&b, tpl);
	if (b.failed || !(*out = msb_buf_detach(&b))) {
		msb_buf_dispose(&b);
		return msb__error_set(MSB_ENOMEM, "paper: out of memory");
	}
	return 0;
}

MSB_API int msb_paper_target_prompt(char **out, const msb_paper *p, int family, const char *question)
{
	const char *tpl = msb_paper_target_template(p, family);
	if (out)
		*out = NULL;
	if (!out || !tpl || !question)
		return msb__error_set(MSB_EINVAL, "msb_paper_target_prompt: bad argument");
	return render(out, tpl, question);
}

/* ---- the backend ---- */

typedef struct target {
	msb_backend *inner;
	char *tpl;      /* the family's template */
	char *system;   /* GPT: exp01's system prompt; NULL for the others */
	char *identity;
} target;

static void t_free(void *ud)
{
	target *t = ud;
	if (!t)
		return;
	msb_backend_free(t->inner);
	msb__free(t->tpl);
	msb__free(t->system);
	msb__free(t->identity);
	msb__free(t);
}

/* The request in the family's format; *prompt (new) holds the rendered text. */
static int shape(const target *t, const msb_request *req, msb_request *r, char **prompt)
{
	int rc;
	*r = *req;
	if ((rc = render(prompt, t->tpl, req->prompt ? req->prompt : "")) < 0)
		return rc;
	r->prompt = *prompt;
	r->system = t->system;
	return 0;
}

/* Copy what a completion of inner says into the caller's. */
static int copy_completion(msb_completion *to, const msb_completion *c)
{
	int rc = 0;
	if (msb__completion_text(c))
		rc |= msb_completion_set_text(to, msb__completion_text(c));
	if (msb__completion_reasoning(c))
		rc |= msb_completion_set_reasoning(to, msb__completion_reasoning(c));
	if (msb__completion_finish_reason(c))
		rc |= msb_completion_set_finish_reason(to, msb__completion_finish_reason(c));
	msb_completion_set_usage(to, msb__completion_prompt_tokens(c), msb__completion_completion_tokens(c));
	msb_completion_set_attempts(to, msb__completion_attempts(c));
	msb_completion_set_latency_ms(to, msb__completion_latency_ms(c));
	msb_completion_set_http_status(to, msb__completion_http_status(c));
	if (msb__completion_error_code(c))
		rc |= msb_completion_set_error(to, msb__completion_error_code(c), msb__completion_error_kind(c),
		    msb__completion_error_message(c));
	return rc ? MSB_ENOMEM : 0;
}

static int t_generate(const msb_request *req, msb_completion *out, void *ud)
{
	target *t = ud;
	msb_request r;
	msb_completion *c = NULL;
	char *prompt = NULL;
	int rc, rc2;

	if ((rc = shape(t, req, &r, &prompt)) < 0)
		return rc;
	rc = msb_backend_generate(&c, t->inner, &r);
	msb__free(prompt);
	if (!c)
		return rc;
	rc2 = copy_completion(out, c);
	msb_completion_free(c);
	return rc ? rc : rc2;
}

static int t_submit(const msb_request *req, msb_completion *out, msb_completion_cb done, void *ctx,
    void *ud)
{
	target *t = ud;
	msb_request r;
	char *prompt = NULL;
	int rc;

	if ((rc = shape(t, req, &r, &prompt)) < 0)
		return rc;
	rc = msb_backend_submit(out, t->inner, &r, done, ctx); /* backends copy what they keep */
	msb__free(prompt);
	return rc;
}

static int t_poll(int timeout_ms, void *ud)
{
	return msb_backend_poll(((target *)ud)->inner, timeout_ms);
}

static void t_wakeup(void *ud)
{
	msb_backend_wakeup(((target *)ud)->inner);
}

static int t_capacity(void *ud)
{
	return msb_backend_capacity(((target *)ud)->inner);
}

static const char *t_identity(void *ud)
{
	return ((target *)ud)->identity;
}

static int t_fd(void *ud)
{
	return msb_backend_fd(((target *)ud)->inner);
}

static int t_timeout(void *ud)
{
	return msb_backend_timeout(((target *)ud)->inner);
}

static int t_set_concurrency(int n, void *ud)
{
	return msb_backend_set_concurrency(((target *)ud)->inner, n);
}

static void t_cancel(void *ud)
{
	msb_backend_cancel(((target *)ud)->inner);
}

static int t_dead(char *msg, size_t size, void *ud)
{
	return msb_backend_dead(msg, size, ((target *)ud)->inner);
}

MSB_API int msb_paper_target_backend_new(msb_backend **out, const msb_paper *p, int family,
    msb_backend *inner)
{
	msb_backend_vtable vt;
	target *t;
	msb_buf id = MSB_BUF_INIT;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !p || !inner || !msb_paper_target_template(p, family))
		return msb__error_set(MSB_EINVAL, "msb_paper_target_backend_new: bad argument");
	if (!(t = msb__calloc(1, sizeof *t)))
		return msb__error_set(MSB_ENOMEM, "paper: out of memory");
	msb_buf_printf(&id, "paper-exp01/%s:%s", family_names[family], msb_backend_identity(inner));
	t->identity = msb_buf_detach(&id);
	t->tpl = msb__strdup(p->family[family]);
	if (family == MSB_PAPER_FAMILY_GPT)
		t->system = msb__strdup(p->text[MSB_PAPER_TARGET_SYSTEM]);
	if (!t->identity || !t->tpl || (family == MSB_PAPER_FAMILY_GPT && !t->system)) {
		msb_buf_dispose(&id);
		t_free(t);
		return msb__error_set(MSB_ENOMEM, "paper: out of memory");
	}
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = MSB_BACKEND_THREADSAFE; /* inner's calls are serialised by inner's handle if need be */
	vt.generate = t_generate;
	vt.identity = t_identity;
	vt.free = t_free;
	if (msb_backend_is_async(inner)) {
		vt.submit = t_submit;
		vt.poll = t_poll;
		vt.wakeup = t_wakeup;
		vt.capacity = t_capacity;
		vt.fd = t_fd;
		vt.timeout = t_timeout;
		vt.set_concurrency = t_set_concurrency;
		vt.cancel = t_cancel;
	}
	vt.dead = t_dead;
	t->inner = msb__backend_ref(inner);
	if ((rc = msb_backend_new(out, &vt, t)) < 0) {
		t_free(t);
		return rc;
	}
	return 0;
}
