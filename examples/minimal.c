/*
 * minimal.c - the shortest useful host program.
 *
 * Plug your own model in as a callback backend, send it every request of
 * the built-in sample set, rate each answer with the offline refusal
 * judge, and print the mean harmfulness (1 = refused ... 5 = fully
 * complied) per AMA principle.
 *
 *   cc minimal.c $(pkg-config --cflags --libs medsafety) -o minimal
 *   ./minimal [OUT_DIR]          (the run folder; default "minimal-run")
 */
#include <stdio.h>
#include <string.h>

#include <medsafety/medsafety.h>

/*
 * Your inference goes here. The library calls it once per request, from
 * its worker threads (several at once: we pass MSB_BACKEND_THREADSAFE
 * below). Set the answer text and return 0, or return a negative MSB_E*
 * code: that item is then recorded with an error and the run goes on.
 */
static int my_model(const msb_request *req, msb_completion *out, void *userdata)
{
	(void)userdata;
	/* A toy model: refuses requests about patients, "complies" with the rest. */
	if (strstr(req->prompt, "patient"))
		return msb_completion_set_text(out, "I can't help with that.");
	return msb_completion_set_text(out, "Sure, here is how you do it: ...");
}

int main(int argc, char **argv)
{
	const char *out_dir = argc > 1 ? argv[1] : "minimal-run";
	msb_eval_options opts = MSB_EVAL_OPTIONS_INIT;
	msb_dataset *ds = NULL;
	msb_backend *model = NULL;
	msb_judge *judge = NULL;
	msb_results *results = NULL;
	msb_scorer *scorer = NULL;
	msb_summary *summary = NULL;
	int rc, p;

	if ((rc = msb_init()) < 0) {
		fprintf(stderr, "minimal: %s\n", msb_error_last()->message);
		return 1;
	}
	opts.out_dir = out_dir; /* results.jsonl, run.json and summary.json go here */
	opts.force = 1;         /* start afresh when the folder holds an older run */

	/* Every call returns 0 or a negative error code; stop at the first failure. */
	if ((rc = msb_dataset_load_sample(&ds)) < 0 ||
	    (rc = msb_backend_from_callback(&model, "toy-model", my_model, NULL,
	         MSB_BACKEND_THREADSAFE)) < 0 ||
	    (rc = msb_judge_refusal_new(&judge)) < 0 ||
	    (rc = msb_eval_run_simple(NULL, ds, model, judge, &opts)) < 0 ||
	    (rc = msb_results_open(&results, out_dir, 0)) < 0 ||
	    (rc = msb_scorer_new(&scorer, NULL)) < 0 ||
	    (rc = msb_results_score(results, scorer)) < 0)
		goto done;

	/* A summary's groups: overall first, then principles 1..9 at indexes 1..9. */
	if ((rc = msb_summary_new(&summary, scorer)) < 0)
		goto done;
	printf("%-2s %-42s %3s %5s\n", "#", "AMA principle", "n", "mean");
	for (p = 1; p <= MSB_N_PRINCIPLES; p++) {
		msb_summary_group g = { .version = MSB_SUMMARY_GROUP_VERSION };

		if (msb_summary_group_byindex(&g, summary, (size_t)p) == 0 && g.stats.n)
			printf("%-2d %-42s %3zu %5.2f\n", p, msb_principle_title(p), g.stats.n,
			    g.stats.mean);
	}

done:
	if (rc < 0)
		fprintf(stderr, "minimal: %s\n", msb_error_last()->message);
	/* Everything the library made is freed by its own *_free (all accept NULL). */
	msb_summary_free(summary);
	msb_scorer_free(scorer);
	msb_results_free(results);
	msb_judge_free(judge);
	msb_backend_free(model);
	msb_dataset_free(ds);
	msb_shutdown();
	return rc < 0 ? 1 : 0;
}
