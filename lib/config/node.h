/*
 * lib/config/node.h - the tree behind msb_config: mappings (ordered
 * key/value pairs), lists and scalars, each with where it was written.
 */
#ifndef MSB_CONFIG_NODE_H
#define MSB_CONFIG_NODE_H

#include <stddef.h>

#include "medsafety/config.h"

typedef struct msb__cnode msb__cnode;
struct msb__cnode {
	int kind;            /* MSB_CONFIG_SCALAR, _LIST or _MAP */
	char *text;          /* scalar: its text (owned); NULL for null */
	int quoted;          /* scalar was quoted or a block scalar: always a string */
	char *key;           /* the key in the parent mapping (owned), NULL in a list */
	const char *origin;  /* file name or flag: borrowed from the config's origin list */
	size_t line, col;    /* 1-based position of the value; 0 when not from a file */
	size_t key_line, key_col; /* position of the key */
	msb__cnode **kids;   /* list items or mapping values (owned) */
	size_t n, cap;
};

struct msb_config {
	msb__cnode *root;    /* always a mapping */
	char **origins;      /* interned origin strings (owned), so nodes can borrow them */
	size_t n_origins;
};

/* A new node of `kind`, positioned; NULL + MSB_ENOMEM. */
msb__cnode *msb__cnode_new(int kind, const char *origin, size_t line, size_t col);
void msb__cnode_free(msb__cnode *n);
/* Append child (takes ownership on success). 0 or MSB_ENOMEM. */
int msb__cnode_push(msb__cnode *parent, msb__cnode *child);
/* The value of key in a mapping, or NULL. */
msb__cnode *msb__cnode_find(const msb__cnode *map, const char *key);
/* A null scalar (absent value in YAML terms). */
int msb__cnode_is_null(const msb__cnode *n);

/* Intern an origin string in cfg; borrowed result, NULL + MSB_ENOMEM. */
const char *msb__config_origin(msb_config *cfg, const char *origin);

/*
 * Resolve a dotted path. Returns the node or NULL. A numeric component
 * indexes a list; index 0 of a non-list is the node itself.
 */
msb__cnode *msb__config_lookup(const msb_config *cfg, const char *path);

/* Format a node's position as "FILE:LINE:COL" (or the origin) into buf. */
void msb__cnode_where(char *buf, size_t size, const msb__cnode *n);
void msb__cnode_key_where(char *buf, size_t size, const msb__cnode *n);

/* Parse YAML text into a fresh root mapping (no schema check). */
int msb__config_parse_yaml(msb__cnode **root, msb_config *cfg, const char *text, size_t len,
    const char *name);

/* Scalar conversions: 0 or MSB_EINVAL (no message set). */
int msb__scalar_int(long long *out, const char *text);
int msb__scalar_double(double *out, const char *text);
int msb__scalar_bool(int *out, const char *text);
/* Plain scalar text that YAML reads as null. */
int msb__scalar_is_null_text(const char *text);
/*
 * One item of the comma list at p: *item and *len get it with white space
 * trimmed (len may be 0). Returns where the next item starts, or NULL after
 * the last one. Borrowed: *item points into p.
 */
const char *msb__comma_item(const char *p, const char **item, size_t *len);

#endif
