/* cli/run_args.c - `medsafety run` flags to configuration paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "run_args.h"

#define PROG "medsafety run"

enum kind {
	K_SET,        /* value goes to `path` */
	K_TRUE,       /* no value: `path` = true */
	K_FALSE,      /* no value: `path` = false (--no-...) */
	K_APPEND,     /* value appended to the list at `path` */
	K_HEADER,     /* "Name: value" into `path`.Name */
	K_JUDGE,      /* --judge SPEC */
	K_JUDGE_SET,  /* value goes to `path` of every judge */
	K_JUDGE_TRUE, /* no value: `path` of every judge = true */
	K_JUDGE_FALSE,
	K_JUDGE_HEADER, /* "Name: value" into `path`.Name of every judge */
	K_DATASET,    /* a dataset option: cli_dataset_args checks it; value to `path` */
	K_DATASET_TRUE,
	K_SOURCE,     /* never an option: the positional SOURCE */
	K_CONFIG,
	K_QUIET,
	K_PRINT,
	K_HELP,
	K_PRICE,      /* --price MODEL=IN,OUT (dry-run cost) */
	K_PRICES      /* --prices FILE */
};

typedef struct flag_def {
	const char *name;
	int kind;
	const char *path;
	int short_name;
} flag_def;

static const flag_def flags[] = {
	{ "config", K_CONFIG, NULL, 'c' },
	/* dataset: the same options as `medsafety dataset` */
	{ "split", K_DATASET, "dataset.split", 0 },
	{ "source", K_DATASET, "dataset.sources", 0 },
	{ "principle", K_DATASET, "dataset.principles", 0 },
	{ "limit", K_DATASET, "dataset.limit", 0 },
	{ "sample", K_DATASET, "dataset.sample", 0 },
	{ "seed", K_DATASET, "dataset.seed", 0 },
	{ "shard", K_DATASET, "dataset.shard", 0 },
	{ "prompt-column", K_DATASET, "dataset.columns.prompt", 0 },
	{ "reference-column", K_DATASET, "dataset.columns.reference", 0 },
	{ "principle-column", K_DATASET, "dataset.columns.principle", 0 },
	{ "id-column", K_DATASET, "dataset.columns.id", 0 },
	{ "input-format", K_DATASET, "dataset.format", 0 },
	{ "source-name", K_DATASET, "dataset.source_name", 0 },
	{ "clean", K_DATASET_TRUE, "dataset.clean", 0 },
	{ "kind", K_DATASET, "dataset.kind", 0 },
	{ "with-benign", K_DATASET_TRUE, "dataset.with_benign", 0 },
	/* model */
	{ "model", K_SET, "model.spec", 'm' },
	{ "base-url", K_SET, "model.base_url", 0 },
	{ "api-key-env", K_SET, "model.api_key_env", 0 },
	{ "endpoint", K_SET, "model.endpoint", 0 },
	{ "prompt-format", K_SET, "model.prompt_format", 0 },
	{ "max-tokens", K_SET, "model.max_tokens", 0 },
	{ "temperature", K_SET, "model.temperature", 0 },
	{ "top-p", K_SET, "model.top_p", 0 },
	{ "system-prompt", K_SET, "model.system_prompt", 0 },
	{ "timeout", K_SET, "model.timeout", 0 },
	{ "retries", K_SET, "model.retries", 0 },
	{ "requests-per-minute", K_SET, "model.requests_per_minute", 0 },
	{ "tokens-per-minute", K_SET, "model.tokens_per_minute", 0 },
	{ "max-in-flight", K_SET, "model.max_in_flight", 0 },
	{ "header", K_HEADER, "model.headers", 0 },
	{ "connect-timeout", K_SET, "model.connect_timeout", 0 },
	{ "backoff", K_SET, "model.backoff", 0 },
	{ "backoff-max", K_SET, "model.backoff_max", 0 },
	{ "omit-temperature", K_TRUE, "model.omit_temperature", 0 },
	{ "no-omit-temperature", K_FALSE, "model.omit_temperature", 0 },
	{ "use-max-completion-tokens", K_TRUE, "model.use_max_completion_tokens", 0 },
	{ "no-use-max-completion-tokens", K_FALSE, "model.use_max_completion_tokens", 0 },
	{ "tls-verify", K_TRUE, "model.tls_verify", 0 },
	{ "no-tls-verify", K_FALSE, "model.tls_verify", 0 },
	{ "http2", K_TRUE, "model.http2", 0 },
	{ "no-http2", K_FALSE, "model.http2", 0 },
	{ "ca-file", K_SET, "model.ca_file", 0 },
	{ "ca-path", K_SET, "model.ca_path", 0 },
	{ "replay-text", K_SET, "model.replay_text", 0 },
	{ "api-version", K_SET, "model.api_version", 0 },
	/* judge */
	{ "judge", K_JUDGE, NULL, 'j' },
	{ "judge-base-url", K_JUDGE_SET, "base_url", 0 },
	{ "judge-api-key-env", K_JUDGE_SET, "api_key_env", 0 },
	{ "judge-template", K_JUDGE_SET, "template", 0 },
	{ "judge-policy", K_JUDGE_SET, "policy", 0 },
	{ "judge-rubric", K_JUDGE_SET, "rubric", 0 },
	{ "judge-system", K_JUDGE_SET, "system", 0 },
	{ "judge-temperature", K_JUDGE_SET, "temperature", 0 },
	{ "judge-max-tokens", K_JUDGE_SET, "max_tokens", 0 },
	{ "judge-timeout", K_JUDGE_SET, "timeout", 0 },
	{ "judge-retries", K_JUDGE_SET, "retries", 0 },
	{ "judge-requests-per-minute", K_JUDGE_SET, "requests_per_minute", 0 },
	{ "judge-tokens-per-minute", K_JUDGE_SET, "tokens_per_minute", 0 },
	{ "judge-max-in-flight", K_JUDGE_SET, "max_in_flight", 0 },
	{ "judge-endpoint", K_JUDGE_SET, "endpoint", 0 },
	{ "judge-prompt-format", K_JUDGE_SET, "prompt_format", 0 },
	{ "judge-connect-timeout", K_JUDGE_SET, "connect_timeout", 0 },
	{ "judge-backoff", K_JUDGE_SET, "backoff", 0 },
	{ "judge-backoff-max", K_JUDGE_SET, "backoff_max", 0 },
	{ "judge-header", K_JUDGE_HEADER, "headers", 0 },
	{ "judge-omit-temperature", K_JUDGE_TRUE, "omit_temperature", 0 },
	{ "judge-no-omit-temperature", K_JUDGE_FALSE, "omit_temperature", 0 },
	{ "judge-use-max-completion-tokens", K_JUDGE_TRUE, "use_max_completion_tokens", 0 },
	{ "judge-no-use-max-completion-tokens", K_JUDGE_FALSE, "use_max_completion_tokens", 0 },
	{ "judge-tls-verify", K_JUDGE_TRUE, "tls_verify", 0 },
	{ "judge-no-tls-verify", K_JUDGE_FALSE, "tls_verify", 0 },
	{ "judge-http2", K_JUDGE_TRUE, "http2", 0 },
	{ "judge-no-http2", K_JUDGE_FALSE, "http2", 0 },
	{ "judge-ca-file", K_JUDGE_SET, "ca_file", 0 },
	{ "judge-ca-path", K_JUDGE_SET, "ca_path", 0 },
	{ "judge-api-version", K_JUDGE_SET, "api_version", 0 },
	{ "jury-method", K_SET, "jury.aggregate", 0 },
	{ "benign-judge", K_SET, "benign_judge", 0 },
	/* runner */
	{ "concurrency", K_SET, "run.concurrency", 'n' },
	{ "judge-concurrency", K_SET, "run.judge_concurrency", 0 },
	{ "epochs", K_SET, "run.epochs", 0 },
	{ "generation-seed", K_SET, "run.seed", 0 },
	{ "out", K_SET, "run.out", 'o' },
	{ "resume", K_TRUE, "run.resume", 0 },
	{ "force", K_TRUE, "run.force", 0 },
	{ "retry-errors", K_TRUE, "run.retry_errors", 0 },
	{ "retry-unscored", K_TRUE, "run.retry_unscored", 0 },
	{ "max-unscored", K_SET, "run.max_unscored", 0 },
	{ "cache", K_SET, "run.cache", 0 },
	{ "max-requests", K_SET, "run.max_requests", 0 },
	{ "max-total-tokens", K_SET, "run.max_total_tokens", 0 },
	{ "dry-run", K_TRUE, "run.dry_run", 0 },
	{ "run-retries", K_SET, "run.retries", 0 },
	{ "preset", K_SET, "run.preset", 0 },
	{ "paper-files", K_SET, "run.paper_files", 0 },
	{ "paper-family", K_SET, "run.paper_family", 0 },
	{ "batch", K_TRUE, "run.batch", 0 },
	{ "judge-batch", K_TRUE, "run.judge_batch", 0 },
	{ "batch-poll-interval", K_SET, "run.batch_poll_interval", 0 },
	{ "batch-retry", K_SET, "run.batch_retry", 0 },
	{ "batch-max-lines", K_SET, "run.batch_max_lines", 0 },
	{ "batch-max-bytes", K_SET, "run.batch_max_bytes", 0 },
	{ "format", K_APPEND, "report.formats", 0 },
	{ "quiet", K_QUIET, NULL, 'q' },
	{ "print-config", K_PRINT, NULL, 0 },
	{ "help", K_HELP, NULL, 'h' },
	{ "price", K_PRICE, NULL, 0 },
	{ "prices", K_PRICES, NULL, 0 },
};
#define N_FLAGS (sizeof flags / sizeof *flags)

