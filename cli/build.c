/* cli/build.c - the merged configuration turned into dataset, backend, judge and options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <medsafety/medsafety.h>

#include "build.h"
#include "run_args.h"
#include "preset.h"
#include "cli.h"

/* Report a configuration error (the message holds FILE:LINE:COL). */
static int cfg_error(const char *prog, int rc)
{
	fprintf(stderr, "%s: %s\n", prog, cli_config_message());
	return rc == MSB_ENOMEM || rc == MSB_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
}

/* Report a library error met while building from the configuration. */
static int lib_error(const char *prog, int rc)
{
	fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
	return rc == MSB_ENOMEM || rc == MSB_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
}

/* Getters that keep the default when the value is absent; an error otherwise. */
static int get_str(const cli_config *cfg, const char *path, const char **v)
{
	int rc = cli_config_get_string(v, cfg, path);
	return rc == MSB_ENOTFOUND ? 0 : rc;
}

static int get_int(const cli_config *cfg, const char *path, long long *v)
{
	int rc = cli_config_get_int(v, cfg, path);
	return rc == MSB_ENOTFOUND ? 0 : rc;
}

static int get_dbl(const cli_config *cfg, const char *path, double *v)
{
	int rc = cli_config_get_double(v, cfg, path);
	return rc == MSB_ENOTFOUND ? 0 : rc;
}

static int get_bool(const cli_config *cfg, const char *path, int *v)
{
	int rc = cli_config_get_bool(v, cfg, path);
	return rc == MSB_ENOTFOUND ? 0 : rc;
}

/* A comma list joined from a list value (kept in a static ring for borrowing). */
static const char *joined(const cli_config *cfg, const char *path, int *rc)
{
	static char ring[4][1024];
	static int next;
	char **list, *buf = ring[next++ % 4];
	size_t n, i, used = 0;

	*rc = cli_config_get_strings(&list, &n, cfg, path);
	if (*rc == MSB_ENOTFOUND) {
		*rc = 0;
		return NULL;
	}
	if (*rc < 0)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < n && used < sizeof ring[0] - 1; i++)
		used += (size_t)snprintf(buf + used, sizeof ring[0] - used, "%s%s", i ? "," : "",
		    list[i]);
	free(list);
	return n ? buf : NULL;
}

