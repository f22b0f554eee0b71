/*
 * cli/config/set.c - changing a configuration: what command-line flags do
 * to the file's values. Every change is checked against the schema first,
 * so a bad flag fails before the configuration is touched.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/util.h"
#include "config/node.h"
#include "config/schema.h"

#define MAX_PARTS 16

typedef struct parts {
	char buf[512];
	char *p[MAX_PARTS];
	size_t n;
} parts;

static int split_path(parts *ps, const char *path)
{
	char *s, *dot;

	if (!path || !*path || strlen(path) >= sizeof ps->buf)
		return cfg__error_set(MSB_EINVAL, "cli_config: bad path '%s'", path ? path : "(null)");
	strcpy(ps->buf, path);
	ps->n = 0;
	for (s = ps->buf;; s = dot + 1) {
		if (ps->n == MAX_PARTS)
			return cfg__error_set(MSB_EINVAL, "cli_config: path '%s' is too deep", path);
		dot = strchr(s, '.');
		if (dot)
			*dot = '\0';
		if (!*s)
			return cfg__error_set(MSB_EINVAL, "cli_config: bad path '%s'", path);
		ps->p[ps->n++] = s;
		if (!dot)
			return 0;
	}
}

static int index_of(const char *s, size_t *out)
{
	size_t v = 0;

	if (!*s || strlen(s) > 9 || (s[0] == '0' && s[1]))
		return 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		v = v * 10 + (size_t)(*s - '0');
	}
	*out = v;
	return 1;
}

/* Replace the contents of `dst` with `src` (keeping dst's key); frees src. */
static void replace_node(cfg__cnode *dst, cfg__cnode *src)
{
	size_t i;
	char *key = dst->key;
	size_t kl = dst->key_line, kc = dst->key_col;

	for (i = 0; i < dst->n; i++)
		cfg__cnode_free(dst->kids[i]);
	free(dst->kids);
	free(dst->text);
	*dst = *src;
	dst->key = key;
	dst->key_line = kl;
	dst->key_col = kc;
	free(src->key);
	free(src);
}

/* Add a child to a mapping (with key) or a list (key NULL); takes node. */
static int add_child(cfg__cnode *parent, const char *key, cfg__cnode *node)
{
	if (key && !(node->key = strdup(key))) {
		cfg__cnode_free(node);
		return cfg__nomem();
	}
	if (cfg__cnode_push(parent, node) < 0) {
		cfg__cnode_free(node);
		return cfg__nomem();
	}
	return 0;
}

/*
 * Walk to the node named by parts[0..upto-1], creating containers on the
 * way (a list when the next part is an index, else a mapping). Missing
 * nodes are made only when `create`.
 */
static int walk(cfg__cnode **out, cli_config *cfg, const parts *ps, size_t upto,
    const char *origin, int create)
{
	cfg__cnode *cur = cfg->root;
	size_t i, idx;

	for (i = 0; i < upto; i++) {
		const char *c = ps->p[i];
		int want_list = i + 1 < ps->n && index_of(ps->p[i + 1], &idx);
		int kind = want_list ? CLI_CONFIG_LIST : CLI_CONFIG_MAP;
		cfg__cnode *next = NULL;

		if (cur->kind == CLI_CONFIG_MAP) {
			next = cfg__cnode_find(cur, c);
			if (!next && index_of(c, &idx)) {
				if (idx == 0)
					continue; /* a single mapping stands for a list of one */
				return cfg__error_set(MSB_EINVAL, "%s: cannot set item %zu of '%s': it "
				    "is a single mapping, not a list", origin, idx, ps->p[i - (i > 0)]);
			}
			if (!next) {
				if (!create)
					return MSB_ENOTFOUND;
				next = cfg__cnode_new(kind, origin, 0, 0);
				if (!next || add_child(cur, c, next) < 0)
					return cfg__nomem();
			} else if (next->kind == CLI_CONFIG_SCALAR) {
				cfg__cnode *fresh;
				if (!create)
					return MSB_ENOTFOUND;
				fresh = cfg__cnode_new(kind, origin, 0, 0);
				if (!fresh)
					return cfg__nomem();
				replace_node(next, fresh);
			}
		} else if (cur->kind == CLI_CONFIG_LIST && index_of(c, &idx) && idx <= cur->n) {
			if (idx < cur->n) {
				next = cur->kids[idx];
			} else {
				if (!create)
					return MSB_ENOTFOUND;
				next = cfg__cnode_new(kind, origin, 0, 0);
				if (!next || add_child(cur, NULL, next) < 0)
					return cfg__nomem();
			}
		} else {
			return cfg__error_set(MSB_EINVAL, "%s: cannot set '%s' here (index out of range or "
			    "not a list)", origin, c);
		}
		cur = next;
	}
	*out = cur;
	return 0;
}

/* A scalar node for value, read as plain YAML. */
static cfg__cnode *scalar(const char *value, const char *origin)
{
	cfg__cnode *n = cfg__cnode_new(CLI_CONFIG_SCALAR, origin, 0, 0);

	if (!n)
		return NULL;
	if (!cfg__scalar_is_null_text(value) && !(n->text = strdup(value))) {
		cfg__cnode_free(n);
		return NULL;
	}
	return n;
}

/* Put node at the last part of ps under parent (replacing what is there). */
static int put(cfg__cnode *parent, const parts *ps, cfg__cnode *node)
{
	const char *last = ps->p[ps->n - 1];
	cfg__cnode *old;
	size_t idx;

	if (parent->kind == CLI_CONFIG_MAP) {
		if ((old = cfg__cnode_find(parent, last))) {
			replace_node(old, node);
			return 0;
		}
		return add_child(parent, last, node);
	}
	if (parent->kind == CLI_CONFIG_LIST && index_of(last, &idx) && idx <= parent->n) {
		if (idx < parent->n) {
			replace_node(parent->kids[idx], node);
			return 0;
		}
		return add_child(parent, NULL, node);
	}
	cfg__cnode_free(node);
	return cfg__error_set(MSB_EINVAL, "cli_config: cannot set '%s' here", last);
}

