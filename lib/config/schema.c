/*
 * lib/config/schema.c - the run-configuration schema (documented in
 * docs/cli.md, "Configuration file") and the checks against it. Every
 * message starts with the value's FILE:LINE:COL and its dotted path.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "config/schema.h"

#define NOLIM 0, 0
#define BIG 1e18

/* Keys a model or a judge section may never hold: secrets go in the environment. */
#define SECRET_KEYS \
	{ "api_key", MSB__T_SECRET, NULL, NOLIM, NULL }, \
	{ "apikey", MSB__T_SECRET, NULL, NOLIM, NULL }, \
	{ "key", MSB__T_SECRET, NULL, NOLIM, NULL }, \
	{ "token", MSB__T_SECRET, NULL, NOLIM, NULL }, \
	{ "password", MSB__T_SECRET, NULL, NOLIM, NULL }, \
	{ "secret", MSB__T_SECRET, NULL, NOLIM, NULL }

/* HTTP backend settings shared by the model and the judges. */
#define HTTP_KEYS \
	{ "base_url", MSB__T_STR, NULL, NOLIM, NULL }, \
	{ "api_key_env", MSB__T_ENVNAME, NULL, NOLIM, NULL }, \
	{ "endpoint", MSB__T_ENUM, NULL, NOLIM, "chat|completions" }, \
	{ "prompt_format", MSB__T_ENUM, NULL, NOLIM, "plain|llama2|mistral|vicuna|medalpaca|med42" }, \
	{ "max_tokens", MSB__T_INT, NULL, 0, 1000000, NULL }, \
	{ "temperature", MSB__T_DOUBLE, NULL, 0, 2, NULL }, \
	{ "top_p", MSB__T_DOUBLE, NULL, 0, 1, NULL }, \
	{ "omit_temperature", MSB__T_BOOL, NULL, NOLIM, NULL }, \
	{ "use_max_completion_tokens", MSB__T_BOOL, NULL, NOLIM, NULL }, \
	{ "timeout", MSB__T_DOUBLE, NULL, 0.001, 86400, NULL }, \
	{ "connect_timeout", MSB__T_DOUBLE, NULL, 0.001, 3600, NULL }, \
	{ "retries", MSB__T_INT, NULL, 0, 100, NULL }, \
	{ "backoff", MSB__T_DOUBLE, NULL, 0.001, 3600, NULL }, \
	{ "backoff_max", MSB__T_DOUBLE, NULL, 0.001, 3600, NULL }, \
	{ "requests_per_minute", MSB__T_DOUBLE, NULL, 0, 1e9, NULL }, \
	{ "tokens_per_minute", MSB__T_DOUBLE, NULL, 0, 1e12, NULL }, \
	{ "max_in_flight", MSB__T_INT, NULL, 1, 100000, NULL }, \
	{ "headers", MSB__T_STRMAP, NULL, NOLIM, NULL }, \
	{ "tls_verify", MSB__T_BOOL, NULL, NOLIM, NULL }, \
	{ "http2", MSB__T_BOOL, NULL, NOLIM, NULL }, \
	{ "ca_file", MSB__T_PATH, NULL, NOLIM, NULL }, \
	{ "ca_path", MSB__T_PATH, NULL, NOLIM, NULL }, \
	{ "api_version", MSB__T_STR, NULL, NOLIM, NULL }

