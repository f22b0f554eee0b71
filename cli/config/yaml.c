/*
 * cli/config/yaml.c - YAML text to the configuration tree with libyaml.
 * Anchors and aliases are expanded (with a depth and size limit, so a
 * recursive alias or an "alias bomb" fails instead of eating memory).
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/util.h"
#include "config/node.h"

#define MAX_DEPTH 64
#define MAX_NODES 100000

typedef struct loader {
	yaml_document_t *doc;
	const char *name;   /* interned origin */
	size_t n_nodes;
} loader;

static int convert(cfg__cnode **out, loader *l, yaml_node_t *yn, int depth);

static int too_deep(const loader *l, const yaml_node_t *yn)
{
	return cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: nested too deeply (a recursive alias?)",
	    l->name, yn->start_mark.line + 1, yn->start_mark.column + 1);
}

static int convert_scalar(cfg__cnode **out, loader *l, yaml_node_t *yn)
{
	cfg__cnode *n;
	const char *text = (const char *)yn->data.scalar.value;
	size_t len = yn->data.scalar.length;
	int plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
	    yn->data.scalar.style == YAML_ANY_SCALAR_STYLE;

	n = cfg__cnode_new(CLI_CONFIG_SCALAR, l->name, yn->start_mark.line + 1,
	    yn->start_mark.column + 1);
	if (!n)
		return cfg__nomem();
	if (memchr(text, '\0', len)) {
		cfg__cnode_free(n);
		return cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: a value holds a NUL character",
		    l->name, n->line, n->col);
	}
	n->quoted = !plain;
	if (!(plain && cfg__scalar_is_null_text(text))) {
		n->text = strndup(text, len);
		if (!n->text) {
			cfg__cnode_free(n);
			return cfg__nomem();
		}
	}
	*out = n;
	return 0;
}

static int convert_list(cfg__cnode **out, loader *l, yaml_node_t *yn, int depth)
{
	cfg__cnode *n, *kid;
	yaml_node_item_t *it;
	int rc;

	n = cfg__cnode_new(CLI_CONFIG_LIST, l->name, yn->start_mark.line + 1,
	    yn->start_mark.column + 1);
	if (!n)
		return cfg__nomem();
	for (it = yn->data.sequence.items.start; it < yn->data.sequence.items.top; it++) {
		rc = convert(&kid, l, yaml_document_get_node(l->doc, *it), depth + 1);
		if (rc < 0)
			goto fail;
		if ((rc = cfg__cnode_push(n, kid)) < 0) {
			cfg__cnode_free(kid);
			goto fail;
		}
	}
	*out = n;
	return 0;
fail:
	cfg__cnode_free(n);
	return rc;
}

static int convert_map(cfg__cnode **out, loader *l, yaml_node_t *yn, int depth)
{
	cfg__cnode *n, *kid, *prev;
	yaml_node_pair_t *p;
	int rc;

	n = cfg__cnode_new(CLI_CONFIG_MAP, l->name, yn->start_mark.line + 1,
	    yn->start_mark.column + 1);
	if (!n)
		return cfg__nomem();
	for (p = yn->data.mapping.pairs.start; p < yn->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
		const char *key;

		if (!k || k->type != YAML_SCALAR_NODE || k->data.scalar.length == 0) {
			rc = cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: a key must be a non-empty string",
			    l->name, k ? k->start_mark.line + 1 : 0, k ? k->start_mark.column + 1 : 0);
			goto fail;
		}
		key = (const char *)k->data.scalar.value;
		if (strlen(key) != k->data.scalar.length || strchr(key, '.')) {
			rc = cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: a key may not hold '.' or NUL",
			    l->name, k->start_mark.line + 1, k->start_mark.column + 1);
			goto fail;
		}
		if ((prev = cfg__cnode_find(n, key))) {
			rc = cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: duplicate key '%s' (first at line %zu)",
			    l->name, k->start_mark.line + 1, k->start_mark.column + 1, key, prev->key_line);
			goto fail;
		}
		rc = convert(&kid, l, yaml_document_get_node(l->doc, p->value), depth + 1);
		if (rc < 0)
			goto fail;
		kid->key = strdup(key);
		kid->key_line = k->start_mark.line + 1;
		kid->key_col = k->start_mark.column + 1;
		if (!kid->key || (rc = cfg__cnode_push(n, kid)) < 0) {
			cfg__cnode_free(kid);
			rc = cfg__nomem();
			goto fail;
		}
	}
	*out = n;
	return 0;
