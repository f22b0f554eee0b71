/*
 * cli/mcq.c - `medsafety mcq SOURCE`: the medical-performance check.
 * Questions become items (prompt = the rendered question, reference =
 * "The answer is X." so that the offline replay model answers right),
 * the mcq judge scores right (1) / wrong (5) / unanswered (none), and the
 * runner does the rest exactly as for `medsafety run`: concurrency,
 * journal, resume, cache, budgets, progress. The model and runner flags
 * are those of `medsafety run` (same parser); the judge is fixed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <medsafety/medsafety.h>

#include "build.h"
#include "cli.h"
#include "endrun.h"
#include "mcq_stats.h"
#include "opts.h"
#include "progress.h"
#include "run_args.h"
#include "rundir.h"
#include "runfiles.h"
#include "signals.h"

#define PROG "medsafety mcq"

static void help(FILE *f)
{
	fputs("usage: medsafety mcq [SOURCE] [--model SPEC] [--out DIR] [options]\n"
	    "\n"
	    "Ask a model multiple-choice medical questions and report its accuracy (the paper's\n"
	    "medical-performance check, before and after safety fine-tuning). SOURCE is a file\n"
	    "(MedQA-USMLE JSONL, MedMCQA JSON lines, PubMedQA ori_pqal.json, MMLU CSV, or JSONL\n"
	    "with question, choices, answer, subject) or mcq-sample (built in; the default).\n"
	    "SOURCE must come first.\n"
	    "\n"
	    "mcq options:\n"
	    "      --mcq-format F     medqa, medmcqa, pubmedqa, mmlu or generic (default: detect)\n"
	    "      --cop-base B       MedMCQA's cop: 1 (1..4, the original release) or 0 (0..3,\n"
	    "                         the Hugging Face copy); default: decided from the file\n"
	    "      --shots K          K solved examples before each question (default 0)\n"
	    "      --shot-seed S      which examples (default 0); a question always gets the same\n"
	    "      --instruction TEXT the line that opens each prompt (\"\" for none)\n"
	    "\n"
	    "Every model and runner option of `medsafety run` applies (--model, --base-url,\n"
	    "--endpoint completions, --prompt-format, --max-tokens, --concurrency, --out,\n"
	    "--resume, --cache, --limit, --max-requests, ...); --judge does not (the answers are\n"
	    "scored against the key). The system prompt is empty unless --system-prompt is given.\n"
	    "\n"
	    "Writes results.jsonl (score 1 right, 5 wrong, null unanswered; judge.raw the letter\n"
	    "chosen), run.json and summary.json (\"kind\": \"mcq\", accuracy with its Wilson 95%\n"
	    "interval, n_unanswered, by subject and by source). `medsafety compare` of two mcq\n"
	    "runs gives the exact McNemar test. See docs/mcq.md.\n", f);
}

typedef struct mcq_args {
	const char *source;
	msb_mcq_load_options load;
	msb_mcq_prompt_options prompt;
	char *rest[256]; /* the arguments for the run parser */
	int n_rest;
} mcq_args;