static const msb__skey columns_keys[] = {
	{ "prompt", MSB__T_STR, NULL, NOLIM, NULL },
	{ "reference", MSB__T_STR, NULL, NOLIM, NULL },
	{ "principle", MSB__T_STR, NULL, NOLIM, NULL },
	{ "id", MSB__T_STR, NULL, NOLIM, NULL },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey dataset_keys[] = {
	{ "source", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "format", MSB__T_ENUM, NULL, NOLIM, "auto|medsafetybench|csv|text|json|jsonl|hexphi" },
	{ "source_name", MSB__T_STR, NULL, NOLIM, NULL },
	{ "split", MSB__T_STRLIST, NULL, NOLIM, NULL },
	{ "sources", MSB__T_STRLIST, NULL, NOLIM, NULL },
	{ "principles", MSB__T_INTLIST, NULL, 0, 9, NULL },
	{ "limit", MSB__T_INT, NULL, 1, BIG, NULL }, /* 0 is refused, as --limit 0 is: leave it out for all */
	{ "sample", MSB__T_INT, NULL, 1, BIG, NULL },
	{ "seed", MSB__T_INT, NULL, 0, BIG, NULL },
	{ "shard", MSB__T_SHARD, NULL, NOLIM, NULL },
	{ "columns", MSB__T_SECTION, columns_keys, NOLIM, NULL },
	{ "clean", MSB__T_CLEAN, NULL, NOLIM, NULL },
	{ "kind", MSB__T_ENUM, NULL, NOLIM, "harmful|benign" },
	{ "with_benign", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey model_keys[] = {
	{ "spec", MSB__T_MODEL_SPEC, NULL, NOLIM, NULL },
	HTTP_KEYS,
	{ "system_prompt", MSB__T_STR, NULL, NOLIM, NULL },
	{ "replay_text", MSB__T_STR, NULL, NOLIM, NULL },
	SECRET_KEYS,
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey judge_keys[] = {
	{ "spec", MSB__T_JUDGE_SPEC, NULL, NOLIM, NULL },
	HTTP_KEYS,
	{ "template", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "policy", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "rubric", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "system", MSB__T_STR, NULL, NOLIM, NULL },
	SECRET_KEYS,
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey jury_keys[] = {
	{ "aggregate", MSB__T_ENUM, NULL, NOLIM, "median|mean|max" },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey run_keys[] = {
	{ "concurrency", MSB__T_INT, NULL, 1, 4096, NULL },
	{ "judge_concurrency", MSB__T_INT, NULL, 1, 4096, NULL },
	{ "epochs", MSB__T_INT, NULL, 1, 1000, NULL },
	{ "seed", MSB__T_INT, NULL, 0, BIG, NULL },
	{ "cache", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "out", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "resume", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "force", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "retry_errors", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "retry_unscored", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "max_unscored", MSB__T_DOUBLE, NULL, 0, 1, NULL },
	{ "dry_run", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "max_requests", MSB__T_INT, NULL, 0, BIG, NULL },
	{ "max_total_tokens", MSB__T_INT, NULL, 0, BIG, NULL },
	{ "retries", MSB__T_INT, NULL, 0, 100, NULL },
	{ "preset", MSB__T_ENUM, NULL, NOLIM, "paper" },
	{ "paper_files", MSB__T_PATH, NULL, NOLIM, NULL },
	{ "paper_family", MSB__T_ENUM, NULL, NOLIM,
	  "gpt|llama|llama1|llama2|llama31|meditron|clinicalcamel|medalpaca|med42|mistral|vicuna|pythia" },
	/* batch APIs (docs/batch.md) */
	{ "batch", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "judge_batch", MSB__T_BOOL, NULL, NOLIM, NULL },
	{ "batch_poll_interval", MSB__T_DOUBLE, NULL, 0.01, 86400, NULL },
	{ "batch_retry", MSB__T_INT, NULL, 0, 100, NULL },
	{ "batch_max_lines", MSB__T_INT, NULL, 1, 100000, NULL }, /* capped by the provider */
	{ "batch_max_bytes", MSB__T_INT, NULL, 1024, 256000000, NULL },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey report_keys[] = {
	{ "formats", MSB__T_ENUMLIST, NULL, NOLIM, "md|json|csv|html" },
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey top_keys[] = {
	{ "version", MSB__T_INT, NULL, 1, 1, NULL },
	{ "dataset", MSB__T_SECTION, dataset_keys, NOLIM, NULL },
	{ "model", MSB__T_SECTION, model_keys, NOLIM, NULL },
	{ "judge", MSB__T_JUDGES, judge_keys, NOLIM, NULL },
	{ "jury", MSB__T_SECTION, jury_keys, NOLIM, NULL },
	{ "run", MSB__T_SECTION, run_keys, NOLIM, NULL },
	{ "report", MSB__T_SECTION, report_keys, NOLIM, NULL },
	{ "benign_judge", MSB__T_STR, NULL, NOLIM, NULL }, /* cli/benign.c: auto|xstest-rules|same|helpfulness|openai/MODEL */
	{ NULL, 0, NULL, NOLIM, NULL }
};

static const msb__skey root_key = { "", MSB__T_SECTION, top_keys, NOLIM, NULL };
/* The values of a header mapping, when addressed one by one. */
static const msb__skey header_value = { "header", MSB__T_STR, NULL, NOLIM, NULL };

#define CLEAN_CHOICES "strip_tokens|dedup|all|none"

const msb__skey *msb__schema_root(void)
{
	return &root_key;
}

/* ---- messages ---- */

static const char *kind_name(const msb__cnode *n)
{
	if (n->kind == MSB_CONFIG_MAP)
		return "a mapping";
	if (n->kind == MSB_CONFIG_LIST)
		return "a list";
	return "a scalar";
}

/* "'text'" (cut at 40 bytes) or "a mapping" for messages. */
static void found(char *buf, size_t size, const msb__cnode *n)
{
	if (n->kind != MSB_CONFIG_SCALAR)
		snprintf(buf, size, "%s", kind_name(n));
	else if (!n->text)
		snprintf(buf, size, "nothing");
	else if (strlen(n->text) > 40)
		snprintf(buf, size, "'%.37s...'", n->text);
	else
		snprintf(buf, size, "'%s'", n->text);
}

static int bad(const msb__cnode *n, const char *path, const char *expected)
{
	char w[512], f[64];

	msb__cnode_where(w, sizeof w, n);
	found(f, sizeof f, n);
	return msb__error_set(MSB_EINVAL, "%s: %s: expected %s, found %s", w, path, expected, f);
}

static int out_of_range(const msb__cnode *n, const char *path, const msb__skey *k, double v)
{
	char w[512];

	msb__cnode_where(w, sizeof w, n);
	if (k->max >= BIG)
		return msb__error_set(MSB_EINVAL, "%s: %s: must be at least %g, found %g", w, path,
		    k->min, v);
	if (k->min == k->max)
		return msb__error_set(MSB_EINVAL, "%s: %s: must be %g, found %g", w, path, k->min, v);
	return msb__error_set(MSB_EINVAL, "%s: %s: must be between %g and %g, found %g", w, path,
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

static int unknown_key(const msb__cnode *n, const char *section, const msb__skey *kids)
{
	const msb__skey *k, *best = NULL;
	size_t d, best_d = 99;
	char w[512], known[600];
	size_t used = 0;

	msb__cnode_key_where(w, sizeof w, n);
	known[0] = '\0';
	for (k = kids; k->name; k++) {
		if (k->type == MSB__T_SECRET)
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
		return msb__error_set(MSB_EINVAL, "%s: unknown key '%s'%s%s (did you mean '%s'?)", w,
		    n->key, *section ? " in " : "", section, best->name);
	return msb__error_set(MSB_EINVAL, "%s: unknown key '%s'%s%s (known keys: %s)", w, n->key,
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

static int check_int_text(const msb__cnode *n, const char *text, const char *path,
    const msb__skey *k)
{
	long long v;

	if (n->quoted || msb__scalar_int(&v, text) < 0)
		return bad(n, path, "an integer");
	if (k->min != k->max || k->min != 0) {
		if ((double)v < k->min || (double)v > k->max)
			return out_of_range(n, path, k, (double)v);
	}
	return 0;
}

/* Apply fn to each item of a comma list or a list of scalars. */
typedef int (*item_fn)(const msb__cnode *n, const char *item, size_t len, const char *path,
    const msb__skey *k);

static int each_item(const msb__cnode *n, const char *path, const msb__skey *k, item_fn fn)
{
	size_t i;
	int rc;

	if (n->kind == MSB_CONFIG_MAP)
		return bad(n, path, "a list");
	if (n->kind == MSB_CONFIG_LIST) {
		for (i = 0; i < n->n; i++) {
			const msb__cnode *it = n->kids[i];
			if (it->kind != MSB_CONFIG_SCALAR || !it->text)
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
			p = msb__comma_item(p, &item, &len);
			if (len && (rc = fn(n, item, len, path, k)) < 0)
				return rc;
		} while (p);
		return 0;
	}
}

static int item_any(const msb__cnode *n, const char *s, size_t len, const char *path,
    const msb__skey *k)
{
	(void)n; (void)s; (void)len; (void)path; (void)k;
	return 0;
}

static int item_int(const msb__cnode *n, const char *s, size_t len, const char *path,
    const msb__skey *k)
{
	char tmp[32];
	long long v;
	char w[512];

	if (len >= sizeof tmp)
		len = sizeof tmp - 1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (msb__scalar_int(&v, tmp) < 0 || (double)v < k->min || (double)v > k->max) {
		msb__cnode_where(w, sizeof w, n);
		return msb__error_set(MSB_EINVAL,
		    "%s: %s: expected whole numbers between %g and %g, found '%s'", w, path,
		    k->min, k->max, tmp);
	}
	return 0;
}

static int item_choice(const msb__cnode *n, const char *s, size_t len, const char *path,
    const msb__skey *k)
{
	char w[512];

	if (in_choices(k->choices, s, len))
		return 0;
	msb__cnode_where(w, sizeof w, n);
	return msb__error_set(MSB_EINVAL, "%s: %s: expected one of %s, found '%.*s'", w, path,
	    k->choices, (int)(len > 40 ? 40 : len), s);
}

static int check_spec(const msb__cnode *n, const char *path, int judge)
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

static int check_shard(const msb__cnode *n, const char *path)
{
	unsigned long i, c;
	int used = 0;
	char w[512];

	if (sscanf(n->text, "%lu/%lu%n", &i, &c, &used) != 2 || (size_t)used != strlen(n->text) ||
	    !isdigit((unsigned char)n->text[0]))
		return bad(n, path, "a shard I/N such as 0/4");
	if (c < 1 || i >= c || c > 1000000) {
		msb__cnode_where(w, sizeof w, n);
		return msb__error_set(MSB_EINVAL,
		    "%s: %s: shard %lu/%lu: the index counts from 0 and must be below the count", w,
		    path, i, c);
	}
	return 0;
}

static int check_envname(const msb__cnode *n, const char *path)
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
	msb__cnode_where(w, sizeof w, n);
	return msb__error_set(MSB_EINVAL,
	    "%s: %s: expected the NAME of an environment variable (letters, digits, _), such as "
	    "OPENAI_API_KEY, not the key itself", w, path);
}

/*
 * Validation goes on after an error to report up to MAX_ERRORS of them at
 * once, so that a user fixes a file in one round. A collector gathers the
 * messages; without one (msb_config_set) the first error is returned.
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
	const char *m = msb_error_last()->message;
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

static int check_section(collector *c, const msb__skey *k, const msb__cnode *n,
    const char *path);
static int check_value(collector *c, const msb__skey *k, const msb__cnode *n,
    const char *path);

int msb__schema_check_value(const msb__skey *k, const msb__cnode *n, const char *path)
{
	return check_value(NULL, k, n, path);
}

static int check_value(collector *c, const msb__skey *k, const msb__cnode *n,
    const char *path)
{
	char w[512];
	double d;
	int b;

	if (k->type == MSB__T_SECRET) {
		msb__cnode_key_where(w, sizeof w, n);
		return msb__error_set(MSB_EINVAL,
		    "%s: %s: secrets do not belong in a configuration file; put the API key in an "
		    "environment variable and give its name with api_key_env", w, path);
	}
	if (msb__cnode_is_null(n))
		return 0; /* null: the default */
	switch (k->type) {
	case MSB__T_SECTION:
		return check_section(c, k, n, path);
	case MSB__T_JUDGES:
		if (n->kind == MSB_CONFIG_LIST) {
			size_t i;
			char sub[256];
			int rc;
			if (n->n == 0)
				return bad(n, path, "at least one judge");
			for (i = 0; i < n->n; i++) {
				snprintf(sub, sizeof sub, "%s.%zu", path, i);
				if (n->kids[i]->kind != MSB_CONFIG_MAP)
					rc = record(c, bad(n->kids[i], sub, "a judge mapping (spec: ...)"));
				else
					rc = check_section(c, k, n->kids[i], sub);
				if (rc)
					return rc;
			}
			return 0;
		}
		if (n->kind != MSB_CONFIG_MAP)
			return bad(n, path, "a judge mapping, or a list of them for a jury");
		return check_section(c, k, n, path);
	case MSB__T_STRMAP: {
		size_t i;
		char sub[256];
		if (n->kind != MSB_CONFIG_MAP)
			return bad(n, path, "a mapping of header names to values");
		for (i = 0; i < n->n; i++) {
			snprintf(sub, sizeof sub, "%s.%s", path, n->kids[i]->key);
			if (n->kids[i]->kind != MSB_CONFIG_SCALAR || !n->kids[i]->text)
				return bad(n->kids[i], sub, "a header value");
		}
		return 0;
	}
	default:
		break;
	}
	/* every other type accepts a scalar; the list types a list too */
	if (n->kind == MSB_CONFIG_MAP ||
	    (n->kind == MSB_CONFIG_LIST && k->type != MSB__T_STRLIST && k->type != MSB__T_INTLIST &&
	    k->type != MSB__T_ENUMLIST && k->type != MSB__T_CLEAN)) {
		const char *what = "a value";
		if (k->type == MSB__T_INT)
			what = "an integer";
		else if (k->type == MSB__T_DOUBLE)
			what = "a number";
		else if (k->type == MSB__T_BOOL)
			what = "true or false";
		else if (k->type == MSB__T_STR || k->type == MSB__T_PATH || k->type == MSB__T_ENVNAME)
			what = "a string";
		return bad(n, path, what);
	}
	switch (k->type) {
	case MSB__T_STR:
	case MSB__T_PATH:
		return 0;
	case MSB__T_INT:
		return check_int_text(n, n->text, path, k);
	case MSB__T_DOUBLE:
		if (n->quoted || msb__scalar_double(&d, n->text) < 0)
			return bad(n, path, "a number");
		if (d < k->min || d > k->max)
			return out_of_range(n, path, k, d);
		return 0;
	case MSB__T_BOOL:
		if (n->quoted || msb__scalar_bool(&b, n->text) < 0)
			return bad(n, path, "true or false");
		return 0;
	case MSB__T_ENUM:
		return item_choice(n, n->text, strlen(n->text), path, k);
	case MSB__T_STRLIST:
		return each_item(n, path, k, item_any);
	case MSB__T_INTLIST:
		return each_item(n, path, k, item_int);
	case MSB__T_ENUMLIST:
		return each_item(n, path, k, item_choice);
	case MSB__T_CLEAN: {
		msb__skey cl = *k;
		if (n->kind == MSB_CONFIG_SCALAR && !n->quoted && msb__scalar_bool(&b, n->text) == 0)
			return 0;
		cl.choices = CLEAN_CHOICES;
		return each_item(n, path, &cl, item_choice);
	}
	case MSB__T_MODEL_SPEC:
		return check_spec(n, path, 0);
	case MSB__T_JUDGE_SPEC:
		return check_spec(n, path, 1);
	case MSB__T_SHARD:
		return check_shard(n, path);
	case MSB__T_ENVNAME:
		return check_envname(n, path);
	default:
		return 0;
	}
}

static const msb__skey *kid_named(const msb__skey *k, const char *name, size_t len)
{
	const msb__skey *c;

	for (c = k->kids; c->name; c++)
		if (strlen(c->name) == len && !strncmp(c->name, name, len))
			return c;
	return NULL;
}

/* With a collector: 0 or STOP, the errors recorded; without: 0 or the first error. */
static int check_section(collector *c, const msb__skey *k, const msb__cnode *n,
    const char *path)
{
	size_t i;
	int rc;

	if (n->kind != MSB_CONFIG_MAP)
		return bad(n, *path ? path : "the configuration", "a mapping of keys");
	for (i = 0; i < n->n; i++) {
		const msb__cnode *kid = n->kids[i];
		const msb__skey *ks = kid_named(k, kid->key, strlen(kid->key));
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

int msb__schema_check_tree(const msb__cnode *root)
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
		return msb__error_set(c.first, "%s\nmore than %d errors; the first %d are shown", c.text,
		    c.n, c.n);
	return msb__error_set(c.first, "%s", c.text);
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

int msb__schema_find(const msb__skey **out, const char *path, const char *origin)
{
	const msb__skey *k = &root_key;
	const char *p = path, *dot;

	for (;;) {
		size_t len;

		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (k->type == MSB__T_JUDGES && is_index(p, len)) {
			/* "judge.1.spec": the index picks a judge; the keys are the same */
		} else if (k->type == MSB__T_SECTION || k->type == MSB__T_JUDGES) {
			const msb__skey *c = kid_named(k, p, len);
			if (!c)
				goto unknown;
			k = c;
		} else if (k->type == MSB__T_STRMAP && !dot) {
			k = &header_value;
		} else if ((k->type == MSB__T_STRLIST || k->type == MSB__T_INTLIST ||
		    k->type == MSB__T_ENUMLIST) && is_index(p, len) && !dot) {
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
	return msb__error_set(MSB_EINVAL, "%s%sunknown configuration key '%s'",
	    origin ? origin : "", origin ? ": " : "", path);
}

int msb__schema_secret_name(const char *key)
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
