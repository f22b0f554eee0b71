/* cli/config/get.c - typed getters by dotted path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/util.h"
#include "config/node.h"

/* The node at path, or MSB_ENOTFOUND (null values count as absent). */
static int find(const cfg__cnode **out, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;

	if (!cfg || !path)
		return cfg__error_set(MSB_EINVAL, "cli_config: NULL argument");
	n = cfg__lookup(cfg, path);
	if (!n || cfg__cnode_is_null(n))
		return cfg__error_set(MSB_ENOTFOUND, "no configuration value at '%s'", path);
	*out = n;
	return 0;
}

static int wrong(const cfg__cnode *n, const char *path, const char *expected)
{
	char w[512];

	cfg__cnode_where(w, sizeof w, n);
	if (n->kind == CLI_CONFIG_SCALAR)
		return cfg__error_set(MSB_EINVAL, "%s: %s: expected %s, found '%.40s'", w, path,
		    expected, n->text);
	return cfg__error_set(MSB_EINVAL, "%s: %s: expected %s, found a %s", w, path, expected,
	    n->kind == CLI_CONFIG_MAP ? "mapping" : "list");
}

int cli_config_kind(const cli_config *cfg, const char *path)
{
	const cfg__cnode *n = cfg__lookup(cfg, path);

	if (!n || cfg__cnode_is_null(n))
		return CLI_CONFIG_NONE;
	return n->kind;
}

int cli_config_count(size_t *out, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_count: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	*out = n->kind == CLI_CONFIG_SCALAR ? 1 : n->n;
	return 0;
}

int cli_config_get_string(const char **out, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_get_string: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	if (n->kind != CLI_CONFIG_SCALAR)
		return wrong(n, path, "a string");
	*out = n->text;
	return 0;
}

int cli_config_get_int(long long *out, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	long long v;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_get_int: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	if (n->kind != CLI_CONFIG_SCALAR || cfg__scalar_int(&v, n->text) < 0)
		return wrong(n, path, "an integer");
	*out = v;
	return 0;
}

int cli_config_get_double(double *out, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	double v;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_get_double: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	if (n->kind != CLI_CONFIG_SCALAR || cfg__scalar_double(&v, n->text) < 0)
		return wrong(n, path, "a number");
	*out = v;
	return 0;
}

int cli_config_get_bool(int *out, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	int v;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_get_bool: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	if (n->kind != CLI_CONFIG_SCALAR || cfg__scalar_bool(&v, n->text) < 0)
		return wrong(n, path, "true or false");
	*out = v;
	return 0;
}

/* A NULL-terminated array and its strings in one block (one free()). */
typedef struct strvec {
	const char *s[256];
	size_t len[256];
	size_t n, bytes;
} strvec;

static int vec_add(strvec *v, const cfg__cnode *n, const char *path, const char *s, size_t len)
{
	char w[512];

	if (v->n == sizeof v->s / sizeof *v->s) {
		cfg__cnode_where(w, sizeof w, n);
		return cfg__error_set(MSB_ELIMIT, "%s: %s: more than %zu entries", w, path,
		    sizeof v->s / sizeof *v->s);
	}
	v->s[v->n] = s;
	v->len[v->n++] = len;
	v->bytes += len + 1;
	return 0;
}

static int vec_finish(char ***out, size_t *count, const strvec *v)
{
	char **arr, *p;
	size_t i;

	arr = malloc((v->n + 1) * sizeof *arr + v->bytes);
	if (!arr)
		return cfg__nomem();
	p = (char *)(arr + v->n + 1);
	for (i = 0; i < v->n; i++) {
		arr[i] = p;
		memcpy(p, v->s[i], v->len[i]);
		p[v->len[i]] = '\0';
		p += v->len[i] + 1;
	}
	arr[v->n] = NULL;
	*out = arr;
	if (count)
		*count = v->n;
	return 0;
}

int cli_config_get_strings(char ***out, size_t *count, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	strvec v;
	size_t i;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_get_strings: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	v.n = v.bytes = 0;
	if (n->kind == CLI_CONFIG_MAP)
		return wrong(n, path, "a list");
	if (n->kind == CLI_CONFIG_LIST) {
		for (i = 0; i < n->n; i++) {
			const cfg__cnode *it = n->kids[i];
			if (it->kind != CLI_CONFIG_SCALAR || !it->text)
				return wrong(it, path, "a list of strings");
			if ((rc = vec_add(&v, it, path, it->text, strlen(it->text))) < 0)
				return rc;
		}
	} else {
		const char *p = n->text, *item;
		size_t len;
		do {
			p = cfg__comma_item(p, &item, &len);
			if (len && (rc = vec_add(&v, n, path, item, len)) < 0)
				return rc;
		} while (p);
	}
	return vec_finish(out, count, &v);
}

int cli_config_get_keys(char ***out, size_t *count, const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;
	strvec v;
	size_t i;
	int rc;

	if (!out)
		return cfg__error_set(MSB_EINVAL, "cli_config_get_keys: out is NULL");
	if ((rc = find(&n, cfg, path)) < 0)
		return rc;
	if (n->kind != CLI_CONFIG_MAP)
		return wrong(n, path, "a mapping");
	v.n = v.bytes = 0;
	for (i = 0; i < n->n; i++)
		if ((rc = vec_add(&v, n, path, n->kids[i]->key, strlen(n->kids[i]->key))) < 0)
			return rc;
	return vec_finish(out, count, &v);
}

int cli_config_position(const char **origin, size_t *line, size_t *column,
    const cli_config *cfg, const char *path)
{
	const cfg__cnode *n;

	if (!cfg || !path)
		return cfg__error_set(MSB_EINVAL, "cli_config_position: NULL argument");
	n = cfg__lookup(cfg, path);
	if (!n)
		return cfg__error_set(MSB_ENOTFOUND, "no configuration value at '%s'", path);
	if (origin)
		*origin = n->origin ? n->origin : "<config>";
	if (line)
		*line = n->line;
	if (column)
		*column = n->col;
	return 0;
}
