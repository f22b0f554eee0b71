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
#include <string.h>

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

/*
 * A scorer's group through the public summary (msb_summary_new and
 * msb_summary_group_byindex): `by` "overall" (key ignored), "principle",
 * "source", "split" or "category". MSB_ENOTFOUND when the summary has no
 * such group or it has no records (as the 0.1 msb_scorer_group); the
 * summary's own errors otherwise. stats or more may be NULL; each is
 * copied only when its version is the current one (else MSB_EVERSION).
 */
static inline int msbt_group2(const msb_scorer *s, const char *by, const char *key,
    msb_group_stats *stats, msb_group_more *more)
{
	msb_summary *sum = NULL;
	size_t i, n;
	int rc;

	if ((stats && stats->version != MSB_GROUP_STATS_VERSION) ||
	    (more && more->version != MSB_GROUP_MORE_VERSION))
		return MSB_EVERSION;
	if ((rc = msb_summary_new(&sum, s)) < 0)
		return rc;
	n = msb_summary_group_count(sum);
	rc = MSB_ENOTFOUND;
	for (i = 0; i < n; i++) {
		msb_summary_group g = { .version = MSB_SUMMARY_GROUP_VERSION };
		if ((rc = msb_summary_group_byindex(&g, sum, i)) < 0)
			break;
		rc = MSB_ENOTFOUND;
		if (strcmp(g.by, by) || (strcmp(by, "overall") && (!key || strcmp(g.key, key))))
			continue;
		if (g.stats.n) {
			if (stats)
				*stats = g.stats;
			if (more)
				*more = g.more;
			rc = 0;
		}
		break;
	}
	msb_summary_free(sum);
	return rc;
}

static inline int msbt_group(const msb_scorer *s, const char *by, const char *key,
    msb_group_stats *out)
{
	return msbt_group2(s, by, key, out, NULL);
}

static inline int msbt_group_more(const msb_scorer *s, const char *by, const char *key,
    msb_group_more *out)
{
	return msbt_group2(s, by, key, NULL, out);
}

/* A benign group through the summary (msb_summary_benign_byindex): by "overall" or "principle". */
static inline int msbt_benign_group(const msb_scorer *s, const char *by, const char *key,
    msb_benign_stats *out)
{
	msb_summary *sum = NULL;
	size_t i, n;
	int rc;

	if (out->version != MSB_BENIGN_STATS_VERSION)
		return MSB_EVERSION;
	if ((rc = msb_summary_new(&sum, s)) < 0)
		return rc;
	n = msb_summary_benign_count(sum);
	rc = MSB_ENOTFOUND;
	for (i = 0; i < n; i++) {
		msb_summary_benign b = { .version = MSB_SUMMARY_BENIGN_VERSION };
		if ((rc = msb_summary_benign_byindex(&b, sum, i)) < 0)
			break;
		rc = MSB_ENOTFOUND;
		if (strcmp(b.by, by) || (strcmp(by, "overall") && (!key || strcmp(b.key, key))))
			continue;
		*out = b.stats;
		rc = 0;
		break;
	}
	msb_summary_free(sum);
	return rc;
}

#endif
