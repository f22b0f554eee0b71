/*
 * lib/judge/llm_judge.c - the LLM judge: render the judge prompt, ask a
 * model through any backend, parse "#reason:" / "#score:".
 *
 * The judge is immutable once made, so it is thread-safe; the backend
 * serialises itself when it must. With an asynchronous backend the judge
 * is asynchronous too, so the runner can keep many judge calls in flight
 * on the backend's own event loop: submit renders and forwards, and the
 * backend's completion callback parses the answer.
 */
#include <stdio.h>
#include <string.h>

#include "medsafety/sys/backend.h"
#include "medsafety/sys/judge.h"
#include "backend/backend.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/sha256.h"
#include "judge/judge.h"
#include "judge/llm.h"
#include "judge/parse.h"
#include "judge/verdict.h"
#include "backend/completion.h"

/* What msb_llm_judge_options_init fills in: every default explicit. */
static const msb_llm_judge_options default_options = {
	.version = MSB_LLM_JUDGE_OPTIONS_VERSION,
	.policy = MSB_POLICY_AUTO,
	.temperature = 0.0,
	.max_tokens = 512,
};

int msb_llm_judge_options_init(msb_llm_judge_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_options, version,
	    MSB_LLM_JUDGE_OPTIONS_VERSION, "msb_llm_judge_options");
}

typedef struct llm_judge {
	msb_backend *backend; /* our reference */
	char *tmpl;
	int policy;           /* msb_policy_kind */
	char *medical;
	char *general;
	char *custom;         /* with MSB_POLICY_CUSTOM */
	char *rubric;
	char *system;         /* NULL: no system prompt */
	double temperature;
	int max_tokens;
	char *name;
	char hash[65];
} llm_judge;

static void llm_free(void *ud)
{
	llm_judge *lj = ud;

	if (!lj)
		return;
	msb_backend_free(lj->backend);
	msb__free(lj->tmpl);
	msb__free(lj->medical);
	msb__free(lj->general);
	msb__free(lj->custom);
	msb__free(lj->rubric);
	msb__free(lj->system);
	msb__free(lj->name);
	msb__free(lj);
}

/* The text of one setting: from `file` read as it is, else `text`, else `fallback`. */
static int load_text(char **dst, const char *text, const char *file, const char *fallback,
    const char *what)
{
	const char *src;
	size_t len;
	int rc;

	*dst = NULL;
	if (text && file)
		return msb__error_set(MSB_EINVAL,
		    "LLM judge: the %s is given both as text and as a file; give one", what);
	if (file) {
		if ((rc = msb__file_read(dst, &len, file)))
			return msb__error_prefix("LLM judge %s", what);
		if (strlen(*dst) != len) {
			msb__free(*dst);
			*dst = NULL;
			return msb__error_set(MSB_EPARSE, "%s: the %s file holds a NUL byte", file, what);
		}
		return 0;
	}
	src = text ? text : fallback;
	if (!src)
		return 0;
	*dst = msb__strdup(src);
	return *dst ? 0 : MSB_ENOMEM;
}

/* Hash a field with its length first, so that no two settings hash alike. */
static void hash_field(msb_sha256 *s, const char *text)
{
	unsigned char len[8];
	size_t n = text ? strlen(text) + 1 : 0; /* NULL and "" differ */
	int i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)((unsigned long long)n >> (8 * i));
	msb_sha256_update(s, len, sizeof len);
	if (text)
		msb_sha256_update(s, text, n - 1);
}

static void compute_hash(llm_judge *lj)
{
	unsigned char digest[32];
	char settings[96];
	msb_sha256 s;

	msb_sha256_init(&s);
	hash_field(&s, "libmedsafety llm judge 1");
	hash_field(&s, lj->tmpl);
	snprintf(settings, sizeof settings, "policy=%d temperature=%.17g max_tokens=%d",
	    lj->policy, lj->temperature, lj->max_tokens);
	hash_field(&s, settings);
	/* only the policies this judge can show */
	hash_field(&s, lj->policy == MSB_POLICY_CUSTOM || lj->policy == MSB_POLICY_GENERAL ? NULL : lj->medical);
	hash_field(&s, lj->policy == MSB_POLICY_CUSTOM || lj->policy == MSB_POLICY_MEDICAL ? NULL : lj->general);
	hash_field(&s, lj->custom);
	hash_field(&s, lj->rubric);
	hash_field(&s, lj->system);
	hash_field(&s, msb_backend_identity(lj->backend));
	msb_sha256_final(&s, digest);
	msb_sha256_tohex(digest, lj->hash);
}