/*
 * What set and append both do first: split the path, intern the origin
 * (in place: *origin becomes the borrowed copy) and find the schema key.
 */
static int prepare(parts *ps, const char **origin, const cfg__skey **k, cli_config *cfg,
    const char *path, const char *fn)
{
	int rc;

	if (!cfg)
		return cfg__error_set(MSB_EINVAL, "%s: cfg is NULL", fn);
	if ((rc = split_path(ps, path)) < 0)
		return rc;
	if (!(*origin = cfg__origin(cfg, *origin ? *origin : "<set>")))
		return cfg__nomem();
	return cfg__schema_find(k, path, *origin);
}

int cli_config_set(cli_config *cfg, const char *path, const char *value, const char *origin)
{
	const cfg__skey *k;
	cfg__cnode *node, *parent;
	parts ps;
	int rc;

	if ((rc = prepare(&ps, &origin, &k, cfg, path, "cli_config_set")) < 0)
		return rc;
	if (!(node = scalar(value, origin)))
		return cfg__nomem();
	if ((rc = cfg__schema_check_value(k, node, path)) < 0 ||
	    (k->type == CFG__T_PATH && (rc = cfg__expand_home(node)) < 0) ||
	    (rc = walk(&parent, cfg, &ps, ps.n - 1, origin, 1)) < 0) {
		cfg__cnode_free(node);
		return rc;
	}
	return put(parent, &ps, node);
}

static int append_one(cli_config *cfg, const char *path, const char *value, const char *origin);

int cli_config_append(cli_config *cfg, const char *path, const char *value, const char *origin)
{
	char part[1024];
	const char *p = value, *item;
	size_t len;
	int rc;

	/* "md,csv" appends two items: a list item never holds a comma list */
	if (!value || !strchr(value, ','))
		return append_one(cfg, path, value, origin);
	do {
		p = cfg__comma_item(p, &item, &len);
		if (len >= sizeof part)
			return cfg__error_set(MSB_EINVAL, "%s: %s: an item is too long", origin, path);
		memcpy(part, item, len);
		part[len] = '\0';
		if (len && (rc = append_one(cfg, path, part, origin)) < 0)
			return rc;
	} while (p);
	return 0;
}

static int append_one(cli_config *cfg, const char *path, const char *value, const char *origin)
{
	const cfg__skey *k;
	cfg__cnode *item, *parent, *list;
	parts ps;
	int rc;

	if ((rc = prepare(&ps, &origin, &k, cfg, path, "cli_config_append")) < 0)
		return rc;
	if (k->type != CFG__T_STRLIST && k->type != CFG__T_INTLIST && k->type != CFG__T_ENUMLIST)
		return cfg__error_set(MSB_EINVAL, "%s: %s is not a list", origin, path);
	if (!(item = scalar(value, origin)))
		return cfg__nomem();
	if (!item->text) {
		cfg__cnode_free(item);
		return cfg__error_set(MSB_EINVAL, "%s: %s: an empty list item", origin, path);
	}
	if ((rc = cfg__schema_check_value(k, item, path)) < 0 ||
	    (rc = walk(&parent, cfg, &ps, ps.n - 1, origin, 1)) < 0) {
		cfg__cnode_free(item);
		return rc;
	}
	list = parent->kind == CLI_CONFIG_MAP ? cfg__cnode_find(parent, ps.p[ps.n - 1]) : NULL;
	if (list && list->kind == CLI_CONFIG_LIST)
		return add_child(list, NULL, item);
	if (list && list->kind == CLI_CONFIG_SCALAR && list->text) {
		/* "a,b" then append c: keep the comma list form */
		size_t l1 = strlen(list->text), l2 = strlen(item->text);
		char *t = malloc(l1 + l2 + 2);
		if (!t) {
			cfg__cnode_free(item);
			return cfg__nomem();
		}
		memcpy(t, list->text, l1);
		t[l1] = ',';
		memcpy(t + l1 + 1, item->text, l2 + 1);
		free(list->text);
		list->text = t;
		list->quoted = 0;
		cfg__cnode_free(item);
		return 0;
	}
	{
		cfg__cnode *fresh = cfg__cnode_new(CLI_CONFIG_LIST, origin, 0, 0);
		if (!fresh || cfg__cnode_push(fresh, item) < 0) {
			cfg__cnode_free(fresh);
			cfg__cnode_free(item);
			return cfg__nomem();
		}
		return put(parent, &ps, fresh);
	}
}

/* Remove target from the tree below n; 1 when found. */
static int remove_below(cfg__cnode *n, const cfg__cnode *target)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		if (n->kids[i] == target) {
			cfg__cnode_free(n->kids[i]);
			memmove(n->kids + i, n->kids + i + 1, (n->n - i - 1) * sizeof *n->kids);
			n->n--;
			return 1;
		}
		if (remove_below(n->kids[i], target))
			return 1;
	}
	return 0;
}

int cli_config_unset(cli_config *cfg, const char *path)
{
	cfg__cnode *n;
	size_t i;

	if (!cfg || !path)
		return cfg__error_set(MSB_EINVAL, "cli_config_unset: NULL argument");
	n = cfg__lookup(cfg, path);
	if (!n)
		return 0;
	if (n == cfg->root) {
		for (i = 0; i < n->n; i++)
			cfg__cnode_free(n->kids[i]);
		n->n = 0;
		return 0;
	}
	remove_below(cfg->root, n);
	return 0;
}
