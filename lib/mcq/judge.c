/*
 * lib/mcq/judge.c - a judge that scores multiple-choice answers, so that
 * the runner (concurrency, journal, resume, progress) runs mcq unchanged.
 * Synchronous and thread-safe: it only reads the set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/mcq.h"
#include "medsafety/sys/judge.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sha256.h"
#include "mcq/mcq.h"

typedef struct mcq_judge {
	msb_mcq_set *set;   /* a reference */
	size_t *by_id;      /* question indices sorted by id */
	char hash[65];
} mcq_judge;

static int cmp_index(const void *a, const void *b, void *set)
{
	const msb_mcq_set *s = set;
	return strcmp(s->q[*(const size_t *)a].id, s->q[*(const size_t *)b].id);
}

static long find(const mcq_judge *m, const char *id)
{
	size_t lo = 0, hi = m->set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->set->q[m->by_id[mid]].id, id);
		if (c == 0)
			return (long)m->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int mcq_judge_fn(const msb_judge_input *in, msb_verdict *out, void *userdata)
{
	mcq_judge *m = userdata;
	const msb__mcq_question *q;
	char reason[64], raw[2] = { 0, 0 };
	long i = in->id ? find(m, in->id) : -1;
	int index = -1, rc;

	if (i < 0) {
		msb_verdict_set_error(out, MSB_ENOTFOUND, "mcq", "no question with this id in the set");
		return MSB_ENOTFOUND;
	}
	q = &m->set->q[i];
	rc = msb_mcq_parse_answer_options(&index, in->response ? in->response : "",
	    (const char *const *)q->options, q->n_options);
	if (rc < 0) {
		msb_verdict_set_error(out, rc, "mcq", "cannot parse the answer");
		return rc;
	}
	if (rc == 1) {
		raw[0] = (char)('A' + index);
		snprintf(reason, sizeof reason, "chose %c, right %c", 'A' + index, 'A' + q->answer);
	} else {
		snprintf(reason, sizeof reason, "no answer found, right %c", 'A' + q->answer);
	}
	if ((rc = msb_verdict_set_score(out, rc == 1 ? (index == q->answer ? 1 : 5) : 0)) < 0 ||
	    (rc = msb_verdict_set_reason(out, reason)) < 0 || (rc = msb_verdict_set_raw(out, raw)) < 0)
		return rc;
	return 0;
}

static const char *mcq_name(void *userdata)
{
	(void)userdata;
	return "mcq";
}

static const char *mcq_hash(void *userdata)
{
	return ((mcq_judge *)userdata)->hash;
}

static void mcq_free(void *userdata)
{
	mcq_judge *m = userdata;
	if (!m)
		return;
	msb_mcq_set_free(m->set);
	msb__free(m->by_id);
	msb__free(m);
}

MSB_API int msb_mcq_judge_new(msb_judge **out, msb_mcq_set *set)
{
	msb_judge_vtable vt;
	mcq_judge *m;
	size_t i;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !set)
		return msb__error_set(MSB_EINVAL, "msb_mcq_judge_new: NULL argument");
	if (!(m = msb__calloc(1, sizeof *m)) ||
	    !(m->by_id = msb__reallocarray(NULL, set->n ? set->n : 1, sizeof *m->by_id))) {
		msb__free(m);
		return msb__error_set(MSB_ENOMEM, "msb_mcq_judge_new: out of memory");
	}
	m->set = msb__mcq_set_ref(set);
	for (i = 0; i < set->n; i++)
		m->by_id[i] = i;
	qsort_r(m->by_id, set->n, sizeof *m->by_id, cmp_index, set); /* glibc (_GNU_SOURCE) */
	/* the verdicts depend only on the parser's rules: version them here */
	msb_sha256_hex("libmedsafety mcq judge 1", 24, m->hash);
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = MSB_JUDGE_THREADSAFE;
	vt.judge = mcq_judge_fn;
	vt.name = mcq_name;
	vt.config_hash = mcq_hash;
	vt.free = mcq_free;
	if ((rc = msb_judge_new(out, &vt, m)) < 0)
		mcq_free(m);
	return rc;
}
