/*
 * cli/run.c - `medsafety run`: the flags and the optional --config file
 * become one configuration (flags win), which builds the dataset, model,
 * judge and runner; progress on stderr, the summary table and the report
 * paths on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include <medsafety/medsafety.h>

#include "benign.h"
#include "build.h"
#include "cli.h"
#include "dataset_args.h"
#include "dryrun.h"
#include "batchbudget.h"
#include "cost.h"
#include "jury.h"
#include "opts.h"
#include "endrun.h"
#include "preset.h"
#include "progress.h"
#include "run_args.h"
#include "rundir.h"
#include "runbatch.h"
#include "runfiles.h"
#include "signals.h"

#define PROG "medsafety run"

/* Bit p set for each principle 1..9 that an item of ds has. */
static unsigned principles_of(const msb_dataset *ds)
{
	unsigned mask = 0;
	size_t i, n = msb_dataset_count(ds);

	for (i = 0; i < n; i++) {
		msb_item_info info = MSB_ITEM_INFO_INIT;
		int p = msb_item_info_get(&info, msb_dataset_item(ds, i)) == 0 ? info.principle : 0;
		if (p >= 1 && p <= 9)
			mask |= 1u << p;
	}
	return mask;
}

/*
 * --limit N keeps the first N items, and the data is ordered by principle:
 * say which principles that left out, and that --sample N draws from all.
 */
static void warn_limit(const cli_dataset_args *dargs, const msb_dataset *ds)
{
	cli_dataset_args all = *dargs;
	msb_dataset *full = NULL;
	unsigned kept, missing;
	char list[64] = "";
	size_t len = 0;
	int p;

	if (!dargs->filter.limit || dargs->filter.sample)
		return;
	all.filter.limit = 0;
	if (cli_dataset_args_open(&all, PROG, &full) != 0)
		return;
	kept = principles_of(ds);
	missing = principles_of(full) & ~kept;
	msb_dataset_free(full);
	if (!missing)
		return;
	for (p = 1; p <= 9; p++)
		if (missing & (1u << p))
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", len ? ", " : "", p);
	fprintf(stderr, "%s: warning: --limit %zu keeps the first %zu items, which leave out "
	    "principle%s %s; --sample %zu --seed S draws them from every principle\n", PROG,
	    dargs->filter.limit, dargs->filter.limit, strchr(list, ',') ? "s" : "", list,
	    dargs->filter.limit);
}

/* "model X, judge Y" for the report's subtitle. */
static void describe(char *buf, size_t size, msb_backend *b, msb_judge *j)
{
	snprintf(buf, size, "model %s, judge %s", msb_backend_identity(b),
	    j ? msb_judge_name(j) : "none");
}

/*
 * summary.json and the reports, once; *overall (when given) gets the run's
 * overall group from the same summary (n 0 when there is none).
 */
static int finish_folder(const char *dir, msb_eval *ev, const cli_config *cfg, int quiet,
    msb_group_stats *overall)
{
	char **formats = NULL;
	msb_summary *table = NULL;
	msb_summary_group g = { .version = MSB_SUMMARY_GROUP_VERSION };
	int status, rc;

	if (overall)
		memset(overall, 0, sizeof *overall);
	rc = cli_config_get_strings(&formats, NULL, cfg, "report.formats");
	if (rc < 0 && rc != MSB_ENOTFOUND)
		return CLI_EXIT_USAGE;
	/*
	 * the runner stopped at the journal: summary.json and the reports, once,
	 * from the scores it kept as it journaled (results.jsonl is not read back)
	 */
	status = ev ? cli_write_eval_reports(&table, ev, (const char *const *)formats, PROG) :
	    cli_write_reports(&table, dir, (const char *const *)formats, NULL, PROG);
	free(formats);
	if (status)
		return status;
	if (!quiet) {
		putchar('\n');
		cli_print_summary(table);
		putchar('\n');
	}
	/* group 0 is "overall" (msb_summary_group_byindex) */
	if (overall && table && msb_summary_group_count(table) > 0 &&
	    msb_summary_group_byindex(&g, table, 0) == 0)
		*overall = g.stats;
	msb_summary_free(table);
	return 0;
}

/* Where the report is: the HTML one when written, else the first format. */
static void print_report_path(const char *dir)
{
	char path[4200];
	static const char *const names[] = { "report.html", "report.md", "report.csv", "summary.json" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (access(path, R_OK) == 0) {
			printf("report: %s\n", path);
			break;
		}
	}
	printf("results: %s/results.jsonl\n", dir);
}

/*
 * Unscored is not success: more than max_unscored (run.max_unscored,
 * default MSB_MAX_UNSCORED_DEFAULT) of the records without a readable
 * verdict fails the run. Exit status; the reason on stderr.
 */