int cli_build_dataset_args(cli_dataset_args *a, const cli_config *cfg, const char *prog)
{
	static const char *const fmt_names[] = { "auto", "medsafetybench", "csv", "text", "json",
		"jsonl", "hexphi" };
	static const int fmt_values[] = { MSB_FORMAT_AUTO, MSB_FORMAT_MEDSAFETYBENCH, MSB_FORMAT_CSV,
		MSB_FORMAT_TEXT, MSB_FORMAT_JSON, MSB_FORMAT_JSONL, MSB_FORMAT_HEXPHI };
	const char *s = NULL;
	long long v;
	char **list;
	size_t n, i;
	int rc, b;

	cli_dataset_args_init(a);
	if ((rc = get_str(cfg, "dataset.source", &a->source)) < 0)
		return cfg_error(prog, rc);
	a->filter.split = joined(cfg, "dataset.split", &rc);
	if (rc < 0)
		return cfg_error(prog, rc);
	a->filter.source = joined(cfg, "dataset.sources", &rc);
	if (rc < 0)
		return cfg_error(prog, rc);
	rc = cli_config_get_strings(&list, &n, cfg, "dataset.principles");
	if (rc == 0) {
		for (i = 0; i < n; i++)
			a->filter.principles |= 1u << atoi(list[i]); /* validated: 1..9 */
		free(list);
	} else if (rc != MSB_ENOTFOUND) {
		return cfg_error(prog, rc);
	}
	v = 0;
	if ((rc = get_int(cfg, "dataset.limit", &v)) < 0)
		return cfg_error(prog, rc);
	a->filter.limit = (size_t)v;
	v = 0;
	if ((rc = get_int(cfg, "dataset.sample", &v)) < 0)
		return cfg_error(prog, rc);
	a->filter.sample = (size_t)v;
	v = 0;
	if ((rc = get_int(cfg, "dataset.seed", &v)) < 0)
		return cfg_error(prog, rc);
	a->filter.seed = (unsigned long long)v;
	s = NULL;
	if ((rc = get_str(cfg, "dataset.shard", &s)) < 0)
		return cfg_error(prog, rc);
	if (s) {
		unsigned int si, sn;
		if (sscanf(s, "%u/%u", &si, &sn) == 2) {
			a->filter.shard_index = si;
			a->filter.shard_count = sn;
		}
	}
	if ((rc = get_str(cfg, "dataset.columns.prompt", &a->load.prompt_column)) < 0 ||
	    (rc = get_str(cfg, "dataset.columns.reference", &a->load.reference_column)) < 0 ||
	    (rc = get_str(cfg, "dataset.columns.principle", &a->load.principle_column)) < 0 ||
	    (rc = get_str(cfg, "dataset.columns.id", &a->load.id_column)) < 0)
		return cfg_error(prog, rc);
	if ((rc = get_str(cfg, "dataset.source_name", &a->load.source)) < 0)
		return cfg_error(prog, rc);
	s = NULL;
	if ((rc = get_str(cfg, "dataset.format", &s)) < 0)
		return cfg_error(prog, rc);
	for (i = 0; s && i < sizeof fmt_names / sizeof *fmt_names; i++)
		if (!strcmp(s, fmt_names[i]))
			a->load.format = fmt_values[i];
	s = NULL;
	if ((rc = get_str(cfg, "dataset.kind", &s)) < 0)
		return cfg_error(prog, rc);
	if (s)
		a->kind = msb_kind_from_name(s); /* validated: harmful|benign */
	if (cli_config_get_bool(&b, cfg, "dataset.with_benign") == 0)
		a->with_benign = b;
	/* clean: a boolean, or a list of strip_tokens / dedup / all / none */
	if (cli_config_get_bool(&b, cfg, "dataset.clean") == 0) {
		a->load.clean = b ? MSB_CLEAN_ALL : 0;
	} else if ((rc = cli_config_get_strings(&list, &n, cfg, "dataset.clean")) == 0) {
		for (i = 0; i < n; i++) {
			if (!strcmp(list[i], "strip_tokens"))
				a->load.clean |= MSB_CLEAN_STRIP_TOKENS;
			else if (!strcmp(list[i], "dedup"))
				a->load.clean |= MSB_CLEAN_DEDUP;
			else if (!strcmp(list[i], "all"))
				a->load.clean = MSB_CLEAN_ALL;
			else
				a->load.clean = 0;
		}
		free(list);
	} else if (rc != MSB_ENOTFOUND) {
		return cfg_error(prog, rc);
	}
	return CLI_EXIT_OK;
}