static int parse_format(int *out, const char *s)
{
	static const char *const names[] = { "auto", "medqa", "medmcqa", "pubmedqa", "mmlu", "generic" };
	int i;
	for (i = 0; i < 6; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	return -1;
}

/* Take the mcq flags out of argv; the rest goes to the run parser. Exit status, or -1 for help. */
static int split_args(mcq_args *a, int argc, char **argv)
{
	int i = 1;
	long long v;

	memset(a, 0, sizeof *a);
	msb_mcq_load_options_init(&a->load, MSB_MCQ_LOAD_OPTIONS_VERSION);
	msb_mcq_prompt_options_init(&a->prompt, MSB_MCQ_PROMPT_OPTIONS_VERSION);
	a->source = "mcq-sample";
	a->rest[a->n_rest++] = argv[0];
	if (argc > 1 && argv[1][0] != '-') {
		a->source = argv[1];
		i = 2;
	}
	for (; i < argc; i++) {
		const char *f = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(f, "--help") || !strcmp(f, "-h"))
			return -1;
		if (!strcmp(f, "--judge") || !strcmp(f, "-j") || !strncmp(f, "--judge-", 8) ||
		    !strncmp(f, "--jury", 6))
			return cli_usage_error("mcq", "%s: mcq scores answers against the key; no judge", f);
		if (!strcmp(f, "--mcq-format") || !strcmp(f, "--cop-base") || !strcmp(f, "--shots") ||
		    !strcmp(f, "--shot-seed") || !strcmp(f, "--instruction")) {
			if (!val)
				return cli_usage_error("mcq", "%s needs a value", f);
			i++;
			if (!strcmp(f, "--mcq-format")) {
				if (parse_format(&a->load.format, val) < 0)
					return cli_usage_error("mcq", "--mcq-format: unknown format '%s'", val);
			} else if (!strcmp(f, "--cop-base")) {
				if (!strcmp(val, "1"))
					a->load.cop_base = MSB_MCQ_COP_ONE;
				else if (!strcmp(val, "0"))
					a->load.cop_base = MSB_MCQ_COP_ZERO;
				else
					return cli_usage_error("mcq", "--cop-base wants 0 or 1, got '%s'", val);
			} else if (!strcmp(f, "--shots")) {
				if (cli_parse_int(&v, "mcq", f, val, 0, 32) < 0)
					return CLI_EXIT_USAGE;
				a->prompt.shots = (int)v;
			} else if (!strcmp(f, "--shot-seed")) {
				if (cli_parse_int(&v, "mcq", f, val, 0, (long long)1 << 62) < 0)
					return CLI_EXIT_USAGE;
				a->prompt.seed = (unsigned long long)v;
			} else {
				a->prompt.instruction = val;
			}
			continue;
		}
		if (a->n_rest >= (int)(sizeof a->rest / sizeof a->rest[0]) - 1)
			return cli_usage_error("mcq", "too many arguments");
		a->rest[a->n_rest++] = argv[i];
	}
	a->rest[a->n_rest] = NULL;
	return 0;
}

/* Keep shard I of N (run.dataset.shard "I/N", checked by the parser) of *ds. Exit status. */
static int shard_items(msb_dataset **ds, const cli_config *cfg)
{
	msb_dataset_filter_options fo;
	msb_dataset *view = NULL;
	const char *s = NULL;
	unsigned int i, n;
	int rc;

	if (cli_config_get_string(&s, cfg, "dataset.shard") < 0 || !s || sscanf(s, "%u/%u", &i, &n) != 2)
		return 0;
	msb_dataset_filter_options_init(&fo, MSB_DATASET_FILTER_OPTIONS_VERSION);
	fo.shard_index = i;
	fo.shard_count = n;
	if ((rc = msb_dataset_filter(&view, *ds, &fo)) < 0)
		return cli_lib_error("mcq", rc);
	msb_dataset_free(*ds);
	*ds = view;
	return 0;
}

/* Questions -> items of a dataset for the runner (--limit, then --shard). Exit status. */
static int make_items(msb_dataset **out, const msb_mcq_set *set, const mcq_args *a, long long limit)
{
	size_t i, n = msb_mcq_count(set);
	int rc;

	if (limit > 0 && (size_t)limit < n)
		n = (size_t)limit;
	if ((rc = msb_dataset_new(out)) < 0)
		return cli_lib_error("mcq", rc);
	for (i = 0; i < n; i++) {
		msb_mcq_item_info q = MSB_MCQ_ITEM_INFO_INIT;
		char *prompt = NULL, ref[32];
		if ((rc = msb_mcq_item_info_get(&q, set, i)) < 0)
			return cli_lib_error("mcq", rc);
		snprintf(ref, sizeof ref, "The answer is %c.", 'A' + q.answer);
		if ((rc = msb_mcq_render_prompt(&prompt, set, i, &a->prompt)) < 0 ||
		    (rc = msb_dataset_add(*out, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
		        .id = q.id, .principle = 0, .source = q.source, .split = "test",
		        .prompt = prompt, .reference = ref })) < 0) {
			msb_free(prompt);
			return cli_lib_error("mcq", rc);
		}
		msb_free(prompt);
	}
	return 0;
}

/*
 * run.json's "config": the run configuration plus an "mcq" object with
 * the question settings (not configuration keys of `run`), so that a
 * resume with other settings is refused (they change the config hash).
 * New: free with free().
 */
