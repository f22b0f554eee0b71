/*
 * cli/run_args.h - the flags of `medsafety run` and how they land in the
 * run configuration: every flag is a configuration path (docs/cli.md has
 * the table), applied over the --config file in the order given.
 */
#ifndef MEDSAFETY_CLI_RUN_ARGS_H
#define MEDSAFETY_CLI_RUN_ARGS_H

#include <stddef.h>

#include <medsafety/medsafety.h>

#include "dataset_args.h"
#include "dryrun.h"
#include "config/config.h"

enum { CLI_RUN_ARGS_OK = 0, CLI_RUN_ARGS_HELP = 1, CLI_RUN_ARGS_ERROR = 2 };

#define CLI_RUN_MAX_SETS 128
#define CLI_RUN_MAX_JUDGES 16

typedef struct cli_run_set {
	char path[160];     /* configuration path */
	const char *value;  /* borrowed from argv */
	const char *flag;   /* "--concurrency": the origin in messages */
	int append;         /* add to a list (--format) instead of replacing */
} cli_run_set;

typedef struct cli_run_args {
	const char *config_path;
	int quiet;
	int print_config;        /* --print-config: show the merged configuration, run nothing */
	cli_run_set sets[CLI_RUN_MAX_SETS];     /* model, run, report and dataset settings */
	size_t n_sets;
	const char *judges[CLI_RUN_MAX_JUDGES]; /* --judge SPEC, in order */
	size_t n_judges;
	cli_run_set judge_sets[CLI_RUN_MAX_SETS]; /* --judge-*: path relative to a judge */
	size_t n_judge_sets;
	cli_prices prices;       /* --price / --prices: the dry run's cost estimate */
} cli_run_args;

/*
 * Parse argv (argv[0] = "run"). CLI_RUN_ARGS_HELP after printing the
 * help on stdout; CLI_RUN_ARGS_ERROR after one line on stderr.
 */
int cli_run_args_parse(cli_run_args *ra, int argc, char **argv);

/*
 * The configuration: the --config file (or an empty one), then every
 * flag over it. Exit status (2 with one line for a bad file or value).
 * New: cli_config_free.
 */
int cli_run_args_config(cli_config **out, const cli_run_args *ra);

void cli_run_args_dispose(cli_run_args *ra);

/* The help text of `medsafety run`. */
void cli_run_help(FILE *f);

/*
 * Warn on stderr when the API key the backend will read (from api_key_env,
 * else OPENAI_API_KEY for OpenAI's own base URL) has blanks around it: the
 * library trims them. Names the variable, never the value.
 */
void cli_key_env_warn(const char *api_key_env, const char *base_url, const char *prog,
    const char *section);

#endif
