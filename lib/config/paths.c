/*
 * lib/config/paths.c - "~/" in the path values of a run configuration.
 * A shell expands ~ only at the start of a word, never inside a YAML file
 * or after "--out=", so the configuration does it for the keys that name
 * files and folders.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "config/schema.h"

int msb__config_expand_home(msb__cnode *n)
{
	const char *home = getenv("HOME");
	size_t hl, tl;
	char *t;

	if (!n || n->kind != MSB_CONFIG_SCALAR || !n->text || n->text[0] != '~' ||
	    (n->text[1] != '/' && n->text[1] != '\0') || !home || !*home)
		return 0;
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--; /* HOME=/home/me/ must not give /home/me//x */
	tl = strlen(n->text + 1);
	if (!(t = msb__malloc(hl + tl + 1)))
		return MSB_ENOMEM;
	memcpy(t, home, hl);
	memcpy(t + hl, n->text + 1, tl + 1);
	msb__free(n->text);
	n->text = t;
	return 0;
}

static int expand_section(const msb__skey *k, msb__cnode *n);

static int expand_value(const msb__skey *k, msb__cnode *n)
{
	size_t i;
	int rc;

	switch (k->type) {
	case MSB__T_PATH:
		return msb__config_expand_home(n);
	case MSB__T_SECTION:
		return n->kind == MSB_CONFIG_MAP ? expand_section(k, n) : 0;
	case MSB__T_JUDGES:
		if (n->kind == MSB_CONFIG_MAP)
			return expand_section(k, n);
		if (n->kind == MSB_CONFIG_LIST)
			for (i = 0; i < n->n; i++)
				if (n->kids[i]->kind == MSB_CONFIG_MAP &&
				    (rc = expand_section(k, n->kids[i])) < 0)
					return rc;
		return 0;
	default:
		return 0;
	}
}

static int expand_section(const msb__skey *k, msb__cnode *n)
{
	const msb__skey *c;
	size_t i;
	int rc;

	for (i = 0; i < n->n; i++) {
		msb__cnode *kid = n->kids[i];
		for (c = k->kids; c->name; c++)
			if (kid->key && !strcmp(c->name, kid->key))
				break;
		if (c->name && (rc = expand_value(c, kid)) < 0)
			return rc;
	}
	return 0;
}

int msb__config_expand_paths(msb__cnode *root)
{
	return root ? expand_value(msb__schema_root(), root) : 0;
}