static int config_json(char **out, const cli_config *cfg, const mcq_args *a)
{
	static const char *const names[] = { "auto", "medqa", "medmcqa", "pubmedqa", "mmlu", "generic" };
	char *base = NULL;
	json_t *root, *m;
	int status;

	*out = NULL;
	if ((status = cli_config_json(&base, cfg, PROG)))
		return status;
	root = json_loads(base, 0, NULL);
	free(base);
	if (!json_is_object(root)) {
		json_decref(root);
		return cli_lib_error("mcq", MSB_ENOMEM);
	}
	m = json_object();
	json_object_set_new(m, "source", json_string(a->source));
	json_object_set_new(m, "format", json_string(names[a->load.format]));
	json_object_set_new(m, "cop_base", json_string(a->load.cop_base == MSB_MCQ_COP_ONE ? "1"
	    : a->load.cop_base == MSB_MCQ_COP_ZERO ? "0" : "auto"));
	json_object_set_new(m, "shots", json_integer(a->prompt.shots));
	json_object_set_new(m, "shot_seed", json_integer((json_int_t)a->prompt.seed));
	json_object_set_new(m, "instruction", json_string(a->prompt.instruction ? a->prompt.instruction
	    : MSB_MCQ_DEFAULT_INSTRUCTION));
	json_object_set_new(root, "mcq", m);
	*out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return *out ? 0 : cli_lib_error("mcq", MSB_ENOMEM);
}

/*
 * The runner's config hash does not cover the questions' prompts, so a
 * resume with other mcq settings (shots, seed, format, instruction)
 * would mix prompts in one run: compare with run.json's "mcq" object.
 * Exit status.
 */
static int check_resume(const char *dir, const char *cfg_json, int force)
{
	msb_run_info *old = NULL;
	json_t *now = json_loads(cfg_json, 0, NULL), *a = NULL;
	char *was = NULL;
	int status = 0;

	msb_run_info_open(&old, dir);
	if (old && now && !force) {
		json_t *b = json_object_get(now, "mcq");
		if (msb_run_info_member_json(&was, old, "config.mcq") == 0)
			a = json_loads(was, JSON_DECODE_ANY, NULL);
		if (!a || !json_equal(a, b))
			status = cli_usage_error("mcq", "%s was run with other mcq settings (%s); resume with "
			    "the same SOURCE, --shots, --shot-seed, --mcq-format, --cop-base and --instruction, "
			    "or --force", dir, a ? "see run.json" : "not an mcq run");
	}
	json_decref(a);
	msb_free(was);
	msb_run_info_free(old);
	json_decref(now);
	return status;
}

static int run(cli_config *cfg, msb_mcq_set *set, const mcq_args *a, int quiet)
{
	msb_dataset *ds = NULL;
	msb_backend *model = NULL;
	msb_judge *judge = NULL;
	msb_eval *ev = NULL;
	msb_eval_options eo;
	msb_eval_stats st;
	cli_progress prog;
	char *cfg_json = NULL;
	long long limit = 0;
	int status, rc;

	cli_config_get_int(&limit, cfg, "dataset.limit");
	if ((status = make_items(&ds, set, a, limit)) || (status = shard_items(&ds, cfg)) ||
	    (status = cli_build_model(&model, cfg, PROG)) ||
	    (status = cli_build_eval_options(&eo, cfg, PROG)))
		goto out;
	if ((rc = msb_mcq_judge_new(&judge, set)) < 0) {
		status = cli_lib_error("mcq", rc);
		goto out;
	}
	if (msb_dataset_count(ds) == 0) {
		status = cli_usage_error("mcq", "no questions");
		goto out;
	}
	if ((status = config_json(&cfg_json, cfg, a)))
		goto out;
	eo.config_json = cfg_json;
	cli_progress_init(&prog, "mcq", quiet);
	eo.progress = cli_progress_eval;
	eo.progress_userdata = &prog;
	if ((rc = msb_eval_new(&ev, ds, model, judge, &eo)) < 0) {
		status = cli_lib_error("mcq", rc);
		goto out;
	}
	if (eo.resume && !eo.dry_run && (status = check_resume(eo.out_dir, cfg_json, eo.force)))
		goto out;
	if (!eo.dry_run && !eo.resume && !eo.force && cli_holds_run(eo.out_dir)) {
		status = cli_already_holds_run(PROG, eo.out_dir);
		goto out;
	}
	if (!quiet && !eo.dry_run)
		fprintf(stderr, "%s: %zu questions, model %s; writing to %s\n", PROG,
		    msb_dataset_count(ds), msb_backend_identity(model), eo.out_dir);
	cli_signals_install_eval(ev);
	rc = msb_eval_run(ev);
	cli_signals_restore();
	st.version = MSB_EVAL_STATS_VERSION;
	msb_eval_get_stats(&st, ev);
	if (!eo.dry_run && rc != MSB_EEXISTS && rc != MSB_EMISMATCH && rc != MSB_ESTATE)
		cli_progress_finish(&prog, st.done, st.total, st.errors,
		    st.elapsed_s > 0 ? (double)st.finished / st.elapsed_s : 0.0, st.elapsed_s);
	if (eo.dry_run && rc == 0) {
		printf("dry run: %zu questions, %zu model requests, about %lld model tokens; nothing "
		    "was sent or written\n", st.total, st.est_requests, st.est_tokens);
		goto out;
	}
	if (rc != 0 && !cli_endrun_stopped(rc)) {
		status = cli_endrun_status(rc, &st, "mcq", PROG, eo.out_dir, "medsafety mcq");
		goto out;
	}
	/* finished or stopped: the summary of what is in the journal */
	status = cli_mcq_write_summary(eo.out_dir, set, quiet ? NULL : stdout, PROG);
	if (status == 0)
		printf("summary: %s/summary.json\nresults: %s/results.jsonl\n", eo.out_dir, eo.out_dir);
	if (rc != 0) {
		char resume[4200];
		snprintf(resume, sizeof resume, "medsafety mcq %s", a->source);
		status = cli_endrun_status(rc, &st, "mcq", PROG, eo.out_dir, resume);
	} else if (status == 0 && st.finished > 0 && st.errors == st.finished) {
		fprintf(stderr, "%s: every question failed (see the \"error\" of the records)\n", PROG);
		status = CLI_EXIT_FAIL;
	}
out:
	msb_eval_free(ev);
	msb_judge_free(judge);
	msb_backend_free(model);
	msb_dataset_free(ds);
	free(cfg_json);
	return status;
}