/* "Name: value" strings of a headers mapping; *hdrs and *store freed by the caller (free). */
static int headers_of(const cli_config *cfg, const char *section, char ***hdrs, size_t *n_out)
{
	char path[128], **keys, **out;
	size_t n, i;
	int rc;

	*hdrs = NULL;
	*n_out = 0;
	snprintf(path, sizeof path, "%s.headers", section);
	rc = cli_config_get_keys(&keys, &n, cfg, path);
	if (rc == MSB_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	out = calloc(n + 1, sizeof *out);
	if (!out) {
		free(keys);
		return MSB_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const char *val = "";
		size_t len;
		snprintf(path, sizeof path, "%s.headers.%s", section, keys[i]);
		cli_config_get_string(&val, cfg, path);
		len = strlen(keys[i]) + strlen(val) + 3;
		if (!(out[i] = malloc(len)))
			break;
		snprintf(out[i], len, "%s: %s", keys[i], val);
	}
	free(keys);
	if (i < n) {
		while (i--)
			free(out[i]);
		free(out);
		return MSB_ENOMEM;
	}
	*hdrs = out;
	*n_out = n;
	return 0;
}

static void free_headers(char **h, size_t n)
{
	size_t i;

	for (i = 0; h && i < n; i++)
		free(h[i]);
	free(h);
}

const char *cli_http_spec(const char *spec, int *dialect)
{
	static const struct { const char *prefix; int dialect; } kinds[] = {
		{ "openai/", MSB_OPENAI_DIALECT_OPENAI },
		{ "anthropic/", MSB_OPENAI_DIALECT_ANTHROPIC },
		{ "azure/", MSB_OPENAI_DIALECT_AZURE },
	};
	size_t i, n;

	for (i = 0; spec && i < sizeof kinds / sizeof *kinds; i++) {
		n = strlen(kinds[i].prefix);
		if (!strncmp(spec, kinds[i].prefix, n) && spec[n]) {
			if (dialect)
				*dialect = kinds[i].dialect;
			return spec + n;
		}
	}
	return NULL;
}

/* An HTTP backend (OpenAI, Anthropic or Azure dialect) from a model or judge section. */
static int openai_backend(msb_backend **out, const cli_config *cfg, const char *section,
    const char *model, const char *prog)
{
	msb_openai_options o;
	msb_provider_options prov;
	char path[128], **hdrs = NULL;
	const char *s = NULL;
	double d;
	long long v;
	int rc, b;
	size_t n_hdrs = 0;

	msb_openai_options_init(&o, MSB_OPENAI_OPTIONS_VERSION);
	msb_provider_options_init(&prov, MSB_PROVIDER_OPTIONS_VERSION);
	o.model = model;
#define P(key) (snprintf(path, sizeof path, "%s.%s", section, key), path)
	/* the dialect is the SPEC's prefix: anthropic/MODEL, azure/DEPLOYMENT, openai/MODEL */
	if ((rc = get_str(cfg, P("spec"), &s)) < 0)
		return cfg_error(prog, rc);
	if (s)
		cli_http_spec(s, &prov.dialect);
	s = NULL;
	if ((rc = get_str(cfg, P("api_version"), &prov.api_version)) < 0)
		return cfg_error(prog, rc);
	if ((rc = get_str(cfg, P("base_url"), &o.base_url)) < 0 ||
	    (rc = get_str(cfg, P("api_key_env"), &o.api_key_env)) < 0 ||
	    (rc = get_str(cfg, P("ca_file"), &o.ca_file)) < 0 ||
	    (rc = get_str(cfg, P("ca_path"), &o.ca_path)) < 0)
		return cfg_error(prog, rc);
	if ((rc = get_str(cfg, P("endpoint"), &s)) < 0)
		return cfg_error(prog, rc);
	if (s && !strcmp(s, "completions"))
		o.endpoint = MSB_OPENAI_COMPLETIONS;
	s = NULL;
	if ((rc = get_str(cfg, P("prompt_format"), &s)) < 0)
		return cfg_error(prog, rc);
	if (s && (o.prompt_format = msb_prompt_format_from_name(s)) < 0)
		return lib_error(prog, MSB_EINVAL);
	b = o.use_max_completion_tokens;
	if ((rc = get_bool(cfg, P("use_max_completion_tokens"), &b)) < 0)
		return cfg_error(prog, rc);
	o.use_max_completion_tokens = b;
	b = o.omit_temperature;
	if ((rc = get_bool(cfg, P("omit_temperature"), &b)) < 0)
		return cfg_error(prog, rc);
	o.omit_temperature = b;
	d = -1;
	if ((rc = get_dbl(cfg, P("timeout"), &d)) < 0)
		return cfg_error(prog, rc);
	if (d > 0)
		o.timeout_ms = (long)(d * 1000.0);
	d = -1;
	if ((rc = get_dbl(cfg, P("connect_timeout"), &d)) < 0)
		return cfg_error(prog, rc);
	if (d > 0)
		o.connect_timeout_ms = (long)(d * 1000.0);
	d = -1;
	if ((rc = get_dbl(cfg, P("backoff"), &d)) < 0)
		return cfg_error(prog, rc);
	if (d > 0)
		o.backoff_base_ms = (long)(d * 1000.0);
	d = -1;
	if ((rc = get_dbl(cfg, P("backoff_max"), &d)) < 0)
		return cfg_error(prog, rc);
	if (d > 0)
		o.backoff_max_ms = (long)(d * 1000.0);
	v = -2;
	if ((rc = get_int(cfg, P("retries"), &v)) < 0)
		return cfg_error(prog, rc);
	if (v != -2)
		o.max_retries = v == 0 ? -1 : (int)v; /* 0 in the file: no retries */
	v = 0;
	if ((rc = get_int(cfg, P("max_in_flight"), &v)) < 0)
		return cfg_error(prog, rc);
	if (v > 0)
		o.max_in_flight = (int)v;
	if ((rc = get_dbl(cfg, P("requests_per_minute"), &o.requests_per_minute)) < 0 ||
	    (rc = get_dbl(cfg, P("tokens_per_minute"), &o.tokens_per_minute)) < 0)
		return cfg_error(prog, rc);
	b = !o.insecure_skip_verify;
	if ((rc = get_bool(cfg, P("tls_verify"), &b)) < 0)
		return cfg_error(prog, rc);
	o.insecure_skip_verify = !b;
	b = o.http2 >= 0; /* the C default, from msb_openai_options_init */
	if ((rc = get_bool(cfg, P("http2"), &b)) < 0)
		return cfg_error(prog, rc);
	o.http2 = b ? 1 : -1; /* options version 3: 0 is the default (on) */
	if ((rc = headers_of(cfg, section, &hdrs, &n_hdrs)) < 0)
		return cfg_error(prog, rc);
	o.headers = (const char *const *)hdrs;
	o.n_headers = n_hdrs;
#undef P
	if (prov.dialect == MSB_OPENAI_DIALECT_OPENAI || (o.api_key_env && *o.api_key_env))
		cli_key_env_warn(o.api_key_env, o.base_url, prog, section);
	rc = msb_backend_provider_new(out, &o, &prov);
	free_headers(hdrs, n_hdrs);
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, section, msb_error_last()->message);
		return rc == MSB_EINVAL || rc == MSB_EVERSION ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_build_openai_backend(msb_backend **out, const cli_config *cfg, const char *section,
    const char *model, const char *prog)
{
	return openai_backend(out, cfg, section, model, prog);
}

int cli_build_model(msb_backend **out, const cli_config *cfg, const char *prog)
{
	const char *spec = "replay", *text = NULL;
	int rc;

	*out = NULL;
	if ((rc = get_str(cfg, "model.spec", &spec)) < 0)
		return cfg_error(prog, rc);
	if (!strcmp(spec, "replay")) {
		if ((rc = get_str(cfg, "model.replay_text", &text)) < 0)
			return cfg_error(prog, rc);
		if ((rc = msb_backend_replay_new(out, text)) < 0)
			return lib_error(prog, rc);
		return CLI_EXIT_OK;
	}
	if (cli_http_spec(spec, NULL))
		return openai_backend(out, cfg, "model", cli_http_spec(spec, NULL), prog);
	fprintf(stderr, "%s: unknown model SPEC '%s' (expected openai/MODEL, anthropic/MODEL, "
	    "azure/DEPLOYMENT or replay)\n", prog, spec);
	return CLI_EXIT_USAGE;
}

/* One judge from section "judge" or "judge.N". */
static int one_judge(msb_judge **out, const cli_config *cfg, const char *section,
    const char *prog)
{
	msb_llm_judge_options o;
	msb_backend *be = NULL;
	const char *spec = "refusal", *policy = NULL;
	char path[128];
	long long v;
	int rc, status;

	*out = NULL;
#define P(key) (snprintf(path, sizeof path, "%s.%s", section, key), path)
	if ((rc = get_str(cfg, P("spec"), &spec)) < 0)
		return cfg_error(prog, rc);
	if (!strcmp(spec, "refusal")) {
		if ((rc = msb_judge_refusal_new(out)) < 0)
			return lib_error(prog, rc);
		return CLI_EXIT_OK;
	}
	if (!cli_http_spec(spec, NULL)) {
		fprintf(stderr, "%s: unknown judge SPEC '%s' (expected openai/MODEL, anthropic/MODEL, "
		    "azure/DEPLOYMENT or refusal)\n", prog, spec);
		return CLI_EXIT_USAGE;
	}
	msb_llm_judge_options_init(&o, MSB_LLM_JUDGE_OPTIONS_VERSION);
	if ((rc = get_str(cfg, P("template"), &o.template_file)) < 0 ||
	    (rc = get_str(cfg, P("rubric"), &o.rubric_file)) < 0 ||
	    (rc = get_str(cfg, P("system"), &o.system)) < 0 ||
	    (rc = get_str(cfg, P("policy"), &policy)) < 0 ||
	    (rc = get_dbl(cfg, P("temperature"), &o.temperature)) < 0)
		return cfg_error(prog, rc);
	if (!o.system && cli_config_position(NULL, NULL, NULL, cfg, P("system")) == 0)
		o.system = ""; /* --judge-system "": none is sent */
	v = o.max_tokens;
	if ((rc = get_int(cfg, P("max_tokens"), &v)) < 0)
		return cfg_error(prog, rc);
	/* 0 in the configuration: the server's limit (-1 in version 2) */
	o.max_tokens = v == 0 ? -1 : (int)v;
	if (!policy || !strcmp(policy, "auto"))
		o.policy = MSB_POLICY_AUTO;
	else if (!strcmp(policy, "medical"))
		o.policy = MSB_POLICY_MEDICAL;
	else if (!strcmp(policy, "general"))
		o.policy = MSB_POLICY_GENERAL;
	else {
		o.policy = MSB_POLICY_CUSTOM;
		o.policy_file = policy; /* anything else is a file */
	}
#undef P
	cli_preset_judge(cfg, section, &o); /* --preset paper: cli/preset.c */
	if ((status = openai_backend(&be, cfg, section, cli_http_spec(spec, NULL), prog)) != 0)
		return status;
	rc = msb_judge_llm_new(out, be, &o);
	msb_backend_free(be); /* the judge holds its own reference */
	if (rc < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, section, msb_error_last()->message);
		return rc == MSB_ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cli_build_judge(msb_judge **out, const cli_config *cfg, const char *prog)
{
	msb_judge *members[64];
	const char *method = "median";
	char section[32];
	size_t n = 0, i;
	int rc, status = 0, m;

	*out = NULL;
	if (cli_config_kind(cfg, "judge") != CLI_CONFIG_LIST)
		return one_judge(out, cfg, "judge", prog);
	cli_config_count(&n, cfg, "judge");
	if (n == 1)
		return one_judge(out, cfg, "judge.0", prog);
	if (n > 64) {
		fprintf(stderr, "%s: a jury of more than 64 judges\n", prog);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		snprintf(section, sizeof section, "judge.%zu", i);
		if ((status = one_judge(&members[i], cfg, section, prog)) != 0)
			break;
	}
	if (status == 0) {
		if ((rc = get_str(cfg, "jury.aggregate", &method)) < 0) {
			status = cfg_error(prog, rc);
		} else {
			m = !strcmp(method, "mean") ? MSB_JURY_MEAN_ROUNDED
			    : !strcmp(method, "max") ? MSB_JURY_MAX : MSB_JURY_MEDIAN;
			if ((rc = msb_judge_jury_new(out, members, n, m)) < 0)
				status = lib_error(prog, rc);
		}
	}
	while (i--)
		msb_judge_free(members[i]); /* the jury keeps its own references */
	return status;
}

int cli_build_eval_options(msb_eval_options *o, const cli_config *cfg, const char *prog)
{
	long long v;
	int rc, b;

	msb_eval_options_init(o, MSB_EVAL_OPTIONS_VERSION);
#define INT(path, field) do { v = o->field; \
	if ((rc = get_int(cfg, path, &v)) < 0) return cfg_error(prog, rc); \
	o->field = (__typeof__(o->field))v; /* the schema bounds v */ } while (0)
#define BOOL(path, field) do { b = o->field; \
	if ((rc = get_bool(cfg, path, &b)) < 0) return cfg_error(prog, rc); \
	o->field = b; } while (0)
	INT("run.concurrency", concurrency);
	INT("run.judge_concurrency", judge_concurrency);
	INT("run.epochs", epochs);
	INT("run.max_requests", max_requests);
	INT("run.max_total_tokens", max_total_tokens);
	INT("run.retries", retries);
	INT("model.max_tokens", max_tokens);
	BOOL("run.resume", resume);
	BOOL("run.force", force);
	BOOL("run.retry_errors", retry_errors);
	{
		int ru = 0;

		if ((rc = get_bool(cfg, "run.retry_unscored", &ru)) < 0)
			return cfg_error(prog, rc);
		if (ru) /* retry_errors is a mask: MSB_EVAL_RETRY_* */
			o->retry_errors = (o->retry_errors ? MSB_EVAL_RETRY_ERRORS : 0) |
			    MSB_EVAL_RETRY_UNSCORED;
	}
	BOOL("run.dry_run", dry_run);
#undef INT
#undef BOOL
	if ((rc = cli_config_get_int(&v, cfg, "run.seed")) == 0) {
		o->seed = v;
		o->has_seed = 1;
	} else if (rc != MSB_ENOTFOUND) {
		return cfg_error(prog, rc);
	}
	if (o->max_tokens == 0) /* model.max_tokens 0: the server's limit (-1 in version 2) */
		o->max_tokens = -1;
	if (cli_config_kind(cfg, "model.top_p") != CLI_CONFIG_NONE)
		o->has_top_p = 1; /* a top_p given is sent, 0 too (version 2) */
	if ((rc = get_dbl(cfg, "model.temperature", &o->temperature)) < 0 ||
	    (rc = get_dbl(cfg, "model.top_p", &o->top_p)) < 0 ||
	    (rc = get_str(cfg, "model.system_prompt", &o->system_prompt)) < 0 ||
	    (rc = get_str(cfg, "run.cache", &o->cache_dir)) < 0 ||
	    (rc = get_str(cfg, "run.out", &o->out_dir)) < 0)
		return cfg_error(prog, rc);
	/* --system-prompt "" (a null scalar) means none, as "" in a file does; not the default */
	if (!o->system_prompt && cli_config_position(NULL, NULL, NULL, cfg, "model.system_prompt") == 0)
		o->system_prompt = "";
	return CLI_EXIT_OK;
}