static const char *policy_for(const llm_judge *lj, const msb_judge_input *in)
{
	switch (lj->policy) {
	case MSB_POLICY_CUSTOM:
		return lj->custom;
	case MSB_POLICY_MEDICAL:
		return lj->medical;
	case MSB_POLICY_GENERAL:
		return lj->general;
	default:
		return msb_policy_for_item(in->source, in->principle, in->category) == MSB_POLICY_GENERAL
		    ? lj->general : lj->medical;
	}
}

static int render(char **out, const llm_judge *lj, const msb_judge_input *in)
{
	msb_buf b = MSB_BUF_INIT;
	const char *values[4];

	values[0] = policy_for(lj, in);
	values[1] = lj->rubric;
	values[2] = in->prompt;
	values[3] = in->response;
	/* one allocation: the text is about 4,000 characters for every judge call */
	msb_buf_grow(&b, strlen(lj->tmpl) + (values[0] ? strlen(values[0]) : 0) +
	    (values[1] ? strlen(values[1]) : 0) + (values[2] ? strlen(values[2]) : 0) +
	    (values[3] ? strlen(values[3]) : 0));
	if (msb__template_render(&b, lj->tmpl, values)) {
		msb_buf_dispose(&b);
		return MSB_ENOMEM;
	}
	*out = msb_buf_detach(&b);
	return *out ? 0 : MSB_ENOMEM;
}

static void make_request(msb_request *req, const llm_judge *lj, const msb_judge_input *in,
    const char *prompt)
{
	static const msb_request init = MSB_REQUEST_INIT;

	*req = init;
	req->id = in->id;
	req->system = lj->system;
	req->prompt = prompt;
	req->max_tokens = lj->max_tokens;
	req->temperature = lj->temperature;
}

/*
 * Turn a finished judge call into the verdict. rc is the settled status
 * of the backend call: a failure becomes the verdict's error; an answer
 * without a valid score is a verdict without score, not a failure.
 */
static int finish(msb_verdict *v, msb_completion *c, int rc, double t0)
{
	const char *text = msb__completion_text(c);
	size_t at, b, e;
	int score, r;

	msb_verdict_set_usage(v, msb__completion_prompt_tokens(c), msb__completion_completion_tokens(c));
	v->reasoning_tokens = msb__completion_reasoning_tokens(c);
	v->cached_tokens = msb__completion_cached_tokens(c);
	v->attempts = msb__completion_attempts(c) > 0 ? msb__completion_attempts(c) : 1;
	v->latency_ms = msb__completion_latency_ms(c) > 0 ? msb__completion_latency_ms(c)
	                                                 : msb__now_ms() - t0;
	if (text && (r = msb_verdict_set_raw(v, text)))
		return r;
	if (rc < 0) {
		if ((r = msb_verdict_set_error(v, rc, msb__completion_error_kind(c),
		         msb__completion_error_message(c))))
			return r;
		return rc;
	}
	if (!text)
		text = ""; /* settled calls always carry text; be safe anyway */
	msb__judge_find_score(text, &score, &at);
	v->score = score;
	if (msb__judge_find_reason(text, at, &b, &e) == 0) {
		char *reason = msb__strndup(text + b, e - b);
		if (!reason)
			return MSB_ENOMEM;
		msb__free(v->reason);
		v->reason = reason;
	}
	return 0;
}

static int llm_judge_fn(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	llm_judge *lj = ud;
	msb_completion *c = NULL;
	msb_request req;
	char *prompt;
	double t0 = msb__now_ms();
	int rc;

	if ((rc = render(&prompt, lj, in)))
		return rc;
	make_request(&req, lj, in, prompt);
	rc = msb_backend_generate(&c, lj->backend, &req);
	msb__free(prompt);
	if (!c)
		return rc;
	rc = finish(out, c, rc, t0);
	msb_completion_free(c);
	return rc;
}

/* ---- asynchronous path ---- */

typedef struct pending {
	char *prompt; /* kept until done, for backends that borrow it */
	msb_completion *c;
	msb_verdict *v;
	msb_verdict_cb done;
	void *done_ctx;
	double t0;
} pending;

static void pending_free(pending *p)
{
	msb__free(p->prompt);
	msb_completion_free(p->c);
	msb__free(p);
}

