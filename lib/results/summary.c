/*
 * lib/results/summary.c - feeding records to the scorer (stats.h) and
 * writing summary.json.
 *
 * The scorer lives in lib/stats and lands separately. Until it does, its
 * functions are referenced weakly: a build without it links, and these
 * calls report MSB_EUNSUPPORTED instead of crashing. Once lib/stats
 * defines them, the same code calls the real scorer with no change.
 */
#include <stdio.h>
#include <string.h>

#include "medsafety/stats.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "results/results.h"

#pragma weak msb_scorer_new
#pragma weak msb_scorer_free
#pragma weak msb_scorer_add
#pragma weak msb_scorer_summary_json

static int have_scorer(void)
{
	return msb_scorer_new && msb_scorer_free && msb_scorer_add && msb_scorer_summary_json;
}

int msb_results_score(const msb_results *r, msb_scorer *s)
{
	size_t i;
	int rc;

	if (!r || !s)
		return msb__error_set(MSB_EINVAL, "msb_results_score: NULL argument");
	if (!have_scorer())
		return msb__error_set(MSB_EUNSUPPORTED, "this build has no scorer (lib/stats)");
	for (i = 0; i < r->n; i++) {
		const struct msb_record *x = &r->recs[i];
		msb_score_record rec = MSB_SCORE_RECORD_INIT;
		rec.id = x->id;
		rec.principle = x->principle;
		rec.category = x->category;
		rec.source = x->source;
		rec.split = x->split;
		rec.score = x->score;
		rec.error = x->error_stage != NULL;
		if ((rc = msb_scorer_add(s, &rec)))
			return rc;
	}
	return 0;
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
	if (!have_scorer())
		return msb__error_set(MSB_EUNSUPPORTED, "this build has no scorer (lib/stats)");
	n = strlen(run_dir) + sizeof "/summary.json";
	path = msb__malloc(n);
	if (!path)
		return MSB_ENOMEM;
	snprintf(path, n, "%s/summary.json", run_dir);
	/* texts are not needed for statistics: keep the memory flat on big runs */
	if (!(rc = msb_results_open(&r, run_dir, MSB_RESULTS_NO_TEXT)) &&
	    !(rc = msb_scorer_new(&s, opts)) && !(rc = msb_results_score(r, s)) &&
	    !(rc = msb_scorer_summary_json(s, &json)))
		rc = msb__file_write_atomic(path, json, strlen(json));
	msb_free(json);
	msb_scorer_free(s);
	msb_results_free(r);
	msb__free(path);
	return rc;
}
