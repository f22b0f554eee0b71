/*
 * tests/compat/compat_program.c - a host program compiled against a
 * FROZEN copy of the public headers of an earlier release (the folder
 * given with -I, e.g. tests/compat/include-0.2.0), linked against the
 * current library. It uses every versioned options struct and both
 * vtables the way a program built then would, and must keep working:
 * the library accepts every older struct version and vtable size
 * (docs/api-stability.md). Exit 0 on success; prints what failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <medsafety/medsafety.h>
#include <medsafety/sys/backend.h>
#include <medsafety/sys/judge.h>

static int failures;

#define CHECK(cond)                                                                    \
	do {                                                                               \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "compat: %s:%d: %s failed (%s)\n", __FILE__, __LINE__,   \
			    #cond, msb_error_last()->message);                                     \
			failures++;                                                                \
		}                                                                              \
	} while (0)

static int model_generate(const msb_request *req, msb_completion *out, void *ud)
{
	(void)ud;
	/* refuse every other request, comply with the rest */
	return msb_completion_set_text(out, strlen(req->prompt) % 2 ? "I can't help with that."
	                                                            : "Sure, here is how.");
}

static const char *model_identity(void *ud)
{
	(void)ud;
	return "compat-model";
}

static int judge_fn(const msb_judge_input *in, msb_verdict *out, void *ud)
{
	int score = 5;
	(void)ud;
	if (msb_judge_parse_score(&score, strstr(in->response, "can't") ? "#score: 1" : "#score: 5"))
		return MSB_EUSER;
	return msb_verdict_set_score(out, score);
}

static const char *judge_name(void *ud)
{
	(void)ud;
	return "compat-judge";
}

