/*
 * lib/judge/jury.c - several judges on the same response, one combined
 * score. Members run one after another through msb_judge_evaluate, which
 * serialises the members that are not thread-safe; the jury itself holds
 * no mutable state, so it is thread-safe.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/sys/judge.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "core/sha256.h"
#include "judge/judge.h"
#include "judge/verdict.h"

typedef struct jury {
	msb_judge **members; /* our references */
	size_t n;
	int method;
	char *name;
	char hash[65];
} jury;

static void jury_free(void *ud)
{
	jury *j = ud;
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++)
		msb_judge_free(j->members[i]);
	msb__free(j->members);
	msb__free(j->name);
	msb__free(j);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

/* Combine k >= 1 scores (sorted in place). Halves round up, in integers. */
static int combine(int *s, size_t k, int method)
{
	size_t i;
	int sum = 0;

	qsort(s, k, sizeof *s, cmp_int);
	switch (method) {
	case MSB_JURY_MAX:
		return s[k - 1];
	case MSB_JURY_MEAN_ROUNDED:
		for (i = 0; i < k; i++)
			sum += s[i];
		return (int)((2 * (size_t)sum + k) / (2 * k)); /* floor(mean + 1/2) */
	default:
		if (k % 2)
			return s[k / 2];
		return (s[k / 2 - 1] + s[k / 2] + 1) / 2;
	}
}

/* One member's verdict as a JSON object for the raw text. */
static json_t *member_json(const char *name, const msb_verdict *v)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "score", v && v->score ? json_integer(v->score) : json_null());
	json_object_set_new(o, "reason", v && v->reason ? json_string(v->reason) : json_null());
	json_object_set_new(o, "error",
	    v && v->error_code ? json_string(v->error_message ? v->error_message : "error") : json_null());
	return o;
}

static int jury_judge(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	jury *j = ud;
	msb_buf reason = MSB_BUF_INIT;
	json_t *members = json_array();
	char *raw_js = NULL;
	int *scores = NULL, first_error = 0, rc = 0;
	size_t i, k = 0, n_errors = 0;

	if (!members || !(scores = msb__calloc(j->n, sizeof *scores))) {
		json_decref(members);
		return MSB_ENOMEM;
	}
	for (i = 0; i < j->n; i++) {
		const char *name = msb_judge_name(j->members[i]);
		msb_verdict *v = NULL;
		int r = msb_judge_evaluate(&v, j->members[i], in);

		if (r == MSB_ENOMEM || !v) {
			msb_verdict_free(v);
			rc = r ? r : MSB_ENOMEM;
			goto done;
		}
		msb_buf_printf(&reason, "%s%s=", i ? "; " : "", name);
		if (v->score) {
			scores[k++] = v->score;
			msb_buf_printf(&reason, "%d", v->score);
		} else if (v->error_code) {
			msb_buf_printf(&reason, "error (%s)", v->error_message ? v->error_message : "?");
			if (!n_errors++) {
				first_error = v->error_code;
				msb_verdict_set_error(out, v->error_code, v->error_kind, v->error_message);
			}
		} else {
			msb_buf_puts(&reason, "none");
		}
		if (json_array_append_new(members, member_json(name, v))) {
			msb_verdict_free(v);
			rc = MSB_ENOMEM;
			goto done;
		}
		msb_verdict_free(v);
	}
	if (reason.failed || !(raw_js = json_dumps(members, JSON_COMPACT))) {
		rc = MSB_ENOMEM;
		goto done;
	}
	if ((rc = msb_verdict_set_raw(out, raw_js)) ||
	    (rc = msb_verdict_set_reason(out, msb_buf_cstr(&reason))))
		goto done;
	if (k) {
		out->score = combine(scores, k, j->method);
	}
	if (n_errors < j->n) {
		/* members' errors are reported in the reason; the jury still stands */
		msb__free(out->error_kind);
		msb__free(out->error_message);
		out->error_kind = out->error_message = NULL;
		out->error_code = 0;
	} else {
		rc = first_error;
	}
done:
	msb__json_free(raw_js); /* jansson's allocation */
	json_decref(members);
	msb_buf_dispose(&reason);
	msb__free(scores);
	return rc;
}

static const char *jury_name(void *ud)
{
	return ((jury *)ud)->name;
}

static const char *jury_hash(void *ud)
{
	return ((jury *)ud)->hash;
}

int msb_judge_jury_new(msb_judge **out, msb_judge *const *judges, size_t n, int method)
{
	msb_judge_vtable vt;
	msb_buf name = MSB_BUF_INIT;
	unsigned char digest[32];
	msb_sha256 s;
	jury *j;
	size_t i;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !judges || !n)
		return msb__error_set(MSB_EINVAL, "msb_judge_jury_new: needs out and at least one judge");
	if (!msb_jury_method_name(method))
		return msb__error_set(MSB_EINVAL, "msb_judge_jury_new: unknown method %d", method);
	for (i = 0; i < n; i++)
		if (!judges[i])
			return msb__error_set(MSB_EINVAL, "msb_judge_jury_new: judge %zu is NULL", i);
	if (!(j = msb__calloc(1, sizeof *j)))
		return MSB_ENOMEM;
	if (!(j->members = msb__calloc(n, sizeof *j->members))) {
		msb__free(j);
		return MSB_ENOMEM;
	}
	j->method = method;
	msb_sha256_init(&s);
	msb_buf_printf(&name, "jury:%s(", msb_jury_method_name(method));
	msb_sha256_update(&s, name.ptr ? name.ptr : "", name.len);
	for (i = 0; i < n; i++) {
		const char *h = msb_judge_config_hash(judges[i]);
		const char *nm = msb_judge_name(judges[i]);

		j->members[j->n++] = msb__judge_ref(judges[i]);
		msb_buf_printf(&name, "%s%s", i ? "," : "", nm);
		msb_sha256_update(&s, nm, strlen(nm) + 1);
		msb_sha256_update(&s, h ? h : "", h ? strlen(h) + 1 : 1);
	}
	msb_buf_putc(&name, ')');
	/* final releases the hash state (a libcrypto context): before any early return */
	msb_sha256_final(&s, digest);
	msb_sha256_tohex(digest, j->hash);
	if (!(j->name = msb_buf_detach(&name))) {
		jury_free(j);
		return MSB_ENOMEM;
	}
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = MSB_JUDGE_THREADSAFE;
	vt.judge = jury_judge;
	vt.name = jury_name;
	vt.config_hash = jury_hash;
	vt.free = jury_free;
	if ((rc = msb_judge_new(out, &vt, j)))
		jury_free(j);
	return rc;
}
