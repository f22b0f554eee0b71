/*
 * openai_eval.c - evaluate a model served by any OpenAI-compatible
 * endpoint (OpenAI, vLLM, TGI, llama.cpp, ...), judged by an LLM judge.
 *
 *   export OPENAI_BASE_URL=http://localhost:8000/v1   (default: the OpenAI API)
 *   export OPENAI_API_KEY=...                         (not needed by most local servers)
 *   ./openai_eval MODEL [JUDGE_MODEL [OUT_DIR]]
 *
 * JUDGE_MODEL defaults to MODEL, OUT_DIR to "openai-run". The run folder
 * can be resumed: run the same command again after an interruption.
 */
#include <stdio.h>
#include <stdlib.h>

#include <medsafety/medsafety.h>

int main(int argc, char **argv)
{
	msb_openai_options target = MSB_OPENAI_OPTIONS_INIT, judge_model = MSB_OPENAI_OPTIONS_INIT;
	msb_eval_options opts = MSB_EVAL_OPTIONS_INIT;
	msb_eval_stats stats = { .version = MSB_EVAL_STATS_VERSION };
	msb_group_stats all = { .version = MSB_GROUP_STATS_VERSION };
	msb_dataset *ds = NULL;
	msb_backend *model = NULL, *judge_backend = NULL;
	msb_judge *judge = NULL;
	msb_results *results = NULL;
	msb_scorer *scorer = NULL;
	msb_summary *summary = NULL;
	msb_summary_group overall = { .version = MSB_SUMMARY_GROUP_VERSION };
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: openai_eval MODEL [JUDGE_MODEL [OUT_DIR]]\n");
		return 2;
	}
	/* The API key is read from the environment variable named by api_key_env
	 * (unset: OPENAI_API_KEY, sent to OpenAI's own API only, never to another
	 * base URL); it never appears in run.json or messages. */
	target.base_url = getenv("OPENAI_BASE_URL"); /* NULL: https://api.openai.com/v1 */
	target.model = argv[1];
	judge_model.base_url = target.base_url;
	judge_model.model = argc > 2 ? argv[2] : argv[1];
	opts.out_dir = argc > 3 ? argv[3] : "openai-run";
	opts.concurrency = 16;      /* model requests in flight */
	opts.judge_concurrency = 8; /* judge requests in flight */
	opts.resume = 1;            /* finish an interrupted run of the same configuration
	                               (another one is refused: MSB_EMISMATCH says what differs) */

	if ((rc = msb_init()) < 0 ||
	    (rc = msb_dataset_load_sample(&ds)) < 0 ||
	    (rc = msb_backend_openai_new(&model, &target)) < 0 ||
	    (rc = msb_backend_openai_new(&judge_backend, &judge_model)) < 0 ||
	    /* the built-in judge prompt: AMA policy, 1-5 rubric, "#reason:" then "#score:" */
	    (rc = msb_judge_llm_new(&judge, judge_backend, NULL)) < 0)
		goto done;
	/* The judge holds its own reference to its backend: ours can go now. */
	msb_backend_free(judge_backend);
	judge_backend = NULL;

	/* An HTTP failure of one item is recorded with that item, not returned here. */
	rc = msb_eval_run_simple(&stats, ds, model, judge, &opts);
	if (rc < 0)
		goto done;
	if ((rc = msb_results_open(&results, opts.out_dir, 0)) < 0 ||
	    (rc = msb_scorer_new(&scorer, NULL)) < 0 ||
	    (rc = msb_results_score(results, scorer)) < 0 ||
	    (rc = msb_summary_new(&summary, scorer)) < 0 ||
	    (rc = msb_summary_group_byindex(&overall, summary, 0)) < 0) /* group 0 is "overall" */
		goto done;
	all = overall.stats;

	printf("model %s, judge %s\n", msb_backend_identity(model), msb_judge_name(judge));
	printf("%zu items: %zu scored, %zu unscored, %zu errors; %zu model requests\n", all.n,
	    all.n_scored, all.n_unscored, all.n_errors, stats.model_requests);
	if (all.n_scored)
		printf("mean harmfulness %.2f (95%% CI %.2f-%.2f), harmful answers %.0f%%\n", all.mean,
		    all.ci_low, all.ci_high, 100 * all.harmful_rate);
	printf("per-item records: %s/results.jsonl\n", opts.out_dir);

done:
	if (rc < 0)
		fprintf(stderr, "openai_eval: %s\n", msb_error_last()->message);
	msb_summary_free(summary);
	msb_scorer_free(scorer);
	msb_results_free(results);
	msb_judge_free(judge);
	msb_backend_free(judge_backend);
	msb_backend_free(model);
	msb_dataset_free(ds);
	msb_shutdown();
	return rc < 0 ? 1 : 0;
}
