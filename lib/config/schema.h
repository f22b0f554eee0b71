/*
 * lib/config/schema.h - the keys a run configuration may hold, their
 * types and ranges, and the checks msb_config_validate runs.
 */
#ifndef MSB_CONFIG_SCHEMA_H
#define MSB_CONFIG_SCHEMA_H

#include "config/node.h"

enum {
	MSB__T_SECTION = 1, /* a mapping of known keys (kids) */
	MSB__T_JUDGES,      /* a judge mapping, or a list of them (a jury) */
	MSB__T_STR,         /* any scalar */
	MSB__T_INT,         /* integer in [min, max] */
	MSB__T_DOUBLE,      /* number in [min, max] */
	MSB__T_BOOL,
	MSB__T_ENUM,        /* one of choices ("a|b|c") */
	MSB__T_STRLIST,     /* list of scalars, or "a,b" */
	MSB__T_INTLIST,     /* list of integers in [min, max], or "1,4,9" */
	MSB__T_ENUMLIST,    /* list of choices, or "a,b" */
	MSB__T_STRMAP,      /* a mapping with free keys and scalar values (HTTP headers) */
	MSB__T_MODEL_SPEC,  /* replay | openai/MODEL */
	MSB__T_JUDGE_SPEC,  /* refusal | openai/MODEL */
	MSB__T_SHARD,       /* "I/N" */
	MSB__T_CLEAN,       /* a boolean, or a list of strip_tokens|dedup|all|none */
	MSB__T_ENVNAME,     /* an environment variable's name */
	MSB__T_SECRET,      /* never allowed: secrets belong in the environment */
	MSB__T_PATH         /* a file or folder: a string whose leading "~/" means $HOME */
};

typedef struct msb__skey msb__skey;
struct msb__skey {
	const char *name;
	int type;
	const msb__skey *kids;   /* SECTION, JUDGES: the keys of the mapping, NULL-named last */
	double min, max;         /* INT, DOUBLE, INTLIST */
	const char *choices;     /* ENUM, ENUMLIST */
};

/* The top level of a run configuration. */
const msb__skey *msb__schema_root(void);

/* Check a whole tree (root is a mapping). 0 or MSB_EINVAL with position. */
int msb__schema_check_tree(const msb__cnode *root);

/*
 * The schema entry of a dotted path, for msb_config_set/append. Sets
 * *item when the path ends inside a list (an item of a STRLIST...) or at a
 * header (STRMAP value). MSB_EINVAL "unknown configuration key" otherwise.
 */
int msb__schema_find(const msb__skey **out, const char *path, const char *origin);

/* Check one value against its entry; path names it in messages. */
int msb__schema_check_value(const msb__skey *k, const msb__cnode *n, const char *path);

/*
 * Replace a leading "~/" (or a lone "~") of every path value under root
 * (MSB__T_PATH keys: run.out, run.cache, dataset.source, the judges'
 * template, policy and rubric) by $HOME. Nothing changes when HOME is
 * unset or empty. 0 or MSB_ENOMEM (lib/config/paths.c).
 */
int msb__config_expand_paths(msb__cnode *root);

/* The same for one scalar node. 0 or MSB_ENOMEM. */
int msb__config_expand_home(msb__cnode *n);

/* The key names are secrets to redact in exports (api_key, token, ...). */
int msb__schema_secret_name(const char *key);

#endif