/* Set path to value unless something is there already. */
static int set_default(cli_config *cfg, const char *path, const char *value, const char *origin,
    const char *prog)
{
	int rc;

	if (cli_config_kind(cfg, path) != CLI_CONFIG_NONE)
		return 0;
	if ((rc = cli_config_set(cfg, path, value, origin)) < 0)
		return cfg_error(prog, rc);
	return 0;
}

/*
 * base_url of an HTTP SPEC from the environment when not configured:
 * OPENAI_BASE_URL (openai/), ANTHROPIC_BASE_URL (anthropic/),
 * AZURE_OPENAI_ENDPOINT (azure/); and an azure/ SPEC's api_version from
 * OPENAI_API_VERSION (the variables of the providers' own SDKs).
 */
static int base_url_default(cli_config *cfg, const char *section, const char *prog)
{
	static const char *const base_env[] = { "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL",
		"AZURE_OPENAI_ENDPOINT" };
	char path[64];
	const char *spec = NULL, *env, *ver = getenv("OPENAI_API_VERSION");
	int dialect = MSB_OPENAI_DIALECT_OPENAI, status;

	snprintf(path, sizeof path, "%s.spec", section);
	if (cli_config_get_string(&spec, cfg, path) < 0 || !cli_http_spec(spec, &dialect))
		return 0;
	if (dialect == MSB_OPENAI_DIALECT_AZURE && ver && *ver) {
		snprintf(path, sizeof path, "%s.api_version", section);
		if ((status = set_default(cfg, path, ver, "OPENAI_API_VERSION", prog)))
			return status;
	}
	env = getenv(base_env[dialect]);
	if (!env || !*env)
		return 0;
	snprintf(path, sizeof path, "%s.base_url", section);
	return set_default(cfg, path, env, base_env[dialect], prog);
}

