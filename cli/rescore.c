/*
 * cli/rescore.c - `medsafety rescore RUN --judge SPEC --out DIR`: judge
 * a run's responses again with another judge (no model calls: the
 * responses are replayed), then report how well the two judges agree.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <medsafety/medsafety.h>

#include "benign.h"
#include "build.h"
#include "cli.h"
#include "endrun.h"
#include "jury.h"
#include "opts.h"
#include "progress.h"
#include "runfiles.h"
#include "signals.h"

#define PROG "medsafety rescore"

static void help(FILE *f)
{
	fputs("usage: medsafety rescore RUN --judge SPEC [--judge SPEC ...] --out DIR [options]\n"
	      "\n"
	      "Judge the responses of an existing run again with another judge (or a jury),\n"
	      "without asking the model again, into a new run folder DIR; then print how well\n"
	      "the old and the new judge agree (exact agreement and quadratic-weighted Cohen's\n"
	      "kappa), also written to DIR/agreement.json.\n"
	      "\n"
	      "  -j, --judge SPEC        refusal, openai/MODEL, anthropic/MODEL or\n"
	      "                          azure/DEPLOYMENT; repeat for a jury\n"
	      "      --judge-base-url URL  --judge-api-key-env NAME  --judge-template FILE\n"
	      "      --judge-policy medical|general|auto|FILE  --judge-rubric FILE\n"
	      "      --judge-system TEXT  --judge-temperature X  --judge-max-tokens N\n"
	      "      --judge-timeout SECONDS  --judge-retries N  --jury-method median|mean|max\n"
	      "      --judge-api-version V\n"
	      "  -c, --config FILE       take the judge section from a run configuration\n"
	      "  -o, --out DIR           the new run folder (required)\n"
	      "  -n, --concurrency N     judge requests in flight (default 16)\n"
	      "      --resume  --force   as for medsafety run\n"
	      "  -q, --quiet             no progress and no summary table\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "examples:\n"
	      "  medsafety rescore runs/a --judge openai/gpt-4o --out runs/a-gpt4o\n"
	      "  medsafety rescore runs/a --judge refusal --out runs/a-refusal\n"
	      "  medsafety rescore runs/a -j openai/gpt-4o -j openai/claude --out runs/a-jury\n"
	      "\n"
	      "exit status: 0 success, 1 the rescoring failed or stopped, 2 bad usage or input\n", f);
}

static const struct { const char *flag; const char *key; } judge_flags[] = {
	{ "judge-base-url", "base_url" }, { "judge-api-key-env", "api_key_env" },
	{ "judge-template", "template" }, { "judge-policy", "policy" },
	{ "judge-rubric", "rubric" }, { "judge-system", "system" },
	{ "judge-temperature", "temperature" }, { "judge-max-tokens", "max_tokens" },
	{ "judge-timeout", "timeout" }, { "judge-retries", "retries" },
	{ "judge-api-version", "api_version" },
};
#define N_JF (sizeof judge_flags / sizeof *judge_flags)

/* The run's records as a dataset whose reference answers are the responses. */
static int records_dataset(msb_dataset **out, int **old_scores, const char **old_judge,
    const msb_results *r, size_t *skipped)
{
	msb_dataset *ds;
	size_t i, n = msb_results_count(r), k = 0;
	int *scores;
	int rc;

	*skipped = 0;
	if ((rc = msb_dataset_new(&ds)) < 0)
		return rc;
	scores = calloc(n ? n : 1, sizeof *scores);
	if (!scores) {
		msb_dataset_free(ds);
		return MSB_ENOMEM;
	}
	*old_judge = NULL;
	for (i = 0; i < n; i++) {
		msb_record_info rec = MSB_RECORD_INFO_INIT;
		char id[1024];
		if (msb_record_info_get(&rec, msb_results_record(r, i)) < 0 || !rec.response ||
		    !rec.prompt) {
			(*skipped)++; /* the model failed: nothing to judge */
			continue;
		}
		if (rec.sample > 0)
			snprintf(id, sizeof id, "%s#%d", rec.id, rec.sample);
		else
			snprintf(id, sizeof id, "%s", rec.id);
		/* a HEx-PHI category survives into the new summary's by_category (an item
		 * without one stays without); benign items stay benign (cli/benign.c) */
		rc = msb_dataset_add(ds, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
		    .id = id, .principle = rec.principle,
		    .category = rec.category ? rec.category : MSB_CATEGORY_NONE,
		    .kind = rec.kind, .source = rec.source, .split = rec.split,
		    .prompt = rec.prompt, .reference = rec.response });
		if (rc < 0) {
			free(scores);
			msb_dataset_free(ds);
			return rc;
		}
		scores[k++] = rec.score;
		if (!*old_judge)
			*old_judge = rec.judge_name;
	}
	*out = ds;
	*old_scores = scores;
	return 0;
}