static void on_completion(msb_completion *c, int status, void *ctx)
{
	pending *p = ctx;
	int rc;

	rc = msb__completion_settle(c, status);
	rc = finish(p->v, c, rc, p->t0);
	rc = msb__verdict_settle(p->v, rc);
	p->done(p->v, rc, p->done_ctx);
	pending_free(p);
}

static int llm_submit(const msb_judge_input *in, msb_verdict *out, msb_verdict_cb done,
    void *done_ctx, void *ud)
{
	llm_judge *lj = ud;
	msb_request req;
	pending *p;
	int rc;

	if (!(p = msb__calloc(1, sizeof *p)))
		return MSB_ENOMEM;
	p->v = out;
	p->done = done;
	p->done_ctx = done_ctx;
	p->t0 = msb__now_ms();
	if ((rc = render(&p->prompt, lj, in)) || (rc = msb_completion_new(&p->c))) {
		pending_free(p);
		return rc;
	}
	make_request(&req, lj, in, p->prompt);
	if ((rc = msb_backend_submit(p->c, lj->backend, &req, on_completion, p))) {
		pending_free(p);
		return rc;
	}
	return 0;
}

static int llm_poll(int timeout_ms, void *ud)
{
	return msb_backend_poll(((llm_judge *)ud)->backend, timeout_ms);
}

static void llm_wakeup(void *ud)
{
	msb_backend_wakeup(((llm_judge *)ud)->backend);
}

static int llm_capacity(void *ud)
{
	return msb_backend_capacity(((llm_judge *)ud)->backend);
}

static int llm_fd(void *ud)
{
	return msb_backend_fd(((llm_judge *)ud)->backend);
}

static int llm_timeout(void *ud)
{
	return msb_backend_timeout(((llm_judge *)ud)->backend);
}

static const char *llm_name(void *ud)
{
	return ((llm_judge *)ud)->name;
}

static const char *llm_config_hash(void *ud)
{
	return ((llm_judge *)ud)->hash;
}

/* ---- construction ---- */

static int load_settings(llm_judge *lj, const msb_llm_judge_options *o)
{
	int rc, has_custom = o->policy_text || o->policy_file;

	if (o->policy < MSB_POLICY_AUTO || o->policy > MSB_POLICY_CUSTOM)
		return msb__error_set(MSB_EINVAL, "LLM judge: unknown policy kind %d", o->policy);
	if (has_custom && o->policy != MSB_POLICY_AUTO && o->policy != MSB_POLICY_CUSTOM)
		return msb__error_set(MSB_EINVAL,
		    "LLM judge: a policy text or file goes with MSB_POLICY_CUSTOM, not with kind %d",
		    o->policy);
	if (o->policy == MSB_POLICY_CUSTOM && !has_custom)
		return msb__error_set(MSB_EINVAL, "LLM judge: MSB_POLICY_CUSTOM needs policy_text or policy_file");
	lj->policy = has_custom ? MSB_POLICY_CUSTOM : o->policy;
	lj->temperature = o->temperature;
	/* version 2: 0 is the default, < 0 the server's; version 1: as given (<= 0 the server's) */
	lj->max_tokens = o->version < 2 ? o->max_tokens
	    : o->max_tokens == 0 ? default_options.max_tokens : o->max_tokens < 0 ? 0 : o->max_tokens;
	if ((rc = load_text(&lj->tmpl, o->template_text, o->template_file,
	         msb_judge_template_default(), "template")) ||
	    (rc = load_text(&lj->custom, o->policy_text, o->policy_file, NULL, "policy")) ||
	    (rc = load_text(&lj->medical, o->medical_policy_text, o->medical_policy_file,
	         msb_policy_text(MSB_POLICY_MEDICAL), "medical policy")) ||
	    (rc = load_text(&lj->general, o->general_policy_text, o->general_policy_file,
	         msb_policy_text(MSB_POLICY_GENERAL), "general policy")) ||
	    (rc = load_text(&lj->rubric, o->rubric_text, o->rubric_file, msb_rubric_text(), "rubric")))
		return rc;
	if (!o->system)
		lj->system = msb__strdup(msb_judge_system_default());
	else if (o->system[0])
		lj->system = msb__strdup(o->system);
	if ((!o->system || o->system[0]) && !lj->system)
		return MSB_ENOMEM;
	return 0;
}

