/*
 * lib/config/set.c - changing a configuration: what command-line flags do
 * to the file's values. Every change is checked against the schema first,
 * so a bad flag fails before the configuration is touched.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "medsafety/config.h"
#include "core/alloc.h"
#include "core/error.h"
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
		return msb__error_set(MSB_EINVAL, "msb_config: bad path '%s'", path ? path : "(null)");
	strcpy(ps->buf, path);
	ps->n = 0;
	for (s = ps->buf;; s = dot + 1) {
		if (ps->n == MAX_PARTS)
			return msb__error_set(MSB_EINVAL, "msb_config: path '%s' is too deep", path);
		dot = strchr(s, '.');
		if (dot)
			*dot = '\0';
		if (!*s)
			return msb__error_set(MSB_EINVAL, "msb_config: bad path '%s'", path);
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
static void replace_node(msb__cnode *dst, msb__cnode *src)
{
	size_t i;
	char *key = dst->key;
	size_t kl = dst->key_line, kc = dst->key_col;

	for (i = 0; i < dst->n; i++)
		msb__cnode_free(dst->kids[i]);
	msb__free(dst->kids);
	msb__free(dst->text);
	*dst = *src;
	dst->key = key;
	dst->key_line = kl;
	dst->key_col = kc;
	msb__free(src->key);
	msb__free(src);
}

/* Add a child to a mapping (with key) or a list (key NULL); takes node. */
static int add_child(msb__cnode *parent, const char *key, msb__cnode *node)
{
	if (key && !(node->key = msb__strdup(key))) {
		msb__cnode_free(node);
		return MSB_ENOMEM;
	}
	if (msb__cnode_push(parent, node) < 0) {
		msb__cnode_free(node);
		return MSB_ENOMEM;
	}
	return 0;
}

/*
 * Walk to the node named by parts[0..upto-1], creating containers on the
 * way (a list when the next part is an index, else a mapping). Missing
 * nodes are made only when `create`.
 */
static int walk(msb__cnode **out, msb_config *cfg, const parts *ps, size_t upto,
    const char *origin, int create)
{
	msb__cnode *cur = cfg->root;
	size_t i, idx;

	for (i = 0; i < upto; i++) {
		const char *c = ps->p[i];
		int want_list = i + 1 < ps->n && index_of(ps->p[i + 1], &idx);
		int kind = want_list ? MSB_CONFIG_LIST : MSB_CONFIG_MAP;
		msb__cnode *next = NULL;

		if (cur->kind == MSB_CONFIG_MAP) {
			next = msb__cnode_find(cur, c);
			if (!next && index_of(c, &idx)) {
				if (idx == 0)
					continue; /* a single mapping stands for a list of one */
				return msb__error_set(MSB_EINVAL, "%s: cannot set item %zu of '%s': it "
				    "is a single mapping, not a list", origin, idx, ps->p[i - (i > 0)]);
			}
			if (!next) {
				if (!create)
					return MSB_ENOTFOUND;
				next = msb__cnode_new(kind, origin, 0, 0);
				if (!next || add_child(cur, c, next) < 0)
					return MSB_ENOMEM;
			} else if (next->kind == MSB_CONFIG_SCALAR) {
				msb__cnode *fresh;
				if (!create)
					return MSB_ENOTFOUND;
				fresh = msb__cnode_new(kind, origin, 0, 0);
				if (!fresh)
					return MSB_ENOMEM;
				replace_node(next, fresh);
			}
		} else if (cur->kind == MSB_CONFIG_LIST && index_of(c, &idx) && idx <= cur->n) {
			if (idx < cur->n) {
				next = cur->kids[idx];
			} else {
				if (!create)
					return MSB_ENOTFOUND;
				next = msb__cnode_new(kind, origin, 0, 0);
				if (!next || add_child(cur, NULL, next) < 0)
					return MSB_ENOMEM;
			}
		} else {
			return msb__error_set(MSB_EINVAL, "%s: cannot set '%s' here (index out of range or "
			    "not a list)", origin, c);
		}
		cur = next;
	}
	*out = cur;
	return 0;
}

/* A scalar node for value, read as plain YAML. */
static msb__cnode *scalar(const char *value, const char *origin)
{
	msb__cnode *n = msb__cnode_new(MSB_CONFIG_SCALAR, origin, 0, 0);

	if (!n)
		return NULL;
	if (!msb__scalar_is_null_text(value) && !(n->text = msb__strdup(value))) {
		msb__cnode_free(n);
		return NULL;
	}
	return n;
}

/* Put node at the last part of ps under parent (replacing what is there). */
static int put(msb__cnode *parent, const parts *ps, msb__cnode *node)
{
	const char *last = ps->p[ps->n - 1];
	msb__cnode *old;
	size_t idx;

	if (parent->kind == MSB_CONFIG_MAP) {
		if ((old = msb__cnode_find(parent, last))) {
			replace_node(old, node);
			return 0;
		}
		return add_child(parent, last, node);
	}
	if (parent->kind == MSB_CONFIG_LIST && index_of(last, &idx) && idx <= parent->n) {
		if (idx < parent->n) {
			replace_node(parent->kids[idx], node);
			return 0;
		}
		return add_child(parent, NULL, node);
	}
	msb__cnode_free(node);
	return msb__error_set(MSB_EINVAL, "msb_config: cannot set '%s' here", last);
}

