/* cli/config/node.c - the configuration tree: nodes, path lookup, positions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/util.h"
#include "config/node.h"

cfg__cnode *cfg__cnode_new(int kind, const char *origin, size_t line, size_t col)
{
	cfg__cnode *n = calloc(1, sizeof *n);

	if (!n)
		return NULL;
	n->kind = kind;
	n->origin = origin;
	n->line = line;
	n->col = col;
	return n;
}

void cfg__cnode_free(cfg__cnode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		cfg__cnode_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n->key);
	free(n);
}

int cfg__cnode_push(cfg__cnode *parent, cfg__cnode *child)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		cfg__cnode **k = reallocarray(parent->kids, cap, sizeof *k);
		if (!k)
			return cfg__nomem();
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = child;
	return 0;
}

cfg__cnode *cfg__cnode_find(const cfg__cnode *map, const char *key)
{
	size_t i;

	if (!map || map->kind != CLI_CONFIG_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->kids[i]->key, key))
			return map->kids[i];
	return NULL;
}

int cfg__cnode_is_null(const cfg__cnode *n)
{
	return n && n->kind == CLI_CONFIG_SCALAR && !n->text;
}

const char *cfg__origin(cli_config *cfg, const char *origin)
{
	char **o, *s;
	size_t i;

	for (i = 0; i < cfg->n_origins; i++)
		if (!strcmp(cfg->origins[i], origin))
			return cfg->origins[i];
	s = strdup(origin);
	if (!s)
		return NULL;
	o = reallocarray(cfg->origins, cfg->n_origins + 1, sizeof *o);
	if (!o) {
		free(s);
		return NULL;
	}
	cfg->origins = o;
	o[cfg->n_origins++] = s;
	return s;
}

/* A path component that is a list index: digits only, no sign, no leading zeros. */
static int component_index(const char *c, size_t len, size_t *out)
{
	size_t i, v = 0;

	if (len == 0 || len > 9 || (len > 1 && c[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (c[i] < '0' || c[i] > '9')
			return 0;
		v = v * 10 + (size_t)(c[i] - '0');
	}
	*out = v;
	return 1;
}

cfg__cnode *cfg__lookup(const cli_config *cfg, const char *path)
{
	cfg__cnode *n;
	const char *p, *dot;

	if (!cfg || !path)
		return NULL;
	n = cfg->root;
	if (!*path)
		return n;
	for (p = path; n; p = dot + 1) {
		size_t len, idx, i;
		cfg__cnode *next = NULL;

		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (n->kind == CLI_CONFIG_MAP) {
			for (i = 0; i < n->n; i++)
				if (strlen(n->kids[i]->key) == len && !memcmp(n->kids[i]->key, p, len)) {
					next = n->kids[i];
					break;
				}
		}
		if (!next && component_index(p, len, &idx)) {
			if (n->kind == CLI_CONFIG_LIST)
				next = idx < n->n ? n->kids[idx] : NULL;
			else if (idx == 0)
				next = n;
		}
		n = next;
		if (!dot)
			break;
	}
	return n;
}

static void where(char *buf, size_t size, const char *origin, size_t line, size_t col)
{
	if (line)
		snprintf(buf, size, "%s:%zu:%zu", origin ? origin : "<config>", line, col);
	else
		snprintf(buf, size, "%s", origin ? origin : "<config>");
}

void cfg__cnode_where(char *buf, size_t size, const cfg__cnode *n)
{
	where(buf, size, n->origin, n->line, n->col);
}

void cfg__cnode_key_where(char *buf, size_t size, const cfg__cnode *n)
{
	if (n->key_line)
		where(buf, size, n->origin, n->key_line, n->key_col);
	else
		where(buf, size, n->origin, n->line, n->col);
}
