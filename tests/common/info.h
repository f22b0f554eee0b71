/*
 * tests/common/info.h - the public info structs by value, for tests that
 * read one field at a time: msbt_record(rec).id is msb_record_info_get's
 * id. Public API only (API tests include it too). A NULL object gives the
 * struct the old per-field getters answered for NULL: NULL strings, 0,
 * -1 for token counts, the harmful kind, -1 for an MCQ answer.
 */
#ifndef MSB_TESTS_COMMON_INFO_H
#define MSB_TESTS_COMMON_INFO_H

#include <stddef.h>

#include "medsafety/medsafety.h"

static inline void msbt_usage_unknown(msb_usage *u)
{
	u->prompt_tokens = -1;
	u->completion_tokens = -1;
}

static inline msb_record_info msbt_record(const msb_record *rec)
{
	msb_record_info i = MSB_RECORD_INFO_INIT;
	if (msb_record_info_get(&i, rec) < 0)
		msbt_usage_unknown(&i.usage);
	return i;
}

static inline msb_completion_info msbt_completion(const msb_completion *c)
{
	msb_completion_info i = MSB_COMPLETION_INFO_INIT;
	if (msb_completion_info_get(&i, c) < 0) {
		msbt_usage_unknown(&i.usage);
		i.reasoning_tokens = i.cached_tokens = -1;
	}
	return i;
}

static inline msb_verdict_info msbt_verdict(const msb_verdict *v)
{
	msb_verdict_info i = MSB_VERDICT_INFO_INIT;
	if (msb_verdict_info_get(&i, v) < 0) {
		msbt_usage_unknown(&i.usage);
		i.reasoning_tokens = i.cached_tokens = -1;
	}
	return i;
}

static inline msb_item_info msbt_item(const msb_item *item)
{
	msb_item_info i = MSB_ITEM_INFO_INIT;
	(void)msb_item_info_get(&i, item);
	return i;
}

static inline msb_mcq_item_info msbt_mcq(const msb_mcq_set *set, size_t q)
{
	msb_mcq_item_info i = MSB_MCQ_ITEM_INFO_INIT;
	if (msb_mcq_item_info_get(&i, set, q) < 0) {
		i.n_options = -1;
		i.answer = -1;
	}
	return i;
}

/* Option k of question q, NULL when either is out of range. */
static inline const char *msbt_mcq_option(const msb_mcq_set *set, size_t q, int k)
{
	msb_mcq_item_info i = msbt_mcq(set, q);
	return k >= 0 && k < i.n_options ? i.options[k] : NULL;
}

#endif
