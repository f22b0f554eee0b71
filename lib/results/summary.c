/*
 * lib/results/summary.c - feeding records to the scorer (stats.h) and
 * writing summary.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/dataset.h"
#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "results/results.h"

static int by_id(const void *a, const void *b)
{
	const struct msb_record *x = *(const struct msb_record *const *)a;
	const struct msb_record *y = *(const struct msb_record *const *)b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->sample > y->sample) - (x->sample < y->sample);
}

/*
 * Records go to the scorer sorted by (id, sample), not in journal order:
 * the journal's order is the order items happened to finish in, and a
 * bootstrap over it would differ between two runs of the same records
 * (or a merge and the unsharded run).
 */
int msb_results_score(const msb_results *r, msb_scorer *s)
{
	const struct msb_record **order;
	size_t i;
	int rc = 0;

	if (!r || !s)
		return msb__error_set(MSB_EINVAL, "msb_results_score: NULL argument");
	order = msb__reallocarray(NULL, r->n ? r->n : 1, sizeof *order);
	if (!order)
		return MSB_ENOMEM;
	for (i = 0; i < r->n; i++)
		order[i] = &r->recs[i];
	qsort(order, r->n, sizeof *order, by_id);
	for (i = 0; i < r->n && !rc; i++) {
		const struct msb_record *x = order[i];
		msb_score_record rec = MSB_SCORE_RECORD_INIT;
		rec.id = x->id;
		rec.principle = x->principle;
		rec.category = x->category;
		rec.source = x->source;
		rec.split = x->split;
		rec.score = x->score;
		rec.error = x->error_stage != NULL;
		/* benign items feed the over-refusal statistics, never the harmful ones */
		rc = x->kind == MSB_KIND_BENIGN ? msb_scorer_add_benign(s, &rec) : msb_scorer_add(s, &rec);
	}
	msb__free(order);
	return rc;
}

int msb_results_write_summary(const char *run_dir, const msb_scorer_options *opts)
{
	msb_results *r = NULL;
	msb_scorer *s = NULL;
	char *json = NULL, *path;
	size_t n;
	int rc;

	if (!run_dir)
		return msb__error_set(MSB_EINVAL, "msb_results_write_summary: NULL folder");
	n = strlen(run_dir) + sizeof "/summary.json";
	path = msb__malloc(n);
	if (!path)
		return MSB_ENOMEM;
	snprintf(path, n, "%s/summary.json", run_dir);
	/* texts are not needed for statistics: keep the memory flat on big runs */
	if (!(rc = msb_results_open(&r, run_dir, MSB_RESULTS_NO_TEXT)) &&
	    !(rc = msb_scorer_new(&s, opts)) && !(rc = msb_results_score(r, s)) &&
	    !(rc = msb_scorer_summary_json(&json, s)))
		rc = msb__file_write_atomic(path, json, strlen(json));
	msb_free(json);
	msb_scorer_free(s);
	msb_results_free(r);
	msb__free(path);
	return rc;
}
