/*
 * cli/config/schema.c - the run-configuration schema (documented in
 * docs/config.md) and the checks against it. Every
 * message starts with the value's FILE:LINE:COL and its dotted path.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/util.h"
#include "config/schema.h"

#define NOLIM 0, 0
#define BIG 1e18

/* Keys a model or a judge section may never hold: secrets go in the environment. */
#define SECRET_KEYS \
	{ "api_key", CFG__T_SECRET, NULL, NOLIM, NULL }, \
	{ "apikey", CFG__T_SECRET, NULL, NOLIM, NULL }, \
	{ "key", CFG__T_SECRET, NULL, NOLIM, NULL }, \
	{ "token", CFG__T_SECRET, NULL, NOLIM, NULL }, \
	{ "password", CFG__T_SECRET, NULL, NOLIM, NULL }, \
	{ "secret", CFG__T_SECRET, NULL, NOLIM, NULL }

/* HTTP backend settings shared by the model and the judges. */
#define HTTP_KEYS \
	{ "base_url", CFG__T_STR, NULL, NOLIM, NULL }, \
	{ "api_key_env", CFG__T_ENVNAME, NULL, NOLIM, NULL }, \
	{ "endpoint", CFG__T_ENUM, NULL, NOLIM, "chat|completions" }, \
	{ "prompt_format", CFG__T_ENUM, NULL, NOLIM, "plain|llama2|mistral|vicuna|medalpaca|med42" }, \
	{ "max_tokens", CFG__T_INT, NULL, 0, 1000000, NULL }, \
	{ "temperature", CFG__T_DOUBLE, NULL, 0, 2, NULL }, \
	{ "top_p", CFG__T_DOUBLE, NULL, 0, 1, NULL }, \
	{ "omit_temperature", CFG__T_BOOL, NULL, NOLIM, NULL }, \
	{ "use_max_completion_tokens", CFG__T_BOOL, NULL, NOLIM, NULL }, \
	{ "timeout", CFG__T_DOUBLE, NULL, 0.001, 86400, NULL }, \
	{ "connect_timeout", CFG__T_DOUBLE, NULL, 0.001, 3600, NULL }, \
	{ "retries", CFG__T_INT, NULL, 0, 100, NULL }, \
	{ "backoff", CFG__T_DOUBLE, NULL, 0.001, 3600, NULL }, \
	{ "backoff_max", CFG__T_DOUBLE, NULL, 0.001, 3600, NULL }, \
	{ "requests_per_minute", CFG__T_DOUBLE, NULL, 0, 1e9, NULL }, \
	{ "tokens_per_minute", CFG__T_DOUBLE, NULL, 0, 1e12, NULL }, \
	{ "max_in_flight", CFG__T_INT, NULL, 1, 100000, NULL }, \
	{ "headers", CFG__T_STRMAP, NULL, NOLIM, NULL }, \
	{ "tls_verify", CFG__T_BOOL, NULL, NOLIM, NULL }, \
	{ "http2", CFG__T_BOOL, NULL, NOLIM, NULL }, \
	{ "ca_file", CFG__T_PATH, NULL, NOLIM, NULL }, \
	{ "ca_path", CFG__T_PATH, NULL, NOLIM, NULL }, \
	{ "api_version", CFG__T_STR, NULL, NOLIM, NULL }

