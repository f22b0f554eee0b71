/*
 * lib/judge/by_kind.c - one judge for a run that holds both kinds of
 * item: harmful items go to the harmfulness judge, benign ones to a
 * judge of helpfulness or refusal (docs/judges.md, "Benign answers").
 * The runner needs no change: it sees one judge, and the item id in
 * msb_judge_input says which member answers.
 */
#include <string.h>

#include "medsafety/sys/judge.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/strmap.h"
#include "judge/judge.h"
#include "judge/verdict.h"
#include "dataset/dataset.h"

typedef struct by_kind {
	msb_judge *harmful, *benign; /* our references */
	msb_strmap benign_ids;       /* ids of the benign items */
	char *name;
	char hash[65];
} by_kind;

static void by_kind_free(void *ud)
{
	by_kind *k = ud;

	if (!k)
		return;
	msb_judge_free(k->harmful);
	msb_judge_free(k->benign);
	msb_strmap_dispose(&k->benign_ids);
	msb__free(k->name);
	msb__free(k);
}

/* Copy the member's verdict into the one the runner gave us. */
static int copy_verdict(msb_verdict *out, const msb_verdict *v)
{
	int rc = 0;

	if (v->reason && (rc = msb_verdict_set_reason(out, v->reason)))
		return rc;
	if (v->raw && (rc = msb_verdict_set_raw(out, v->raw)))
		return rc;
	msb_verdict_set_usage(out, v->prompt_tokens, v->completion_tokens);
	msb_verdict_set_attempts(out, v->attempts);
	msb_verdict_set_latency_ms(out, v->latency_ms);
	if (v->error_code) {
		if ((rc = msb_verdict_set_error(out, v->error_code, v->error_kind, v->error_message)))
			return rc;
		return v->error_code;
	}
	if (v->score)
		msb_verdict_set_score(out, v->score);
	return 0;
}

static int by_kind_judge(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	by_kind *k = ud;
	msb_judge *j = in->id && msb_strmap_get(&k->benign_ids, in->id, NULL) ? k->benign : k->harmful;
	msb_verdict *v = NULL;
	int rc = msb_judge_evaluate(&v, j, in);

	if (!v)
		return rc ? rc : MSB_ENOMEM;
	rc = copy_verdict(out, v);
	msb_verdict_free(v);
	return rc;
}

static const char *by_kind_name(void *ud)
{
	return ((by_kind *)ud)->name;
}

static const char *by_kind_hash(void *ud)
{
	return ((by_kind *)ud)->hash;
}

int msb_judge_by_kind_new(msb_judge **out, msb_judge *harmful, msb_judge *benign,
    const msb_dataset *ds)
{
	msb_judge_vtable vt;
	by_kind *k;
	msb_buf name = MSB_BUF_INIT;
	msb_sha256 s;
	unsigned char digest[32];
	const char *h;
	size_t i;
	int rc = MSB_ENOMEM;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_judge_by_kind_new: NULL out");
	*out = NULL;
	if (!harmful || !benign || !ds)
		return msb__error_set(MSB_EINVAL, "msb_judge_by_kind_new: NULL judge or dataset");
	if (!(k = msb__calloc(1, sizeof *k)))
		return MSB_ENOMEM;
	for (i = 0; i < msb_dataset_count(ds); i++) {
		const msb_item *it = msb_dataset_item(ds, i);
		if (msb__item_kind(it) == MSB_KIND_BENIGN &&
		    msb_strmap_put(&k->benign_ids, msb__item_id(it), 1, NULL))
			goto fail;
	}
	msb_buf_printf(&name, "%s+benign:%s", msb_judge_name(harmful), msb_judge_name(benign));
	if (!(k->name = msb_buf_detach(&name)))
		goto fail;
	/* the pair's identity; which items are benign is part of the dataset hash */
	msb_sha256_init(&s);
	msb_sha256_update(&s, "libmedsafety by-kind judge 1", 28);
	h = msb_judge_config_hash(harmful);
	msb_sha256_update(&s, h ? h : "-", strlen(h ? h : "-") + 1);
	h = msb_judge_config_hash(benign);
	msb_sha256_update(&s, h ? h : "-", strlen(h ? h : "-") + 1);
	msb_sha256_final(&s, digest);
	msb_sha256_tohex(digest, k->hash);
	k->harmful = msb__judge_ref(harmful);
	k->benign = msb__judge_ref(benign);
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_JUDGE_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = MSB_JUDGE_THREADSAFE;
	vt.judge = by_kind_judge;
	vt.name = by_kind_name;
	vt.config_hash = by_kind_hash;
	vt.free = by_kind_free;
	if ((rc = msb_judge_new(out, &vt, k)))
		by_kind_free(k);
	return rc;
fail:
	msb_buf_dispose(&name);
	by_kind_free(k);
	return rc == MSB_ENOMEM ? msb__error_set(MSB_ENOMEM, "msb_judge_by_kind_new: out of memory") : rc;
}