/*
 * What set and append both do first: split the path, intern the origin
 * (in place: *origin becomes the borrowed copy) and find the schema key.
 */
static int prepare(parts *ps, const char **origin, const msb__skey **k, msb_config *cfg,
    const char *path, const char *fn)
{
	int rc;

	if (!cfg)
		return msb__error_set(MSB_EINVAL, "%s: cfg is NULL", fn);
	if ((rc = split_path(ps, path)) < 0)
		return rc;
	if (!(*origin = msb__config_origin(cfg, *origin ? *origin : "<set>")))
		return MSB_ENOMEM;
	return msb__schema_find(k, path, *origin);
}

int msb_config_set(msb_config *cfg, const char *path, const char *value, const char *origin)
{
	const msb__skey *k;
	msb__cnode *node, *parent;
	parts ps;
	int rc;

	if ((rc = prepare(&ps, &origin, &k, cfg, path, "msb_config_set")) < 0)
		return rc;
	if (!(node = scalar(value, origin)))
		return MSB_ENOMEM;
	if ((rc = msb__schema_check_value(k, node, path)) < 0 ||
	    (k->type == MSB__T_PATH && (rc = msb__config_expand_home(node)) < 0) ||
	    (rc = walk(&parent, cfg, &ps, ps.n - 1, origin, 1)) < 0) {
		msb__cnode_free(node);
		return rc;
	}
	return put(parent, &ps, node);
}

static int append_one(msb_config *cfg, const char *path, const char *value, const char *origin);

int msb_config_append(msb_config *cfg, const char *path, const char *value, const char *origin)
{
	char part[1024];
	const char *p = value, *item;
	size_t len;
	int rc;

	/* "md,csv" appends two items: a list item never holds a comma list */
	if (!value || !strchr(value, ','))
		return append_one(cfg, path, value, origin);
	do {
		p = msb__comma_item(p, &item, &len);
		if (len >= sizeof part)
			return msb__error_set(MSB_EINVAL, "%s: %s: an item is too long", origin, path);
		memcpy(part, item, len);
		part[len] = '\0';
		if (len && (rc = append_one(cfg, path, part, origin)) < 0)
			return rc;
	} while (p);
	return 0;
}

static int append_one(msb_config *cfg, const char *path, const char *value, const char *origin)
{
	const msb__skey *k;
	msb__cnode *item, *parent, *list;
	parts ps;
	int rc;

	if ((rc = prepare(&ps, &origin, &k, cfg, path, "msb_config_append")) < 0)
		return rc;
	if (k->type != MSB__T_STRLIST && k->type != MSB__T_INTLIST && k->type != MSB__T_ENUMLIST)
		return msb__error_set(MSB_EINVAL, "%s: %s is not a list", origin, path);
	if (!(item = scalar(value, origin)))
		return MSB_ENOMEM;
	if (!item->text) {
		msb__cnode_free(item);
		return msb__error_set(MSB_EINVAL, "%s: %s: an empty list item", origin, path);
	}
	if ((rc = msb__schema_check_value(k, item, path)) < 0 ||
	    (rc = walk(&parent, cfg, &ps, ps.n - 1, origin, 1)) < 0) {
		msb__cnode_free(item);
		return rc;
	}
	list = parent->kind == MSB_CONFIG_MAP ? msb__cnode_find(parent, ps.p[ps.n - 1]) : NULL;
	if (list && list->kind == MSB_CONFIG_LIST)
		return add_child(list, NULL, item);
	if (list && list->kind == MSB_CONFIG_SCALAR && list->text) {
		/* "a,b" then append c: keep the comma list form */
		size_t l1 = strlen(list->text), l2 = strlen(item->text);
		char *t = msb__malloc(l1 + l2 + 2);
		if (!t) {
			msb__cnode_free(item);
			return MSB_ENOMEM;
		}
		memcpy(t, list->text, l1);
		t[l1] = ',';
		memcpy(t + l1 + 1, item->text, l2 + 1);
		msb__free(list->text);
		list->text = t;
		list->quoted = 0;
		msb__cnode_free(item);
		return 0;
	}
	{
		msb__cnode *fresh = msb__cnode_new(MSB_CONFIG_LIST, origin, 0, 0);
		if (!fresh || msb__cnode_push(fresh, item) < 0) {
			msb__cnode_free(fresh);
			msb__cnode_free(item);
			return MSB_ENOMEM;
		}
		return put(parent, &ps, fresh);
	}
}

/* Remove target from the tree below n; 1 when found. */
static int remove_below(msb__cnode *n, const msb__cnode *target)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		if (n->kids[i] == target) {
			msb__cnode_free(n->kids[i]);
			memmove(n->kids + i, n->kids + i + 1, (n->n - i - 1) * sizeof *n->kids);
			n->n--;
			return 1;
		}
		if (remove_below(n->kids[i], target))
			return 1;
	}
	return 0;
}

int msb_config_unset(msb_config *cfg, const char *path)
{
	msb__cnode *n;
	size_t i;

	if (!cfg || !path)
		return msb__error_set(MSB_EINVAL, "msb_config_unset: NULL argument");
	n = msb__config_lookup(cfg, path);
	if (!n)
		return 0;
	if (n == cfg->root) {
		for (i = 0; i < n->n; i++)
			msb__cnode_free(n->kids[i]);
		n->n = 0;
		return 0;
	}
	remove_below(cfg->root, n);
	return 0;
}