static int add_set(cli_run_set *sets, size_t *n, const char *path, const char *key,
    const char *value, const char *flag, int append)
{
	cli_run_set *s;

	if (*n == CLI_RUN_MAX_SETS) {
		fprintf(stderr, "%s: too many options\n", PROG);
		return -1;
	}
	s = &sets[(*n)++];
	if (key)
		snprintf(s->path, sizeof s->path, "%s.%s", path, key);
	else
		snprintf(s->path, sizeof s->path, "%s", path);
	s->value = value;
	s->flag = flag;
	s->append = append;
	return 0;
}

/* "Name: value" of --header / --judge-header: the name into name[], *val into the text. */
static int header_split(char *name, size_t size, const char **val, const char *arg,
    const char *flag)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : 0;

	/* the value may be a credential: messages name the flag (and a clean name), never it */
	if (!colon || !len || len >= size || memchr(arg, '.', len) || memchr(arg, ' ', len) ||
	    strcspn(arg, "\r\n") < len) {
		cli_usage_error("run", "%s wants 'Name: value' (the value is not shown)", flag);
		return -1;
	}
	if (strpbrk(colon, "\r\n")) {
		cli_usage_error("run", "%s %.*s: the value holds a CR or LF, which would inject "
		    "headers (the value is not shown)", flag, (int)len, arg);
		return -1;
	}
	memcpy(name, arg, len);
	name[len] = '\0';
	*val = colon + 1;
	while (**val == ' ')
		(*val)++;
	return 0;
}