static const cfg__skey columns_keys[] = {
	{ "prompt", CFG__T_STR, NULL, NOLIM, NULL },
	{ "reference", CFG__T_STR, NULL, NOLIM, NULL },
	{ "principle", CFG__T_STR, NULL, NOLIM, NULL },
	{ "id", CFG__T_STR, NULL, NOLIM, NULL },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey dataset_keys[] = {
	{ "source", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "format", CFG__T_ENUM, NULL, NOLIM, "auto|medsafetybench|csv|text|json|jsonl|hexphi" },
	{ "source_name", CFG__T_STR, NULL, NOLIM, NULL },
	{ "split", CFG__T_STRLIST, NULL, NOLIM, NULL },
	{ "sources", CFG__T_STRLIST, NULL, NOLIM, NULL },
	{ "principles", CFG__T_INTLIST, NULL, 0, 9, NULL },
	{ "limit", CFG__T_INT, NULL, 1, BIG, NULL }, /* 0 is refused, as --limit 0 is: leave it out for all */
	{ "sample", CFG__T_INT, NULL, 1, BIG, NULL },
	{ "seed", CFG__T_INT, NULL, 0, BIG, NULL },
	{ "shard", CFG__T_SHARD, NULL, NOLIM, NULL },
	{ "columns", CFG__T_SECTION, columns_keys, NOLIM, NULL },
	{ "clean", CFG__T_CLEAN, NULL, NOLIM, NULL },
	{ "kind", CFG__T_ENUM, NULL, NOLIM, "harmful|benign" },
	{ "with_benign", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey model_keys[] = {
	{ "spec", CFG__T_MODEL_SPEC, NULL, NOLIM, NULL },
	HTTP_KEYS,
	{ "system_prompt", CFG__T_STR, NULL, NOLIM, NULL },
	{ "replay_text", CFG__T_STR, NULL, NOLIM, NULL },
	SECRET_KEYS,
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey judge_keys[] = {
	{ "spec", CFG__T_JUDGE_SPEC, NULL, NOLIM, NULL },
	HTTP_KEYS,
	{ "template", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "policy", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "rubric", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "system", CFG__T_STR, NULL, NOLIM, NULL },
	SECRET_KEYS,
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey jury_keys[] = {
	{ "aggregate", CFG__T_ENUM, NULL, NOLIM, "median|mean|max" },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey run_keys[] = {
	{ "concurrency", CFG__T_INT, NULL, 1, 4096, NULL },
	{ "judge_concurrency", CFG__T_INT, NULL, 1, 4096, NULL },
	{ "epochs", CFG__T_INT, NULL, 1, 1000, NULL },
	{ "seed", CFG__T_INT, NULL, 0, BIG, NULL },
	{ "cache", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "out", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "resume", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "force", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "retry_errors", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "retry_unscored", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "max_unscored", CFG__T_DOUBLE, NULL, 0, 1, NULL },
	{ "dry_run", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "max_requests", CFG__T_INT, NULL, 0, BIG, NULL },
	{ "max_total_tokens", CFG__T_INT, NULL, 0, BIG, NULL },
	{ "retries", CFG__T_INT, NULL, 0, 100, NULL },
	{ "preset", CFG__T_ENUM, NULL, NOLIM, "paper" },
	{ "paper_files", CFG__T_PATH, NULL, NOLIM, NULL },
	{ "paper_family", CFG__T_ENUM, NULL, NOLIM,
	  "gpt|llama|llama1|llama2|llama31|meditron|clinicalcamel|medalpaca|med42|mistral|vicuna|pythia" },
	/* batch APIs (docs/batch.md) */
	{ "batch", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "judge_batch", CFG__T_BOOL, NULL, NOLIM, NULL },
	{ "batch_poll_interval", CFG__T_DOUBLE, NULL, 0.01, 86400, NULL },
	{ "batch_retry", CFG__T_INT, NULL, 0, 100, NULL },
	{ "batch_max_lines", CFG__T_INT, NULL, 1, 100000, NULL }, /* capped by the provider */
	{ "batch_max_bytes", CFG__T_INT, NULL, 1024, 256000000, NULL },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey report_keys[] = {
	{ "formats", CFG__T_ENUMLIST, NULL, NOLIM, "md|json|csv|html" },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey top_keys[] = {
	{ "version", CFG__T_INT, NULL, 1, 1, NULL },
	{ "dataset", CFG__T_SECTION, dataset_keys, NOLIM, NULL },
	{ "model", CFG__T_SECTION, model_keys, NOLIM, NULL },
	{ "judge", CFG__T_JUDGES, judge_keys, NOLIM, NULL },
	{ "jury", CFG__T_SECTION, jury_keys, NOLIM, NULL },
	{ "run", CFG__T_SECTION, run_keys, NOLIM, NULL },
	{ "report", CFG__T_SECTION, report_keys, NOLIM, NULL },
	{ "benign_judge", CFG__T_STR, NULL, NOLIM, NULL }, /* cli/benign.c: auto|xstest-rules|same|helpfulness|openai/MODEL */
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const cfg__skey root_key = { "", CFG__T_SECTION, top_keys, NOLIM, NULL };
/* The values of a header mapping, when addressed one by one. */
static const cfg__skey header_value = { "header", CFG__T_STR, NULL, NOLIM, NULL };

#define CLEAN_CHOICES "strip_tokens|dedup|all|none"

const cfg__skey *cfg__schema_root(void)
{
	return &root_key;
}

/* ---- messages ---- */

static const char *kind_name(const cfg__cnode *n)
{
	if (n->kind == CLI_CONFIG_MAP)
		return "a mapping";
	if (n->kind == CLI_CONFIG_LIST)
		return "a list";
	return "a scalar";
}

/* "'text'" (cut at 40 bytes) or "a mapping" for messages. */
static void found(char *buf, size_t size, const cfg__cnode *n)
{
	if (n->kind != CLI_CONFIG_SCALAR)
		snprintf(buf, size, "%s", kind_name(n));
	else if (!n->text)
		snprintf(buf, size, "nothing");
	else if (strlen(n->text) > 40)
		snprintf(buf, size, "'%.37s...'", n->text);
	else
		snprintf(buf, size, "'%s'", n->text);
}

static int bad(const cfg__cnode *n, const char *path, const char *expected)
{
	char w[512], f[64];

	cfg__cnode_where(w, sizeof w, n);
	found(f, sizeof f, n);
	return cfg__error_set(MSB_EINVAL, "%s: %s: expected %s, found %s", w, path, expected, f);
}

static int out_of_range(const cfg__cnode *n, const char *path, const cfg__skey *k, double v)
{
	char w[512];

	cfg__cnode_where(w, sizeof w, n);
	if (k->max >= BIG)
		return cfg__error_set(MSB_EINVAL, "%s: %s: must be at least %g, found %g", w, path,
		    k->min, v);
	if (k->min == k->max)
		return cfg__error_set(MSB_EINVAL, "%s: %s: must be %g, found %g", w, path, k->min, v);
	return cfg__error_set(MSB_EINVAL, "%s: %s: must be between %g and %g, found %g", w, path,
	    k->min, k->max, v);
}

/* Levenshtein distance, small strings only (keys). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof *cur);
	}
	return prev[lb];
}

static int unknown_key(const cfg__cnode *n, const char *section, const cfg__skey *kids)
{
	const cfg__skey *k, *best = NULL;
	size_t d, best_d = 99;
	char w[512], known[600];
	size_t used = 0;

	cfg__cnode_key_where(w, sizeof w, n);
	known[0] = '\0';
	for (k = kids; k->name; k++) {
		if (k->type == CFG__T_SECRET)
			continue;
		d = distance(n->key, k->name);
		if (d < best_d) {
			best_d = d;
			best = k;
		}
		if (used < sizeof known - 40)
			used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
			    used ? ", " : "", k->name);
	}
	if (best && best_d <= 2 && best_d < strlen(n->key))
		return cfg__error_set(MSB_EINVAL, "%s: unknown key '%s'%s%s (did you mean '%s'?)", w,
		    n->key, *section ? " in " : "", section, best->name);
	return cfg__error_set(MSB_EINVAL, "%s: unknown key '%s'%s%s (known keys: %s)", w, n->key,
	    *section ? " in " : "", section, known);
}

/* ---- checks of single values ---- */

static int in_choices(const char *choices, const char *s, size_t len)
{
	const char *p = choices, *bar;

	for (;;) {
		bar = strchr(p, '|');
		size_t l = bar ? (size_t)(bar - p) : strlen(p);
		if (l == len && !strncmp(p, s, len))
			return 1;
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

static int check_int_text(const cfg__cnode *n, const char *text, const char *path,
    const cfg__skey *k)
{
	long long v;

	if (n->quoted || cfg__scalar_int(&v, text) < 0)
		return bad(n, path, "an integer");
	if (k->min != k->max || k->min != 0) {
		if ((double)v < k->min || (double)v > k->max)
			return out_of_range(n, path, k, (double)v);
	}
	return 0;
}

/* Apply fn to each item of a comma list or a list of scalars. */
typedef int (*item_fn)(const cfg__cnode *n, const char *item, size_t len, const char *path,
    const cfg__skey *k);

static int each_item(const cfg__cnode *n, const char *path, const cfg__skey *k, item_fn fn)
{
	size_t i;
	int rc;

	if (n->kind == CLI_CONFIG_MAP)
		return bad(n, path, "a list");
	if (n->kind == CLI_CONFIG_LIST) {
		for (i = 0; i < n->n; i++) {
			const cfg__cnode *it = n->kids[i];
			if (it->kind != CLI_CONFIG_SCALAR || !it->text)
				return bad(it, path, "a list of values");
			if ((rc = fn(it, it->text, strlen(it->text), path, k)) < 0)
				return rc;
		}
		return 0;
	}
	{
		const char *p = n->text, *item;
		size_t len;
		do {
			p = cfg__comma_item(p, &item, &len);
			if (len && (rc = fn(n, item, len, path, k)) < 0)
				return rc;
		} while (p);
		return 0;
	}
}

static int item_any(const cfg__cnode *n, const char *s, size_t len, const char *path,
    const cfg__skey *k)
{
	(void)n; (void)s; (void)len; (void)path; (void)k;
	return 0;
}

static int item_int(const cfg__cnode *n, const char *s, size_t len, const char *path,
    const cfg__skey *k)
{
	char tmp[32];
	long long v;
	char w[512];

	if (len >= sizeof tmp)
		len = sizeof tmp - 1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (cfg__scalar_int(&v, tmp) < 0 || (double)v < k->min || (double)v > k->max) {
		cfg__cnode_where(w, sizeof w, n);
		return cfg__error_set(MSB_EINVAL,
		    "%s: %s: expected whole numbers between %g and %g, found '%s'", w, path,
		    k->min, k->max, tmp);
	}
	return 0;
}

static int item_choice(const cfg__cnode *n, const char *s, size_t len, const char *path,
    const cfg__skey *k)
{
	char w[512];

	if (in_choices(k->choices, s, len))
		return 0;
	cfg__cnode_where(w, sizeof w, n);
	return cfg__error_set(MSB_EINVAL, "%s: %s: expected one of %s, found '%.*s'", w, path,
	    k->choices, (int)(len > 40 ? 40 : len), s);
}

static int check_spec(const cfg__cnode *n, const char *path, int judge)
{
	const char *t = n->text;
	const char *expected = judge ?
	    "a judge SPEC: refusal, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT" :
	    "a model SPEC: replay, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT";
	static const char *const http[] = { "openai/", "anthropic/", "azure/" };
	size_t i, k;

	if (!strcmp(t, judge ? "refusal" : "replay"))
		return 0;
	for (i = 0; i < sizeof http / sizeof *http; i++) {
		k = strlen(http[i]);
		if (!strncmp(t, http[i], k) && t[k] && !strchr(t + k, ' '))
			return 0;
	}
	return bad(n, path, expected);
}

static int check_shard(const cfg__cnode *n, const char *path)
{
	unsigned long i, c;
	int used = 0;
	char w[512];

	if (sscanf(n->text, "%lu/%lu%n", &i, &c, &used) != 2 || (size_t)used != strlen(n->text) ||
	    !isdigit((unsigned char)n->text[0]))
		return bad(n, path, "a shard I/N such as 0/4");
	if (c < 1 || i >= c || c > 1000000) {
		cfg__cnode_where(w, sizeof w, n);
		return cfg__error_set(MSB_EINVAL,
		    "%s: %s: shard %lu/%lu: the index counts from 0 and must be below the count", w,
		    path, i, c);
	}
	return 0;
}

static int check_envname(const cfg__cnode *n, const char *path)
{
	const char *p = n->text;
	char w[512];

	if (*p && !isdigit((unsigned char)*p)) {
		while (*p && (isalnum((unsigned char)*p) || *p == '_'))
			p++;
		if (!*p)
			return 0;
	}
	/* Do not echo the value: people paste the key itself here. */
	cfg__cnode_where(w, sizeof w, n);
	return cfg__error_set(MSB_EINVAL,
	    "%s: %s: expected the NAME of an environment variable (letters, digits, _), such as "
	    "OPENAI_API_KEY, not the key itself", w, path);
}

/*
 * Validation goes on after an error to report up to MAX_ERRORS of them at
 * once, so that a user fixes a file in one round. A collector gathers the
 * messages; without one (cli_config_set) the first error is returned.
 */
#define MAX_ERRORS 20
#define STOP 1 /* the collector is full: unwind without recording again */

typedef struct collector {
	char text[7900];  /* fits the 8 KiB error message with the last line */
	size_t used;
	int n, first, more;
} collector;

/* Keep rc's message (the last error) in c. 0 to go on, STOP, or rc without a collector. */
static int record(collector *c, int rc)
{
	const char *m = cli_config_message();
	size_t len = strlen(m);

	if (rc == STOP || !c)
		return rc;
	if (c->n == MAX_ERRORS || c->used + len + 2 > sizeof c->text) {
		c->more = 1;
		return STOP;
	}
	if (c->used)
		c->text[c->used++] = '\n';
	memcpy(c->text + c->used, m, len + 1);
	c->used += len;
	if (c->n++ == 0)
		c->first = rc;
	return 0;
}

static int check_section(collector *c, const cfg__skey *k, const cfg__cnode *n,
    const char *path);
static int check_value(collector *c, const cfg__skey *k, const cfg__cnode *n,
    const char *path);

int cfg__schema_check_value(const cfg__skey *k, const cfg__cnode *n, const char *path)
{
	return check_value(NULL, k, n, path);
}

static int check_value(collector *c, const cfg__skey *k, const cfg__cnode *n,
    const char *path)
{
	char w[512];
	double d;
	int b;

	if (k->type == CFG__T_SECRET) {
		cfg__cnode_key_where(w, sizeof w, n);
		return cfg__error_set(MSB_EINVAL,
		    "%s: %s: secrets do not belong in a configuration file; put the API key in an "
		    "environment variable and give its name with api_key_env", w, path);
	}
	if (cfg__cnode_is_null(n))
		return 0; /* null: the default */
	switch (k->type) {
	case CFG__T_SECTION:
		return check_section(c, k, n, path);
	case CFG__T_JUDGES:
		if (n->kind == CLI_CONFIG_LIST) {
			size_t i;
			char sub[256];
			int rc;
			if (n->n == 0)
				return bad(n, path, "at least one judge");
			for (i = 0; i < n->n; i++) {
				snprintf(sub, sizeof sub, "%s.%zu", path, i);
				if (n->kids[i]->kind != CLI_CONFIG_MAP)
					rc = record(c, bad(n->kids[i], sub, "a judge mapping (spec: ...)"));
				else
					rc = check_section(c, k, n->kids[i], sub);
				if (rc)
					return rc;
			}
			return 0;
		}
		if (n->kind != CLI_CONFIG_MAP)
			return bad(n, path, "a judge mapping, or a list of them for a jury");
		return check_section(c, k, n, path);
	case CFG__T_STRMAP: {
		size_t i;
		char sub[256];
		if (n->kind != CLI_CONFIG_MAP)
			return bad(n, path, "a mapping of header names to values");
		for (i = 0; i < n->n; i++) {
			snprintf(sub, sizeof sub, "%s.%s", path, n->kids[i]->key);
			if (n->kids[i]->kind != CLI_CONFIG_SCALAR || !n->kids[i]->text)
				return bad(n->kids[i], sub, "a header value");
		}
		return 0;
	}
	default:
		break;
	}
	/* every other type accepts a scalar; the list types a list too */
	if (n->kind == CLI_CONFIG_MAP ||
	    (n->kind == CLI_CONFIG_LIST && k->type != CFG__T_STRLIST && k->type != CFG__T_INTLIST &&
	    k->type != CFG__T_ENUMLIST && k->type != CFG__T_CLEAN)) {
		const char *what = "a value";
		if (k->type == CFG__T_INT)
			what = "an integer";
		else if (k->type == CFG__T_DOUBLE)
			what = "a number";
		else if (k->type == CFG__T_BOOL)
			what = "true or false";
		else if (k->type == CFG__T_STR || k->type == CFG__T_PATH || k->type == CFG__T_ENVNAME)
			what = "a string";
		return bad(n, path, what);
	}
	switch (k->type) {
	case CFG__T_STR:
	case CFG__T_PATH:
		return 0;
	case CFG__T_INT:
		return check_int_text(n, n->text, path, k);
	case CFG__T_DOUBLE:
		if (n->quoted || cfg__scalar_double(&d, n->text) < 0)
			return bad(n, path, "a number");
		if (d < k->min || d > k->max)
			return out_of_range(n, path, k, d);
		return 0;
	case CFG__T_BOOL:
		if (n->quoted || cfg__scalar_bool(&b, n->text) < 0)
			return bad(n, path, "true or false");
		return 0;
	case CFG__T_ENUM:
		return item_choice(n, n->text, strlen(n->text), path, k);
	case CFG__T_STRLIST:
		return each_item(n, path, k, item_any);
	case CFG__T_INTLIST:
		return each_item(n, path, k, item_int);
	case CFG__T_ENUMLIST:
		return each_item(n, path, k, item_choice);
	case CFG__T_CLEAN: {
		cfg__skey cl = *k;
		if (n->kind == CLI_CONFIG_SCALAR && !n->quoted && cfg__scalar_bool(&b, n->text) == 0)
			return 0;
		cl.choices = CLEAN_CHOICES;
		return each_item(n, path, &cl, item_choice);
	}
	case CFG__T_MODEL_SPEC:
		return check_spec(n, path, 0);
	case CFG__T_JUDGE_SPEC:
		return check_spec(n, path, 1);
	case CFG__T_SHARD:
		return check_shard(n, path);
	case CFG__T_ENVNAME:
		return check_envname(n, path);
	default:
		return 0;
	}
}

static const cfg__skey *kid_named(const cfg__skey *k, const char *name, size_t len)
{
	const cfg__skey *c;

	for (c = k->kids; c->name; c++)
		if (strlen(c->name) == len && !strncmp(c->name, name, len))
			return c;
	return NULL;
}

/* With a collector: 0 or STOP, the errors recorded; without: 0 or the first error. */
static int check_section(collector *c, const cfg__skey *k, const cfg__cnode *n,
    const char *path)
{
	size_t i;
	int rc;

	if (n->kind != CLI_CONFIG_MAP)
		return bad(n, *path ? path : "the configuration", "a mapping of keys");
	for (i = 0; i < n->n; i++) {
		const cfg__cnode *kid = n->kids[i];
		const cfg__skey *ks = kid_named(k, kid->key, strlen(kid->key));
		char sub[256];

		if (!ks) {
			rc = unknown_key(kid, path, k->kids);
		} else {
			snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", kid->key);
			rc = check_value(c, ks, kid, sub);
		}
		if (rc && (rc = record(c, rc)) != 0)
			return rc;
	}
	return 0;
}

int cfg__schema_check_tree(const cfg__cnode *root)
{
	collector c;
	int rc;

	c.used = 0;
	c.n = c.first = c.more = 0;
	c.text[0] = '\0';
	rc = check_section(&c, &root_key, root, "");
	if (c.n == 0)
		return rc < 0 ? rc : 0; /* rc < 0: the root is no mapping (its message is set) */
	if (c.more)
		return cfg__error_set(c.first, "%s\nmore than %d errors; the first %d are shown", c.text,
		    c.n, c.n);
	return cfg__error_set(c.first, "%s", c.text);
}

static int is_index(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int cfg__schema_find(const cfg__skey **out, const char *path, const char *origin)
{
	const cfg__skey *k = &root_key;
	const char *p = path, *dot;

	for (;;) {
		size_t len;

		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (k->type == CFG__T_JUDGES && is_index(p, len)) {
			/* "judge.1.spec": the index picks a judge; the keys are the same */
		} else if (k->type == CFG__T_SECTION || k->type == CFG__T_JUDGES) {
			const cfg__skey *c = kid_named(k, p, len);
			if (!c)
				goto unknown;
			k = c;
		} else if (k->type == CFG__T_STRMAP && !dot) {
			k = &header_value;
		} else if ((k->type == CFG__T_STRLIST || k->type == CFG__T_INTLIST ||
		    k->type == CFG__T_ENUMLIST) && is_index(p, len) && !dot) {
			/* an item of a list keeps the list's type (a scalar list of one) */
		} else {
			goto unknown;
		}
		if (!dot)
			break;
		p = dot + 1;
	}
	*out = k;
	return 0;
unknown:
	return cfg__error_set(MSB_EINVAL, "%s%sunknown configuration key '%s'",
	    origin ? origin : "", origin ? ": " : "", path);
}

int cfg__schema_secret_name(const char *key)
{
	static const char *const suffixes[] = {
		"api_key", "apikey", "api-key", "token", "secret", "password", "passwd",
		"authorization", "cookie", "credential", "credentials"
	};
	size_t i, kl = strlen(key);

	if (kl >= 4 && !strcasecmp(key + kl - 4, "_env"))
		return 0; /* the NAME of a variable, never its value */
	if (!strcasecmp(key, "key"))
		return 1;
	for (i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		size_t sl = strlen(suffixes[i]);
		if (kl >= sl && !strcasecmp(key + kl - sl, suffixes[i]))
			return 1;
	}
	return 0;
}
