/*
 * cli/config/node.h - the tree behind cli_config: mappings (ordered
 * key/value pairs), lists and scalars, each with where it was written.
 */
#ifndef CLI_CONFIG_NODE_H
#define CLI_CONFIG_NODE_H

#include <stddef.h>

#include "config/config.h"

typedef struct cfg__cnode cfg__cnode;
struct cfg__cnode {
	int kind;            /* CLI_CONFIG_SCALAR, _LIST or _MAP */
	char *text;          /* scalar: its text (owned); NULL for null */
	int quoted;          /* scalar was quoted or a block scalar: always a string */
	char *key;           /* the key in the parent mapping (owned), NULL in a list */
	const char *origin;  /* file name or flag: borrowed from the config's origin list */
	size_t line, col;    /* 1-based position of the value; 0 when not from a file */
	size_t key_line, key_col; /* position of the key */
	cfg__cnode **kids;   /* list items or mapping values (owned) */
	size_t n, cap;
};

struct cli_config {
	cfg__cnode *root;    /* always a mapping */
	char **origins;      /* interned origin strings (owned), so nodes can borrow them */
	size_t n_origins;
};

/* A new node of `kind`, positioned; NULL + MSB_ENOMEM. */
cfg__cnode *cfg__cnode_new(int kind, const char *origin, size_t line, size_t col);
void cfg__cnode_free(cfg__cnode *n);
/* Append child (takes ownership on success). 0 or MSB_ENOMEM. */
int cfg__cnode_push(cfg__cnode *parent, cfg__cnode *child);
/* The value of key in a mapping, or NULL. */
cfg__cnode *cfg__cnode_find(const cfg__cnode *map, const char *key);
/* A null scalar (absent value in YAML terms). */
int cfg__cnode_is_null(const cfg__cnode *n);

/* Intern an origin string in cfg; borrowed result, NULL + MSB_ENOMEM. */
const char *cfg__origin(cli_config *cfg, const char *origin);

/*
 * Resolve a dotted path. Returns the node or NULL. A numeric component
 * indexes a list; index 0 of a non-list is the node itself.
 */
cfg__cnode *cfg__lookup(const cli_config *cfg, const char *path);

/* Format a node's position as "FILE:LINE:COL" (or the origin) into buf. */
void cfg__cnode_where(char *buf, size_t size, const cfg__cnode *n);
void cfg__cnode_key_where(char *buf, size_t size, const cfg__cnode *n);

/* Parse YAML text into a fresh root mapping (no schema check). */
int cfg__parse_yaml(cfg__cnode **root, cli_config *cfg, const char *text, size_t len,
    const char *name);

/* Scalar conversions: 0 or MSB_EINVAL (no message set). */
int cfg__scalar_int(long long *out, const char *text);
int cfg__scalar_double(double *out, const char *text);
int cfg__scalar_bool(int *out, const char *text);
/* Plain scalar text that YAML reads as null. */
int cfg__scalar_is_null_text(const char *text);
/*
 * One item of the comma list at p: *item and *len get it with white space
 * trimmed (len may be 0). Returns where the next item starts, or NULL after
 * the last one. Borrowed: *item points into p.
 */
const char *cfg__comma_item(const char *p, const char **item, size_t *len);

#endif
