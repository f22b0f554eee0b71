/* lib/config/node.c - the configuration tree: nodes, path lookup, positions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "config/node.h"

msb__cnode *msb__cnode_new(int kind, const char *origin, size_t line, size_t col)
{
	msb__cnode *n = msb__calloc(1, sizeof *n);

	if (!n)
		return NULL;
	n->kind = kind;
	n->origin = origin;
	n->line = line;
	n->col = col;
	return n;
}

void msb__cnode_free(msb__cnode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		msb__cnode_free(n->kids[i]);
	msb__free(n->kids);
	msb__free(n->text);
	msb__free(n->key);
	msb__free(n);
}

int msb__cnode_push(msb__cnode *parent, msb__cnode *child)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		msb__cnode **k = msb__reallocarray(parent->kids, cap, sizeof *k);
		if (!k)
			return MSB_ENOMEM;
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = child;
	return 0;
}

msb__cnode *msb__cnode_find(const msb__cnode *map, const char *key)
{
	size_t i;

	if (!map || map->kind != MSB_CONFIG_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->kids[i]->key, key))
			return map->kids[i];
	return NULL;
}

int msb__cnode_is_null(const msb__cnode *n)
{
	return n && n->kind == MSB_CONFIG_SCALAR && !n->text;
}

const char *msb__config_origin(msb_config *cfg, const char *origin)
{
	char **o, *s;
	size_t i;

	for (i = 0; i < cfg->n_origins; i++)
		if (!strcmp(cfg->origins[i], origin))
			return cfg->origins[i];
	s = msb__strdup(origin);
	if (!s)
		return NULL;
	o = msb__reallocarray(cfg->origins, cfg->n_origins + 1, sizeof *o);
	if (!o) {
		msb__free(s);
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

msb__cnode *msb__config_lookup(const msb_config *cfg, const char *path)
{
	msb__cnode *n;
	const char *p, *dot;

	if (!cfg || !path)
		return NULL;
	n = cfg->root;
	if (!*path)
		return n;
	for (p = path; n; p = dot + 1) {
		size_t len, idx, i;
		msb__cnode *next = NULL;

		dot = strchr(p, '.');
		len = dot ? (size_t)(dot - p) : strlen(p);
		if (n->kind == MSB_CONFIG_MAP) {
			for (i = 0; i < n->n; i++)
				if (strlen(n->kids[i]->key) == len && !memcmp(n->kids[i]->key, p, len)) {
					next = n->kids[i];
					break;
				}
		}
		if (!next && component_index(p, len, &idx)) {
			if (n->kind == MSB_CONFIG_LIST)
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

void msb__cnode_where(char *buf, size_t size, const msb__cnode *n)
{
	where(buf, size, n->origin, n->line, n->col);
}

void msb__cnode_key_where(char *buf, size_t size, const msb__cnode *n)
{
	if (n->key_line)
		where(buf, size, n->origin, n->key_line, n->key_col);
	else
		where(buf, size, n->origin, n->line, n->col);
}