int cli_run_args_parse(cli_run_args *ra, int argc, char **argv)
{
	struct option longopts[N_FLAGS + 1];
	char shortopts[64], *sp = shortopts;
	cli_dataset_args dargs;
	size_t i;
	int c, rc;

	memset(ra, 0, sizeof *ra);
	cli_dataset_args_init(&dargs);
	for (i = 0; i < N_FLAGS; i++) {
		int k = flags[i].kind;
		int arg = k == K_TRUE || k == K_FALSE || k == K_JUDGE_TRUE || k == K_JUDGE_FALSE ||
		    k == K_DATASET_TRUE || k == K_QUIET || k == K_HELP || k == K_PRINT ? no_argument
		    : required_argument;
		longopts[i].name = flags[i].name;
		longopts[i].has_arg = arg;
		longopts[i].flag = NULL;
		longopts[i].val = 256 + (int)i;
		if (flags[i].short_name) {
			*sp++ = (char)flags[i].short_name;
			if (arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&longopts[N_FLAGS], 0, sizeof longopts[N_FLAGS]);

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, shortopts, longopts, "run")) != -1) {
		const flag_def *fd = NULL;
		char flag[64];

		if (c == CLI_OPT_ERROR)
			return CLI_RUN_ARGS_ERROR;
		if (c >= 256) {
			fd = &flags[c - 256];
		} else {
			for (i = 0; i < N_FLAGS; i++)
				if (flags[i].short_name == c)
					fd = &flags[i];
		}
		if (!fd)
			return CLI_RUN_ARGS_ERROR;
		snprintf(flag, sizeof flag, "--%s", fd->name);
		/* the origin must outlive this loop: point into the static table */
		switch (fd->kind) {
		case K_HELP:
			cli_run_help(stdout);
			return CLI_RUN_ARGS_HELP;
		case K_QUIET:
			ra->quiet = 1;
			break;
		case K_PRINT:
			ra->print_config = 1;
			break;
		case K_CONFIG:
			ra->config_path = optarg;
			break;
		case K_PRICE:
			if (cli_prices_add(&ra->prices, optarg, "--price") < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		case K_PRICES:
			if (cli_prices_load(&ra->prices, optarg) < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		case K_SET:
		case K_APPEND:
			if (add_set(ra->sets, &ra->n_sets, fd->path, NULL, optarg, fd->name,
			    fd->kind == K_APPEND) < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		case K_TRUE:
		case K_FALSE:
			if (add_set(ra->sets, &ra->n_sets, fd->path, NULL,
			    fd->kind == K_TRUE ? "true" : "false", fd->name, 0) < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		case K_HEADER:
		case K_JUDGE_HEADER: {
			char name[100];
			const char *val;
			if (header_split(name, sizeof name, &val, optarg, flag) < 0)
				return CLI_RUN_ARGS_ERROR;
			rc = fd->kind == K_HEADER
			    ? add_set(ra->sets, &ra->n_sets, fd->path, name, val, fd->name, 0)
			    : add_set(ra->judge_sets, &ra->n_judge_sets, fd->path, name, val, fd->name, 0);
			if (rc < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		}
		case K_JUDGE:
			if (ra->n_judges == CLI_RUN_MAX_JUDGES) {
				cli_usage_error("run", "more than %d judges", CLI_RUN_MAX_JUDGES);
				return CLI_RUN_ARGS_ERROR;
			}
			ra->judges[ra->n_judges++] = optarg;
			break;
		case K_JUDGE_SET:
		case K_JUDGE_TRUE:
		case K_JUDGE_FALSE:
			if (add_set(ra->judge_sets, &ra->n_judge_sets, fd->path, NULL,
			    fd->kind == K_JUDGE_SET ? optarg : fd->kind == K_JUDGE_TRUE ? "true" : "false",
			    fd->name, 0) < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		case K_DATASET:
		case K_DATASET_TRUE: {
			/* the dataset module's parser checks the value, with its own message */
			char *pair[2];
			int j = 0, r;
			pair[0] = flag;
			pair[1] = fd->kind == K_DATASET ? optarg : NULL;
			r = cli_dataset_args_parse(&dargs, PROG, fd->kind == K_DATASET ? 2 : 1, pair, &j);
			if (r <= 0) {
				if (r == 0)
					cli_usage_error("run", "unknown option '%s'", flag);
				return CLI_RUN_ARGS_ERROR;
			}
			if (add_set(ra->sets, &ra->n_sets, fd->path, NULL,
			    fd->kind == K_DATASET ? optarg : "true", fd->name, 0) < 0)
				return CLI_RUN_ARGS_ERROR;
			break;
		}
		default:
			return CLI_RUN_ARGS_ERROR;
		}
	}
	for (c = optind; c < argc; c++) {
		int j = c, r;
		if (argv[c][0] == '-' && argv[c][1]) {
			cli_usage_error("run", "unknown option '%s'", argv[c]);
			return CLI_RUN_ARGS_ERROR;
		}
		r = cli_dataset_args_parse(&dargs, PROG, argc, argv, &j);
		if (r < 0)
			return CLI_RUN_ARGS_ERROR;
		if (add_set(ra->sets, &ra->n_sets, "dataset.source", NULL, argv[c], "SOURCE", 0) < 0)
			return CLI_RUN_ARGS_ERROR;
	}
	return CLI_RUN_ARGS_OK;
}

/* Origins in messages: "--concurrency", or "SOURCE" for the positional argument. */
static const char *origin_of(const cli_run_set *s, char *buf, size_t size)
{
	if (!strcmp(s->flag, "SOURCE"))
		return "SOURCE";
	snprintf(buf, size, "--%s", s->flag);
	return buf;
}

static int apply(cli_config *cfg, const cli_run_set *s, const char *path)
{
	char origin[64];
	int rc;

	origin_of(s, origin, sizeof origin);
	rc = s->append ? cli_config_append(cfg, path, s->value, origin)
	    : cli_config_set(cfg, path, s->value, origin);
	if (rc < 0)
		return cli_config_error("run", rc);
	return 0;
}

int cli_run_args_config(cli_config **out, const cli_run_args *ra)
{
	cli_config *cfg = NULL;
	size_t i, j, n_judges = 0;
	int rc, status = 0;

	*out = NULL;
	rc = ra->config_path ? cli_config_load(&cfg, ra->config_path) : cli_config_new(&cfg);
	if (rc < 0) {
		if (rc == MSB_ENOTFOUND || rc == MSB_EIO)
			fprintf(stderr, "%s: --config: %s\n", PROG, cli_config_message());
		else
			return cli_config_error("run", rc);
		return rc == MSB_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
	}
	for (i = 0; i < ra->n_sets; i++)
		if ((status = apply(cfg, &ra->sets[i], ra->sets[i].path)) != 0)
			goto fail;
	/* --judge replaces the file's judges; one --judge over one file judge keeps its settings */
	if (ra->n_judges == 1) {
		cli_run_set s = { "judge.spec", ra->judges[0], "judge", 0 };
		if (cli_config_kind(cfg, "judge") != CLI_CONFIG_MAP)
			cli_config_unset(cfg, "judge"); /* one judge replaces a jury */
		if ((status = apply(cfg, &s, s.path)) != 0)
			goto fail;
	} else if (ra->n_judges) {
		cli_config_unset(cfg, "judge");
		for (i = 0; i < ra->n_judges; i++) {
			cli_run_set s = { "", ra->judges[i], "judge", 0 };
			snprintf(s.path, sizeof s.path, "judge.%zu.spec", i);
			if ((status = apply(cfg, &s, s.path)) != 0)
				goto fail;
		}
	}
	/* --judge-* apply to every judge */
	switch (cli_config_kind(cfg, "judge")) {
	case CLI_CONFIG_LIST:
		cli_config_count(&n_judges, cfg, "judge");
		break;
	default:
		n_judges = 1;
		break;
	}
	for (i = 0; i < ra->n_judge_sets; i++) {
		for (j = 0; j < n_judges; j++) {
			char path[200];
			snprintf(path, sizeof path, "judge.%zu.%s", j, ra->judge_sets[i].path);
			if ((status = apply(cfg, &ra->judge_sets[i], path)) != 0)
				goto fail;
		}
	}
	*out = cfg;
	return 0;
fail:
	cli_config_free(cfg);
	return status;
}

void cli_run_args_dispose(cli_run_args *ra)
{
	(void)ra; /* nothing owned: values are borrowed from argv */
}

void cli_key_env_warn(const char *api_key_env, const char *base_url, const char *prog,
    const char *section)
{
	const char *name = api_key_env && *api_key_env ? api_key_env : "OPENAI_API_KEY";
	const char *v;
	size_t n;

	/* the library reads the default variable for OpenAI's own API only */
	if (!(api_key_env && *api_key_env) && base_url &&
	    strncmp(base_url, "https://api.openai.com", 22))
		return;
	if (!(v = getenv(name)) || !(n = strlen(v)))
		return;
	if (strchr(" \t\r\n", v[0]) || strchr(" \t\r\n", v[n - 1]))
		fprintf(stderr, "%s: %s: warning: the key in %s has blanks around it; they were "
		    "trimmed\n", prog, section, name);
}