fail:
	cfg__cnode_free(n);
	return rc;
}

static int convert(cfg__cnode **out, loader *l, yaml_node_t *yn, int depth)
{
	if (!yn)
		return cfg__error_set(MSB_EPARSE, "%s: broken YAML document", l->name);
	if (depth > MAX_DEPTH || ++l->n_nodes > MAX_NODES)
		return too_deep(l, yn);
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		return convert_scalar(out, l, yn);
	case YAML_SEQUENCE_NODE:
		return convert_list(out, l, yn, depth);
	case YAML_MAPPING_NODE:
		return convert_map(out, l, yn, depth);
	default:
		return cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: empty YAML node", l->name,
		    yn->start_mark.line + 1, yn->start_mark.column + 1);
	}
}

static int syntax_error(const yaml_parser_t *p, const char *name)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";

	if (p->error == YAML_MEMORY_ERROR)
		return cfg__error_set(MSB_ENOMEM, "%s: out of memory while parsing YAML", name);
	if (p->error == YAML_READER_ERROR)
		return cfg__error_set(MSB_EPARSE, "%s: %s at byte %zu", name, problem,
		    p->problem_offset);
	if (p->context)
		return cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: %s %s (line %zu)", name,
		    p->problem_mark.line + 1, p->problem_mark.column + 1, problem, p->context,
		    p->context_mark.line + 1);
	return cfg__error_set(MSB_EPARSE, "%s:%zu:%zu: %s", name, p->problem_mark.line + 1,
	    p->problem_mark.column + 1, problem);
}

int cfg__parse_yaml(cfg__cnode **root, cli_config *cfg, const char *text, size_t len,
    const char *name)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *top;
	loader l;
	int rc;

	*root = NULL;
	l.name = cfg__origin(cfg, name);
	if (!l.name)
		return cfg__nomem();
	if (!yaml_parser_initialize(&parser))
		return cfg__error_set(MSB_ENOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = syntax_error(&parser, l.name);
		yaml_parser_delete(&parser);
		return rc;
	}
	l.doc = &doc;
	l.n_nodes = 0;
	top = yaml_document_get_root_node(&doc);
	if (!top) {
		*root = cfg__cnode_new(CLI_CONFIG_MAP, l.name, 1, 1); /* empty file */
		rc = *root ? 0 : cfg__nomem();
	} else if (top->type == YAML_SCALAR_NODE && top->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    cfg__scalar_is_null_text((const char *)top->data.scalar.value)) {
		*root = cfg__cnode_new(CLI_CONFIG_MAP, l.name, 1, 1); /* a file holding only "~" */
		rc = *root ? 0 : cfg__nomem();
	} else if (top->type != YAML_MAPPING_NODE) {
		rc = cfg__error_set(MSB_EINVAL,
		    "%s:%zu:%zu: a configuration is a mapping of sections (dataset, model, judge, "
		    "run, report)", l.name, top->start_mark.line + 1, top->start_mark.column + 1);
	} else {
		rc = convert(root, &l, top, 0);
	}
	yaml_document_delete(&doc);
	if (rc == 0) {
		/* A second document would be silently ignored: say so instead. */
		if (!yaml_parser_load(&parser, &extra)) {
			rc = syntax_error(&parser, l.name);
		} else {
			yaml_node_t *t = yaml_document_get_root_node(&extra);
			if (t)
				rc = cfg__error_set(MSB_EPARSE,
				    "%s:%zu:%zu: only one YAML document is allowed in a configuration",
				    l.name, extra.start_mark.line + 1, extra.start_mark.column + 1);
			yaml_document_delete(&extra);
		}
		if (rc < 0) {
			cfg__cnode_free(*root);
			*root = NULL;
		}
	}
	yaml_parser_delete(&parser);
	return rc;
}