static int check_unscored(const char *dir, const cli_config *cfg, const msb_group_stats *all)
{
	double max = msb_max_unscored_default(), share;
	int rc = cli_config_get_double(&max, cfg, "run.max_unscored");

	if (rc < 0 && rc != MSB_ENOTFOUND)
		return cli_config_error("run", rc);
	if (rc == MSB_ENOTFOUND)
		max = msb_max_unscored_default();
	share = all->n > 0 ? (double)all->n_unscored / (double)all->n : 0;
	if (all->n_unscored > 0 && share > max) {
		fprintf(stderr, "%s: %zu of %zu records (%.1f%%) are unscored: the judge's verdict "
		    "could not be read (more than --max-unscored %g); see the judge's \"raw\" in "
		    "%s/results.jsonl, then run again with --resume --retry-unscored --out %s\n",
		    PROG, all->n_unscored, all->n, 100.0 * share, max, dir, dir);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static int run_eval(cli_config *cfg, int quiet, const cli_prices *prices)
{
	cli_dataset_args dargs;
	msb_dataset *ds = NULL;
	msb_backend *model = NULL;
	msb_judge *judge = NULL;
	msb_eval *ev = NULL;
	msb_eval_options eo;
	msb_eval_stats st;
	msb_group_stats overall = { 0 };
	cli_progress prog;
	char subtitle[512], *cfg_json = NULL;
	int status, rc, cost_status;

	if ((status = cli_build_dataset_args(&dargs, cfg, PROG)) ||
	    (status = cli_dataset_args_open(&dargs, PROG, &ds)) ||
	    (status = cli_build_model(&model, cfg, PROG)) ||
	    (status = cli_preset_model(&model, cfg, PROG)) || /* exp01's format: cli/preset.c */
	    (status = cli_build_judge(&judge, cfg, PROG)) ||
	    (status = cli_build_benign_judge(&judge, ds, cfg, PROG)) ||
	    (status = cli_build_eval_options(&eo, cfg, PROG)))
		goto out;
	if (msb_dataset_count(ds) == 0) {
		fprintf(stderr, "%s: no items left after the filters\n", PROG);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	warn_limit(&dargs, ds);
	if ((status = cli_config_json(&cfg_json, cfg, PROG)))
		goto out;
	eo.config_json = cfg_json;
	/* --batch / --judge-batch: the batch stages first, then the runner resumes (cli/runbatch.c) */
	if ((status = cli_batch_budget(&eo, ds, model, judge, cfg, PROG)) || /* cli/batchbudget.c */
	    (status = cli_run_batch(&eo, ds, model, judge, cfg, quiet, PROG)))
		goto out;
	cli_progress_init(&prog, "run", quiet);
	eo.progress = cli_progress_eval;
	eo.progress_userdata = &prog;
	if ((rc = msb_eval_new(&ev, ds, model, judge, &eo)) < 0) {
		status = cli_lib_error("run", rc);
		goto out;
	}
	describe(subtitle, sizeof subtitle, model, judge);
	if (!eo.dry_run && !eo.resume && !eo.force && cli_holds_run(eo.out_dir)) {
		status = cli_already_holds_run(PROG, eo.out_dir);
		goto out;
	}
	if (!quiet && !eo.dry_run)
		fprintf(stderr, "%s: %zu items, %s; writing to %s\n", PROG, msb_dataset_count(ds),
		    subtitle, eo.out_dir);
	if (!quiet && !eo.dry_run) {
		/* an explicit lower max_in_flight wins over --concurrency: say so */
		int mi = 0, ji = 0;
		msb_eval_in_flight(&mi, &ji, ev);
		if (eo.concurrency > 0 && mi > 0 && mi < eo.concurrency)
			fprintf(stderr, "%s: model requests in flight: %d (max_in_flight), not %d\n", PROG,
			    mi, eo.concurrency);
		if (judge && eo.judge_concurrency > 0 && ji > 0 && ji < eo.judge_concurrency)
			fprintf(stderr, "%s: judge requests in flight: %d (judge max_in_flight), not %d\n",
			    PROG, ji, eo.judge_concurrency);
	}
	cli_signals_install_eval(ev);
	rc = msb_eval_run(ev);
	cli_signals_restore();
	st.version = MSB_EVAL_STATS_VERSION;
	msb_eval_get_stats(&st, ev);
	if (!eo.dry_run && rc != MSB_EEXISTS && rc != MSB_EMISMATCH && rc != MSB_ESTATE)
		cli_progress_finish(&prog, st.done, st.total, st.errors,
		    st.elapsed_s > 0 ? (double)st.finished / st.elapsed_s : 0.0, st.elapsed_s);
	if (eo.dry_run && rc == 0) {
		status = cli_dry_run_print(stdout, &st, &eo, cfg, ds, prices, PROG);
		goto out;
	}
	if (rc != 0) {
		if (cli_endrun_stopped(rc)) { /* what finished is in the journal: report it */
			cli_run_cost(eo.out_dir, cfg, prices, NULL, quiet, stderr); /* before: the report shows it */
			finish_folder(eo.out_dir, ev, cfg, quiet, NULL);
		}
		status = cli_endrun_status(rc, &st, "run", PROG, eo.out_dir, "medsafety run");
		goto out;
	}
	/* the cost of what the servers reported, when prices are given (cli/cost.c): before the reports, which show it */
	cost_status = cli_run_cost(eo.out_dir, cfg, prices, NULL, quiet, stderr);
	status = finish_folder(eo.out_dir, ev, cfg, quiet, &overall);
	if (status == 0 && cli_jury_agreement(eo.out_dir, judge, PROG, quiet))
		status = CLI_EXIT_FAIL;
	if (status == 0) {
		print_report_path(eo.out_dir);
		if (st.finished > 0 && st.errors == st.finished) {
			fprintf(stderr, "%s: every item failed (see the \"error\" of the records "
			    "in %s/results.jsonl)\n", PROG, eo.out_dir);
			status = CLI_EXIT_FAIL;
		} else if (st.errors && !quiet) {
			fprintf(stderr, "%s: %zu items failed; run again with --resume "
			    "--retry-errors --out %s to retry them\n", PROG, st.errors, eo.out_dir);
		}
		if (status == 0 && judge)
			status = check_unscored(eo.out_dir, cfg, &overall);
		if ((status == 0 || status == CLI_EXIT_FAIL) && cost_status)
			status = cost_status;
	}
out:
	msb_eval_free(ev);
	msb_judge_free(judge);
	msb_backend_free(model);
	msb_dataset_free(ds);
	free(cfg_json);
	return status;
}

int cli_run(int argc, char **argv)
{
	cli_run_args ra;
	cli_config *cfg = NULL;
	char dir[4096];
	int status, dry = 0, made_dir = 0;

	status = cli_run_args_parse(&ra, argc, argv);
	if (status != CLI_RUN_ARGS_OK)
		return status == CLI_RUN_ARGS_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	if ((status = cli_run_args_config(&cfg, &ra)) != 0)
		goto out;
	if ((status = cli_build_defaults(cfg, PROG)) != 0)
		goto out;
	if ((status = cli_preset_target(cfg, PROG)) != 0 || /* --preset paper: cli/preset.c */
	    (status = cli_preset_apply(cfg, PROG)) != 0)
		goto out;
	if (cli_config_validate(cfg) < 0) {
		status = cli_config_error("run", MSB_EINVAL);
		goto out;
	}
	if (ra.print_config) {
		char *json = NULL;
		if (cli_config_to_json(&json, cfg) < 0) {
			status = cli_config_error("run", cli_config_code());
			goto out;
		}
		printf("%s\n", json);
		free(json);
		status = CLI_EXIT_OK;
		goto out;
	}
	cli_config_get_bool(&dry, cfg, "run.dry_run");
	{
		int resume = 0, force = 0;
		cli_config_get_bool(&resume, cfg, "run.resume");
		cli_config_get_bool(&force, cfg, "run.force");
		if (resume && force) {
			status = cli_usage_error("run", "--resume and --force cannot be combined: "
			    "--force starts the run over, --resume continues the same run");
			goto out;
		}
		if (resume && cli_config_kind(cfg, "run.out") == CLI_CONFIG_NONE) {
			status = cli_usage_error("run", "--resume needs the run folder: --out DIR");
			goto out;
		}
	}
	if (cli_config_kind(cfg, "run.out") == CLI_CONFIG_NONE && !dry) {
		const char *spec = "replay";
		cli_config_get_string(&spec, cfg, "model.spec");
		if (cli_rundir_new_for(dir, sizeof dir, NULL, spec) < 0) {
			status = cli_fail("run", "cannot make a run folder in ./%s: %s", CLI_RUNS_DIR,
			    strerror(errno));
			goto out;
		}
		made_dir = 1;
		if (cli_config_set(cfg, "run.out", dir, "default") < 0) {
			status = cli_config_error("run", cli_config_code());
			goto out;
		}
	}
	status = run_eval(cfg, ra.quiet, &ra.prices);
	if (made_dir && status != CLI_EXIT_OK)
		rmdir(dir); /* removes it only when nothing was written: no empty folders behind */
out:
	cli_config_free(cfg);
	cli_run_args_dispose(&ra);
	return status;
}