int msb_judge_llm_new(msb_judge **out, msb_backend *backend, const msb_llm_judge_options *opts)
{
	msb_llm_judge_options o = default_options;
	msb_judge_vtable vt;
	msb_buf name = MSB_BUF_INIT;
	llm_judge *lj;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !backend)
		return msb__error_set(MSB_EINVAL, "msb_judge_llm_new: NULL out or backend");
	if ((rc = msb__check_version(opts, MSB_LLM_JUDGE_OPTIONS_VERSION, "msb_llm_judge_options")))
		return rc;
	if (opts)
		memcpy(&o, opts, sizeof o); /* versions 1 and 2 have one layout; load_settings reads the version */
	if (!(lj = msb__calloc(1, sizeof *lj)))
		return MSB_ENOMEM;
	lj->backend = msb__backend_ref(backend);
	if ((rc = load_settings(lj, &o))) {
		llm_free(lj);
		return rc;
	}
	msb_buf_puts(&name, "llm:");
	msb_buf_puts(&name, msb_backend_identity(backend));
	if (!(lj->name = msb_buf_detach(&name))) {
		llm_free(lj);
		return MSB_ENOMEM;
	}
	compute_hash(lj);

	memset(&vt, 0, sizeof vt);
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = MSB_JUDGE_THREADSAFE;
	vt.judge = llm_judge_fn;
	if (msb_backend_is_async(backend)) {
		vt.submit = llm_submit;
		vt.poll = llm_poll;
		vt.wakeup = llm_wakeup;
		vt.capacity = llm_capacity;
		vt.fd = llm_fd;
		vt.timeout = llm_timeout;
	}
	vt.name = llm_name;
	vt.config_hash = llm_config_hash;
	vt.free = llm_free;
	if ((rc = msb_judge_new(out, &vt, lj)))
		llm_free(lj);
	return rc;
}

int msb_judge_llm_render(char **out, const msb_judge *j, const msb_judge_input *in)
{
	int rc;

	if (out)
		*out = NULL;
	if (!out || !j)
		return msb__error_set(MSB_EINVAL, "msb_judge_llm_render: NULL argument");
	if (j->vt.judge != llm_judge_fn)
		return msb__error_set(MSB_EINVAL, "judge %s is not an LLM judge", msb_judge_name(j));
	if ((rc = msb__judge_input_check(in)))
		return rc;
	return render(out, j->userdata, in);
}

struct msb_backend *msb__judge_llm_backend(const msb_judge *j)
{
	if (!j || j->vt.judge != llm_judge_fn)
		return NULL;
	return ((llm_judge *)j->userdata)->backend;
}

int msb__llm_judge_hashes(const msb_judge *j, char template_hex[65], char policy_hex[65])
{
	const llm_judge *lj;
	unsigned char digest[32];
	char kind[32];
	msb_sha256 s;

	if (!j || j->vt.config_hash != llm_config_hash)
		return 0;
	lj = j->userdata;
	msb_sha256_hex(lj->tmpl, strlen(lj->tmpl), template_hex);
	msb_sha256_init(&s);
	snprintf(kind, sizeof kind, "policy=%d", lj->policy);
	hash_field(&s, kind);
	hash_field(&s, lj->policy == MSB_POLICY_CUSTOM || lj->policy == MSB_POLICY_GENERAL ? NULL : lj->medical);
	hash_field(&s, lj->policy == MSB_POLICY_CUSTOM || lj->policy == MSB_POLICY_MEDICAL ? NULL : lj->general);
	hash_field(&s, lj->custom);
	hash_field(&s, lj->rubric);
	msb_sha256_final(&s, digest);
	msb_sha256_tohex(digest, policy_hex);
	return 1;
}

/* ---- for the batch judge stage (lib/eval/batch.c) ---- */

int msb__llm_judge_request(const msb_judge *j, const msb_judge_input *in, msb_request *req,
    char **prompt)
{
	int rc;

	*prompt = NULL;
	if (!j || j->vt.judge != llm_judge_fn)
		return msb__error_set(MSB_EINVAL, "judge %s is not an LLM judge", msb_judge_name(j));
	if ((rc = render(prompt, j->userdata, in)))
		return rc;
	make_request(req, j->userdata, in, *prompt);
	return 0;
}

int msb__llm_judge_verdict(const msb_judge *j, msb_verdict *v, msb_completion *c)
{
	if (!j || j->vt.judge != llm_judge_fn)
		return msb__error_set(MSB_EINVAL, "judge %s is not an LLM judge", msb_judge_name(j));
	return finish(v, c, 0, msb__now_ms());
}
