/*
 * cli/config/paths.c - "~/" in the path values of a run configuration.
 * A shell expands ~ only at the start of a word, never inside a YAML file
 * or after "--out=", so the configuration does it for the keys that name
 * files and folders.
 */
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"
#include "config/util.h"

int cfg__expand_home(cfg__cnode *n)
{
	const char *home = getenv("HOME");
	size_t hl, tl;
	char *t;

	if (!n || n->kind != CLI_CONFIG_SCALAR || !n->text || n->text[0] != '~' ||
	    (n->text[1] != '/' && n->text[1] != '\0') || !home || !*home)
		return 0;
	hl = strlen(home);
	while (hl > 1 && home[hl - 1] == '/')
		hl--; /* HOME=/home/me/ must not give /home/me//x */
	tl = strlen(n->text + 1);
	if (!(t = malloc(hl + tl + 1)))
		return cfg__nomem();
	memcpy(t, home, hl);
	memcpy(t + hl, n->text + 1, tl + 1);
	free(n->text);
	n->text = t;
	return 0;
}

static int expand_section(const cfg__skey *k, cfg__cnode *n);

static int expand_value(const cfg__skey *k, cfg__cnode *n)
{
	size_t i;
	int rc;

	switch (k->type) {
	case CFG__T_PATH:
		return cfg__expand_home(n);
	case CFG__T_SECTION:
		return n->kind == CLI_CONFIG_MAP ? expand_section(k, n) : 0;
	case CFG__T_JUDGES:
		if (n->kind == CLI_CONFIG_MAP)
			return expand_section(k, n);
		if (n->kind == CLI_CONFIG_LIST)
			for (i = 0; i < n->n; i++)
				if (n->kids[i]->kind == CLI_CONFIG_MAP &&
				    (rc = expand_section(k, n->kids[i])) < 0)
					return rc;
		return 0;
	default:
		return 0;
	}
}

static int expand_section(const cfg__skey *k, cfg__cnode *n)
{
	const cfg__skey *c;
	size_t i;
	int rc;

	for (i = 0; i < n->n; i++) {
		cfg__cnode *kid = n->kids[i];
		for (c = k->kids; c->name; c++)
			if (kid->key && !strcmp(c->name, kid->key))
				break;
		if (c->name && (rc = expand_value(c, kid)) < 0)
			return rc;
	}
	return 0;
}

int cfg__expand_paths(cfg__cnode *root)
{
	return root ? expand_value(cfg__schema_root(), root) : 0;
}