int cli_mcq(int argc, char **argv)
{
	mcq_args a;
	cli_run_args ra;
	cli_config *cfg = NULL;
	msb_mcq_set *set = NULL;
	char dir[4096];
	int status, rc, dry = 0, made_dir = 0, parsed = 0;

	if ((status = split_args(&a, argc, argv)) != 0) {
		if (status < 0) {
			help(stdout);
			return CLI_EXIT_OK;
		}
		return status;
	}
	status = cli_run_args_parse(&ra, a.n_rest, a.rest);
	if (status != CLI_RUN_ARGS_OK)
		return status == CLI_RUN_ARGS_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
	parsed = 1;
	if ((status = cli_run_args_config(&cfg, &ra)) != 0 || (status = cli_build_defaults(cfg, PROG)))
		goto out;
	cli_config_unset(cfg, "judge"); /* the defaults add the refusal judge of `run` */
	if (cli_config_kind(cfg, "model.system_prompt") == CLI_CONFIG_NONE &&
	    cli_config_set(cfg, "model.system_prompt", "", "default") < 0) {
		status = cli_config_error("mcq", cli_config_code());
		goto out;
	}
	if (cli_config_validate(cfg) < 0) {
		status = cli_config_error("mcq", MSB_EINVAL);
		goto out;
	}
	if ((rc = msb_mcq_load(&set, a.source, &a.load)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msb_error_last()->message);
		status = rc == MSB_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
		goto out;
	}
	cli_config_get_bool(&dry, cfg, "run.dry_run");
	{
		int resume = 0;
		cli_config_get_bool(&resume, cfg, "run.resume");
		if (resume && cli_config_kind(cfg, "run.out") == CLI_CONFIG_NONE) {
			status = cli_usage_error("mcq", "--resume needs the run folder: --out DIR");
			goto out;
		}
	}
	if (cli_config_kind(cfg, "run.out") == CLI_CONFIG_NONE && !dry) {
		if (cli_rundir_new(dir, sizeof dir, NULL) < 0) {
			status = cli_fail("mcq", "cannot make a run folder in ./%s: %s", CLI_RUNS_DIR,
			    strerror(errno));
			goto out;
		}
		made_dir = 1;
		if (cli_config_set(cfg, "run.out", dir, "default") < 0) {
			status = cli_config_error("mcq", cli_config_code());
			goto out;
		}
	}
	status = run(cfg, set, &a, ra.quiet);
	if (made_dir && status != CLI_EXIT_OK)
		rmdir(dir);
out:
	msb_mcq_set_free(set);
	cli_config_free(cfg);
	if (parsed)
		cli_run_args_dispose(&ra);
	return status;
}