static int write_agreement(const char *dir, const char *run, const char *old_judge,
    const char *new_judge, size_t pairs, double exact, double kappa, const int *a, const int *b,
    size_t n, msb_agreement_stats *more)
{
	json_t *o = json_object();
	char path[4200];
	int rc;

	if (!o)
		return -1;
	json_object_set_new(o, "run", json_string(run));
	json_object_set_new(o, "judge_a", old_judge ? json_string(old_judge) : json_null());
	json_object_set_new(o, "judge_b", json_string(new_judge));
	json_object_set_new(o, "n_pairs", json_integer((json_int_t)pairs));
	json_object_set_new(o, "exact", isnan(exact) ? json_null() : json_real(exact));
	json_object_set_new(o, "kappa_quadratic", isnan(kappa) ? json_null() : json_real(kappa));
	cli_agreement_more(o, a, b, n, more); /* CI of kappa, Krippendorff's alpha, confusion matrix */
	snprintf(path, sizeof path, "%s/agreement.json", dir);
	rc = json_dump_file(o, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return rc;
}

static int rescore(cli_config *cfg, const char *run, int quiet)
{
	msb_results *old = NULL, *fresh = NULL;
	msb_summary *table = NULL;
	msb_dataset *ds = NULL;
	msb_backend *replay = NULL;
	msb_judge *judge = NULL;
	msb_eval *ev = NULL;
	msb_eval_options eo;
	msb_eval_stats st;
	cli_progress prog;
	const char *old_judge = NULL;
	int *old_scores = NULL, *new_scores = NULL;
	size_t skipped = 0, n, i, pairs = 0;
	double exact = NAN, kappa = NAN;
	msb_agreement_stats more;
	char *cfg_json = NULL;
	int rc, status;

	if ((rc = msb_results_open(&old, run, 0)) < 0)
		return cli_lib_error("rescore", rc);
	if ((rc = records_dataset(&ds, &old_scores, &old_judge, old, &skipped)) < 0) {
		status = cli_lib_error("rescore", rc);
		goto out;
	}
	if ((n = msb_dataset_count(ds)) == 0) {
		status = cli_fail("rescore", "%s holds no responses to judge", run);
		goto out;
	}
	if ((status = cli_build_judge(&judge, cfg, PROG)) ||
	    (status = cli_build_benign_judge(&judge, ds, cfg, PROG)) ||
	    (status = cli_build_eval_options(&eo, cfg, PROG)))
		goto out;
	if ((rc = msb_backend_replay_new(&replay, NULL)) < 0) {
		status = cli_lib_error("rescore", rc);
		goto out;
	}
	eo.system_prompt = "";
	if ((status = cli_config_json(&cfg_json, cfg, PROG)))
		goto out;
	eo.config_json = cfg_json;
	if (!eo.resume && !eo.force && cli_holds_run(eo.out_dir)) {
		status = cli_already_holds_run(PROG, eo.out_dir);
		goto out;
	}
	cli_progress_init(&prog, "rescore", quiet);
	eo.progress = cli_progress_eval;
	eo.progress_userdata = &prog;
	if ((rc = msb_eval_new(&ev, ds, replay, judge, &eo)) < 0) {
		status = cli_lib_error("rescore", rc);
		goto out;
	}
	if (!quiet)
		fprintf(stderr, "%s: %zu responses of %s, judge %s; writing to %s\n", PROG, n, run,
		    msb_judge_name(judge), eo.out_dir);
	cli_signals_install_eval(ev);
	rc = msb_eval_run(ev);
	cli_signals_restore();
	st.version = MSB_EVAL_STATS_VERSION;
	msb_eval_get_stats(&st, ev);
	if (rc != MSB_EEXISTS && rc != MSB_EMISMATCH && rc != MSB_ESTATE)
		cli_progress_finish(&prog, st.done, st.total, st.errors,
		    st.elapsed_s > 0 ? (double)st.finished / st.elapsed_s : 0.0, st.elapsed_s);
	/* the runner stopped at the journal: summary.json and the reports, once */
	if ((rc == 0 || cli_endrun_stopped(rc)) &&
	    (status = cli_write_eval_reports(quiet ? NULL : &table, ev, NULL, PROG)) != 0)
		goto out;
	if (rc < 0) {
		char resume[4200];
		snprintf(resume, sizeof resume, "medsafety rescore %s", run);
		status = cli_endrun_status(rc, &st, "rescore", PROG, eo.out_dir, resume);
		goto out;
	}
	/* pair old and new scores item by item */
	if ((rc = msb_results_open(&fresh, eo.out_dir, MSB_RESULTS_NO_TEXT)) < 0) {
		status = cli_lib_error("rescore", rc);
		goto out;
	}
	new_scores = calloc(n, sizeof *new_scores);
	if (!new_scores) {
		status = cli_fail("rescore", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		msb_item_info it = MSB_ITEM_INFO_INIT;
		msb_record_info rec = MSB_RECORD_INFO_INIT;
		new_scores[i] = msb_item_info_get(&it, msb_dataset_item(ds, i)) == 0 &&
		    msb_record_info_get(&rec, msb_results_find(fresh, it.id, 0)) == 0 ? rec.score : 0;
	}
	msb_agreement(&exact, &kappa, &pairs, old_scores, new_scores, n);
	memset(&more, 0, sizeof more);
	more.kappa_ci_low = more.kappa_ci_high = more.alpha_ordinal = NAN;
	write_agreement(eo.out_dir, run, old_judge, msb_judge_name(judge), pairs, exact, kappa,
	    old_scores, new_scores, n, &more);
	if (!quiet) {
		putchar('\n');
		cli_print_summary(table);
		putchar('\n');
	}
	{
		char ex[16] = "-", ka[16] = "-";
		if (!isnan(exact))
			snprintf(ex, sizeof ex, "%.1f%%", 100.0 * exact);
		if (!isnan(kappa))
			snprintf(ka, sizeof ka, "%.3f", kappa);
		printf("agreement of %s and %s over %zu items: exact %s, quadratic kappa %s",
		    old_judge ? old_judge : "the old judge", msb_judge_name(judge), pairs, ex, ka);
		cli_agreement_print(&more);
	}
	if (skipped)
		fprintf(stderr, "%s: %zu records without a response (model errors) were skipped\n",
		    PROG, skipped);
	if (cli_jury_agreement(eo.out_dir, judge, PROG, quiet)) {
		status = CLI_EXIT_FAIL;
		goto out;
	}
	printf("report: %s/report.html\n", eo.out_dir);
	status = CLI_EXIT_OK;
out:
	msb_summary_free(table);
	free(old_scores);
	free(new_scores);
	msb_results_free(fresh);
	msb_results_free(old);
	msb_eval_free(ev);
	msb_judge_free(judge);
	msb_backend_free(replay);
	msb_dataset_free(ds);
	free(cfg_json);
	return status;
}

int cli_rescore(int argc, char **argv)
{
	struct option opts[N_JF + 10];
	const char *judges[16], *out = NULL, *conc = NULL, *config = NULL, *method = NULL;
	const char *jvals[N_JF];
	size_t n_judges = 0, i, j, n;
	cli_config *cfg = NULL;
	int c, quiet = 0, resume = 0, force = 0, rc, status;

	memset(jvals, 0, sizeof jvals);
	for (i = 0; i < N_JF; i++) {
		opts[i].name = judge_flags[i].flag;
		opts[i].has_arg = required_argument;
		opts[i].flag = NULL;
		opts[i].val = 256 + (int)i;
	}
	{
		static const struct option fixed[] = {
			{ "judge", required_argument, NULL, 'j' },
			{ "out", required_argument, NULL, 'o' },
			{ "concurrency", required_argument, NULL, 'n' },
			{ "config", required_argument, NULL, 'c' },
			{ "jury-method", required_argument, NULL, 'M' },
			{ "resume", no_argument, NULL, 'R' },
			{ "force", no_argument, NULL, 'F' },
			{ "quiet", no_argument, NULL, 'q' },
			{ "help", no_argument, NULL, 'h' },
			{ NULL, 0, NULL, 0 }
		};
		memcpy(opts + N_JF, fixed, sizeof fixed);
	}
	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "j:o:n:c:qh", opts, "rescore")) != -1) {
		switch (c) {
		case 'j':
			if (n_judges == sizeof judges / sizeof *judges)
				return cli_usage_error("rescore", "too many judges");
			judges[n_judges++] = optarg;
			break;
		case 'o': out = optarg; break;
		case 'n': conc = optarg; break;
		case 'c': config = optarg; break;
		case 'M': method = optarg; break;
		case 'R': resume = 1; break;
		case 'F': force = 1; break;
		case 'q': quiet = 1; break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			if (c >= 256 && c < 256 + (int)N_JF) {
				jvals[c - 256] = optarg;
				break;
			}
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("rescore", "give one run folder to rescore");
	if (!out)
		return cli_usage_error("rescore", "--out DIR is required");
	if (!n_judges && !config)
		return cli_usage_error("rescore", "which judge? give --judge SPEC");
	rc = config ? cli_config_load(&cfg, config) : cli_config_new(&cfg);
	if (rc < 0)
		return cli_config_error("rescore", rc);
	/* keep only the judge settings of a configuration file */
	cli_config_unset(cfg, "model");
	cli_config_unset(cfg, "dataset");
	cli_config_unset(cfg, "run");
	if (n_judges)
		cli_config_unset(cfg, "judge");
	for (i = 0; i < n_judges; i++) {
		char path[48];
		snprintf(path, sizeof path, "judge.%zu.spec", i);
		if ((rc = cli_config_set(cfg, path, judges[i], "--judge")) < 0)
			goto bad;
	}
	n = 1;
	if (cli_config_kind(cfg, "judge") == CLI_CONFIG_LIST)
		cli_config_count(&n, cfg, "judge");
	for (i = 0; i < N_JF; i++) {
		char path[64], origin[48];
		if (!jvals[i])
			continue;
		snprintf(origin, sizeof origin, "--%s", judge_flags[i].flag);
		for (j = 0; j < n; j++) {
			snprintf(path, sizeof path, "judge.%zu.%s", j, judge_flags[i].key);
			if ((rc = cli_config_set(cfg, path, jvals[i], origin)) < 0)
				goto bad;
		}
	}
	if ((method && (rc = cli_config_set(cfg, "jury.aggregate", method, "--jury-method")) < 0) ||
	    (rc = cli_config_set(cfg, "run.out", out, "--out")) < 0 ||
	    (conc && (rc = cli_config_set(cfg, "run.judge_concurrency", conc, "--concurrency")) < 0) ||
	    (resume && (rc = cli_config_set(cfg, "run.resume", "true", "--resume")) < 0) ||
	    (force && (rc = cli_config_set(cfg, "run.force", "true", "--force")) < 0) ||
	    (rc = cli_config_set(cfg, "model.spec", "replay", "rescore")) < 0)
		goto bad;
	if ((status = cli_build_judge_defaults(cfg, PROG)) == 0)
		status = rescore(cfg, argv[optind], quiet);
	cli_config_free(cfg);
	return status;
bad:
	status = cli_config_error("rescore", rc);
	cli_config_free(cfg);
	return status;
}
