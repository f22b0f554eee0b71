/* lib/mcq/set.c - question sets: storage, accessors, options, loading by format. */
#include <string.h>

#include "medsafety/mcq.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "mcq/load.h"
#include "mcq/mcq.h"

static const msb_mcq_load_options default_options = MSB_MCQ_LOAD_OPTIONS_INIT;

MSB_API int msb_mcq_load_options_init(msb_mcq_load_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_options, version,
	    MSB_MCQ_LOAD_OPTIONS_VERSION, "msb_mcq_load_options");
}

msb_mcq_set *msb__mcq_set_new(void)
{
	msb_mcq_set *s = msb__calloc(1, sizeof *s);
	if (!s)
		msb__error_set(MSB_ENOMEM, "mcq: out of memory");
	else
		s->refs = 1;
	return s;
}

msb__mcq_question *msb__mcq_push(msb_mcq_set *set)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		msb__mcq_question *q = msb__reallocarray(set->q, cap, sizeof *q);
		if (!q) {
			msb__error_set(MSB_ENOMEM, "mcq: out of memory");
			return NULL;
		}
		set->q = q;
		set->cap = cap;
	}
	memset(&set->q[set->n], 0, sizeof set->q[0]);
	return &set->q[set->n++];
}

int msb__mcq_dup(char **dst, const char *s)
{
	*dst = msb__strdup(s ? s : "");
	return *dst ? 0 : msb__error_set(MSB_ENOMEM, "mcq: out of memory");
}

static void question_dispose(msb__mcq_question *q)
{
	int k;
	msb__free(q->id);
	msb__free(q->question);
	msb__free(q->context);
	msb__free(q->subject);
	msb__free(q->source);
	for (k = 0; k < MSB_MCQ_MAX_OPTIONS; k++)
		msb__free(q->options[k]);
}

MSB_API void msb_mcq_set_free(msb_mcq_set *set)
{
	size_t i;
	if (!set || __atomic_sub_fetch(&set->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < set->n; i++)
		question_dispose(&set->q[i]);
	msb__free(set->q);
	msb__free(set);
}

msb_mcq_set *msb__mcq_set_ref(msb_mcq_set *set)
{
	__atomic_add_fetch(&set->refs, 1, __ATOMIC_ACQ_REL);
	return set;
}

MSB_API size_t msb_mcq_count(const msb_mcq_set *set)
{
	return set ? set->n : 0;
}

static const msb__mcq_question *at(const msb_mcq_set *set, size_t i)
{
	return set && i < set->n ? &set->q[i] : NULL;
}

const char *msb__mcq_id(const msb_mcq_set *set, size_t i)
{
	const msb__mcq_question *q = at(set, i);
	return q ? q->id : NULL;
}

const char *msb__mcq_subject(const msb_mcq_set *set, size_t i)
{
	const msb__mcq_question *q = at(set, i);
	return q ? q->subject : NULL;
}

MSB_API int msb_mcq_item_info_get(msb_mcq_item_info *out, const msb_mcq_set *set, size_t i)
{
	msb_mcq_item_info info;
	const msb__mcq_question *q = at(set, i);
	int rc;

	if (!out || !set)
		return msb__error_set(MSB_EINVAL, "msb_mcq_item_info_get: NULL argument");
	if (!q)
		return msb__error_set(MSB_EINVAL, "msb_mcq_item_info_get: question %zu of %zu", i, set->n);
	if ((rc = msb__out_version(out->version, MSB_MCQ_ITEM_INFO_VERSION, "msb_mcq_item_info_get",
	    "msb_mcq_item_info")))
		return rc;
	memset(&info, 0, sizeof info);
	info.version = out->version;
	info.id = q->id;
	info.question = q->question;
	info.context = q->context;
	info.subject = q->subject;
	info.source = q->source;
	info.n_options = q->n_options;
	info.options = (const char *const *)q->options;
	info.answer = q->answer;
	/* version 1 is the only layout: a later one copies the prefix its version knows */
	*out = info;
	return 0;
}

MSB_API int msb_mcq_load(msb_mcq_set **out, const char *path, const msb_mcq_load_options *opts)
{
	msb_mcq_load_options o = MSB_MCQ_LOAD_OPTIONS_INIT;
	msb_mcq_set *set;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_mcq_load: NULL out");
	*out = NULL;
	if (!path)
		return msb__error_set(MSB_EINVAL, "msb_mcq_load: NULL path");
	if ((rc = msb__check_version(opts, MSB_MCQ_LOAD_OPTIONS_VERSION, "msb_mcq_load_options")))
		return rc;
	if (opts)
		o = *opts;
	if (o.format < MSB_MCQ_FORMAT_AUTO || o.format > MSB_MCQ_FORMAT_GENERIC)
		return msb__error_set(MSB_EINVAL, "msb_mcq_load: unknown format %d", o.format);
	if (o.cop_base < MSB_MCQ_COP_AUTO || o.cop_base > MSB_MCQ_COP_ZERO)
		return msb__error_set(MSB_EINVAL, "msb_mcq_load: unknown cop_base %d", o.cop_base);
	if (strcmp(path, "mcq-sample") == 0)
		return msb_mcq_load_sample(out);
	if (!(set = msb__mcq_set_new()))
		return MSB_ENOMEM;
	rc = msb__mcq_load_file(set, path, &o);
	if (rc < 0) {
		msb_mcq_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}
