/*
 * lib/results/tally.c - the scorer's input of a run folder in memory
 * (tally.h): what msb_results_open(MSB_RESULTS_NO_TEXT) + msb_results_score
 * would feed a scorer from the same journal, without parsing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/dataset.h"
#include "core/alloc.h"
#include "core/error.h"
#include "results/tally.h"
#include "runfolder/runfolder.h"

void msb__tally_init(msb__tally *t)
{
	memset(t, 0, sizeof *t);
}

void msb__tally_dispose(msb__tally *t)
{
	if (!t)
		return;
	msb_arena_dispose(&t->arena);
	msb_strmap_dispose(&t->index);
	msb_strmap_dispose(&t->strs);
	msb__free(t->recs);
	msb__free(t->strtab);
	memset(t, 0, sizeof *t);
}

static int has_high(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* s as the journal's line holds it (invalid UTF-8 repaired as the writer does), in the arena. */
static const char *copy_text(msb__tally *t, const char *s)
{
	json_t *j;
	const char *c;

	if (!has_high(s))
		return msb_arena_strdup(&t->arena, s);
	if (!(j = msb__json_text(s)))
		return NULL;
	c = msb_arena_strdup(&t->arena, json_string_value(j));
	json_decref(j);
	return c;
}

/* A shared copy of a short repetitive string (source, split); NULL stays NULL. */
static int intern(msb__tally *t, const char *s, const char **out)
{
	size_t at;
	const char *c;

	*out = NULL;
	if (!s)
		return 0;
	if (msb_strmap_get(&t->strs, s, &at)) {
		*out = t->strtab[at];
		return 0;
	}
	if (t->n_strs == t->cap_strs) {
		size_t ncap = t->cap_strs ? t->cap_strs * 2 : 16;
		const char **nt = msb__reallocarray(t->strtab, ncap, sizeof *nt);
		if (!nt)
			return MSB_ENOMEM;
		t->strtab = nt;
		t->cap_strs = ncap;
	}
	if (!(c = copy_text(t, s)) || msb_strmap_put(&t->strs, s, t->n_strs, NULL))
		return MSB_ENOMEM;
	t->strtab[t->n_strs++] = c;
	*out = c;
	return 0;
}

static int fail(msb__tally *t)
{
	t->failed = 1;
	return msb__error_set(MSB_ENOMEM, "out of memory keeping the run's scores");
}

int msb__tally_add(msb__tally *t, const msb__rf_record *r)
{
	msb__tally_rec rec;
	char key[4200];
	size_t at;
	int existed = 0;

	if (t->failed)
		return MSB_ENOMEM;
	/* the reader's rule (msb__rf_record_invalid): such a line is skipped, its unit runs again */
	if (!r->id || r->principle < 0 || r->principle > 9 || r->category < 0 ||
	    r->category > 1000000 || r->sample < 0 || r->sample > 1000000 || r->score < 0 ||
	    r->score > 5)
		return 0;
	memset(&rec, 0, sizeof rec);
	rec.sample = r->sample;
	rec.principle = r->principle;
	rec.category = r->category;
	rec.score = (signed char)r->score;
	rec.error = r->error_stage != NULL;
	rec.benign = r->kind && !strcmp(r->kind, "benign");
	if (!(rec.id = copy_text(t, r->id)) || intern(t, r->source, &rec.source) ||
	    intern(t, r->split, &rec.split))
		return fail(t);
	snprintf(key, sizeof key, "%.4000s\x1f%d", rec.id, rec.sample);
	if (msb_strmap_get(&t->index, key, &at)) {
		existed = 1;
	} else {
		if (t->n == t->cap) {
			size_t ncap = t->cap ? t->cap * 2 : 256;
			msb__tally_rec *nr = msb__reallocarray(t->recs, ncap, sizeof *nr);
			if (!nr)
				return fail(t);
			t->recs = nr;
			t->cap = ncap;
		}
		at = t->n;
		if (msb_strmap_put(&t->index, key, at, NULL))
			return fail(t);
		t->n++;
	}
	(void)existed;
	t->recs[at] = rec;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const msb__tally_rec *x = *(const msb__tally_rec *const *)a;
	const msb__tally_rec *y = *(const msb__tally_rec *const *)b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->sample > y->sample) - (x->sample < y->sample);
}

int msb__tally_score(const msb__tally *t, msb_scorer *s)
{
	const msb__tally_rec **order;
	size_t i;
	int rc = 0;

	if (t->failed)
		return msb__error_set(MSB_ENOMEM, "the run's scores were not kept (out of memory)");
	order = msb__reallocarray(NULL, t->n ? t->n : 1, sizeof *order);
	if (!order)
		return MSB_ENOMEM;
	for (i = 0; i < t->n; i++)
		order[i] = &t->recs[i];
	/* the order msb_results_score feeds (the bootstrap depends on it) */
	qsort(order, t->n, sizeof *order, by_id);
	for (i = 0; i < t->n && !rc; i++) {
		const msb__tally_rec *x = order[i];
		msb_score_record rec = MSB_SCORE_RECORD_INIT;
		rec.id = x->id;
		rec.principle = x->principle;
		rec.category = x->category;
		rec.source = x->source;
		rec.split = x->split;
		rec.score = x->score;
		rec.error = x->error;
		rc = x->benign ? msb_scorer_add_benign(s, &rec) : msb_scorer_add(s, &rec);
	}
	msb__free(order);
	return rc;
}