int cli_build_judge_defaults(cli_config *cfg, const char *prog)
{
	size_t n = 1, i;
	char section[32], path[48];
	int status;

	if (cli_config_kind(cfg, "judge") == CLI_CONFIG_NONE)
		return set_default(cfg, "judge.spec", "refusal", "default", prog) ||
		    base_url_default(cfg, "judge", prog) ? CLI_EXIT_USAGE : 0;
	if (cli_config_kind(cfg, "judge") == CLI_CONFIG_LIST)
		cli_config_count(&n, cfg, "judge");
	for (i = 0; i < n; i++) {
		snprintf(section, sizeof section, "judge.%zu", i);
		snprintf(path, sizeof path, "judge.%zu.spec", i);
		if ((status = set_default(cfg, path, "refusal", "default", prog)) ||
		    (status = base_url_default(cfg, section, prog)))
			return status;
	}
	return 0;
}

int cli_build_defaults(cli_config *cfg, const char *prog)
{
	int status;

	if ((status = set_default(cfg, "dataset.source", "sample", "default", prog)) ||
	    (status = set_default(cfg, "model.spec", "replay", "default", prog)) ||
	    (status = base_url_default(cfg, "model", prog)))
		return status;
	return cli_build_judge_defaults(cfg, prog);
}

int cli_build_judge_section(msb_judge **out, const cli_config *cfg, const char *section,
    const char *prog)
{
	return one_judge(out, cfg, section, prog);
}