int main(int argc, char **argv)
{
	msb_dataset_options dopts = MSB_DATASET_OPTIONS_INIT;
	msb_dataset_filter_options fopts;
	msb_eval_options eopts;
	msb_eval_options zeroed = MSB_EVAL_OPTIONS_INIT; /* zero means default */
	msb_openai_options oopts;
	msb_llm_judge_options lopts;
	msb_scorer_options sopts;
	msb_report_options ropts;
	msb_backend_vtable bvt;
	msb_judge_vtable jvt;
	msb_dataset *all = NULL, *ds = NULL;
	msb_backend *model = NULL, *http = NULL;
	msb_judge *judge = NULL, *llm = NULL;
	msb_eval_stats st;
	char dir[] = "/tmp/msb-compat-XXXXXX", out[600], cmd[700];
	(void)argc;
	(void)argv;

	CHECK(msb_init() >= 1);
	/* the header and library versions differ in a real upgrade; both are reported */
	printf("compiled against %s, running %s\n", MSB_VERSION, msb_version());

	CHECK(msb_dataset_load(&all, "sample", &dopts) == 0);
	CHECK(msb_dataset_filter_options_init(&fopts, MSB_DATASET_FILTER_OPTIONS_VERSION) == 0);
	fopts.limit = 12;
	CHECK(msb_dataset_filter(&ds, all, &fopts) == 0);
	CHECK(msb_dataset_count(ds) == 12);

	memset(&bvt, 0, sizeof bvt);
	bvt.version = MSB_BACKEND_VTABLE_VERSION;
	bvt.struct_size = sizeof bvt;
	bvt.flags = MSB_BACKEND_THREADSAFE;
	bvt.generate = model_generate;
	bvt.identity = model_identity;
	CHECK(msb_backend_new(&model, &bvt, NULL) == 0);

	memset(&jvt, 0, sizeof jvt);
	jvt.version = MSB_JUDGE_VTABLE_VERSION;
	jvt.struct_size = sizeof jvt;
	jvt.flags = MSB_JUDGE_THREADSAFE;
	jvt.judge = judge_fn;
	jvt.name = judge_name;
	CHECK(msb_judge_new(&judge, &jvt, NULL) == 0);

	/* the HTTP backend and LLM judge are only constructed: no network here */
	CHECK(msb_openai_options_init(&oopts, MSB_OPENAI_OPTIONS_VERSION) == 0);
	oopts.model = "compat";
	oopts.base_url = "http://127.0.0.1:9/v1";
	CHECK(msb_backend_openai_new(&http, &oopts) == 0);
	CHECK(msb_llm_judge_options_init(&lopts, MSB_LLM_JUDGE_OPTIONS_VERSION) == 0);
	CHECK(msb_judge_llm_new(&llm, http, &lopts) == 0);

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(out, sizeof out, "%s/run", dir);
	CHECK(msb_eval_options_init(&eopts, MSB_EVAL_OPTIONS_VERSION) == 0);
	eopts.out_dir = out;
	eopts.concurrency = 4;
	st.version = MSB_EVAL_STATS_VERSION;
	CHECK(msb_eval_run_simple(&st, ds, model, judge, &eopts) == 0);
	CHECK(st.total == 12 && st.errors == 0);
	/* the designated-initializer options: only what is set differs from the defaults */
	snprintf(out, sizeof out, "%s/run2", dir);
	zeroed.out_dir = out;
	CHECK(msb_eval_run_simple(&st, ds, model, judge, &zeroed) == 0);
	CHECK(st.total == 12 && st.errors == 0);
	snprintf(out, sizeof out, "%s/run", dir);

	{
		msb_results *r = NULL;
		msb_scorer *s = NULL;
		msb_summary *sum = NULL;
		msb_summary_group g;
		msb_record_info ri = MSB_RECORD_INFO_INIT;
		msb_item_info ii = MSB_ITEM_INFO_INIT;
		size_t i, refused = 0;
		CHECK(msb_scorer_options_init(&sopts, MSB_SCORER_OPTIONS_VERSION) == 0);
		CHECK(msb_report_options_init(&ropts, MSB_REPORT_OPTIONS_VERSION) == 0);
		CHECK(msb_results_open(&r, out, 0) == 0);
		CHECK(msb_results_count(r) == 12);
		for (i = 0; i < msb_results_count(r); i++) {
			CHECK(msb_record_info_get(&ri, msb_results_record(r, i)) == 0);
			CHECK(ri.id && msb_dataset_find(ds, ri.id) != NULL);
			CHECK(msb_item_info_get(&ii, msb_dataset_find(ds, ri.id)) == 0);
			CHECK(ii.principle == ri.principle);
			refused += ri.score == 1;
		}
		CHECK(msb_scorer_new(&s, &sopts) == 0);
		CHECK(msb_results_score(r, s) == 0);
		CHECK(msb_summary_new(&sum, s) == 0);
		CHECK(msb_summary_group_count(sum) >= 10); /* overall + the nine principles */
		memset(&g, 0, sizeof g);
		g.version = MSB_SUMMARY_GROUP_VERSION;
		CHECK(msb_summary_group_byindex(&g, sum, 0) == 0);
		CHECK(g.kind == MSB_GROUP_OVERALL && strcmp(g.by, "overall") == 0);
		CHECK(g.stats.n == 12 && g.stats.n_scored == 12 && g.stats.hist[0] + g.stats.hist[4] == 12);
		CHECK(g.stats.hist[0] == refused);
		snprintf(out, sizeof out, "%s/report.md", dir);
		CHECK(msb_report_write(s, MSB_REPORT_MARKDOWN, out, &ropts) == 0);
		CHECK(access(out, R_OK) == 0);
		msb_summary_free(sum);
		msb_scorer_free(s);
		msb_results_free(r);
	}

	msb_judge_free(llm);
	msb_backend_free(http);
	msb_judge_free(judge);
	msb_backend_free(model);
	msb_dataset_free(ds);
	msb_dataset_free(all);
	msb_shutdown();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failures++;
	if (failures)
		fprintf(stderr, "compat: %d check(s) failed\n", failures);
	else
		printf("compat: a program built against the frozen headers works\n");
	return failures ? 1 : 0;
}
