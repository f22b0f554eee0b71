/*
 * cli/config/schema.h - the keys a run configuration may hold, their
 * types and ranges, and the checks cli_config_validate runs.
 */
#ifndef CLI_CONFIG_SCHEMA_H
#define CLI_CONFIG_SCHEMA_H

#include "config/node.h"

enum {
	CFG__T_SECTION = 1, /* a mapping of known keys (kids) */
	CFG__T_JUDGES,      /* a judge mapping, or a list of them (a jury) */
	CFG__T_STR,         /* any scalar */
	CFG__T_INT,         /* integer in [min, max] */
	CFG__T_DOUBLE,      /* number in [min, max] */
	CFG__T_BOOL,
	CFG__T_ENUM,        /* one of choices ("a|b|c") */
	CFG__T_STRLIST,     /* list of scalars, or "a,b" */
	CFG__T_INTLIST,     /* list of integers in [min, max], or "1,4,9" */
	CFG__T_ENUMLIST,    /* list of choices, or "a,b" */
	CFG__T_STRMAP,      /* a mapping with free keys and scalar values (HTTP headers) */
	CFG__T_MODEL_SPEC,  /* replay | openai/MODEL */
	CFG__T_JUDGE_SPEC,  /* refusal | openai/MODEL */
	CFG__T_SHARD,       /* "I/N" */
	CFG__T_CLEAN,       /* a boolean, or a list of strip_tokens|dedup|all|none */
	CFG__T_ENVNAME,     /* an environment variable's name */
	CFG__T_SECRET,      /* never allowed: secrets belong in the environment */
	CFG__T_PATH         /* a file or folder: a string whose leading "~/" means $HOME */
};

typedef struct cfg__skey cfg__skey;
struct cfg__skey {
	const char *name;
	int type;
	const cfg__skey *kids;   /* SECTION, JUDGES: the keys of the mapping, NULL-named last */
	double min, max;         /* INT, DOUBLE, INTLIST */
	const char *choices;     /* ENUM, ENUMLIST */
};

/* The top level of a run configuration. */
const cfg__skey *cfg__schema_root(void);

/* Check a whole tree (root is a mapping). 0 or MSB_EINVAL with position. */
int cfg__schema_check_tree(const cfg__cnode *root);

/*
 * The schema entry of a dotted path, for cli_config_set/append. Sets
 * *item when the path ends inside a list (an item of a STRLIST...) or at a
 * header (STRMAP value). MSB_EINVAL "unknown configuration key" otherwise.
 */
int cfg__schema_find(const cfg__skey **out, const char *path, const char *origin);

/* Check one value against its entry; path names it in messages. */
int cfg__schema_check_value(const cfg__skey *k, const cfg__cnode *n, const char *path);

/*
 * Replace a leading "~/" (or a lone "~") of every path value under root
 * (CFG__T_PATH keys: run.out, run.cache, dataset.source, the judges'
 * template, policy and rubric) by $HOME. Nothing changes when HOME is
 * unset or empty. 0 or MSB_ENOMEM (cli/config/paths.c).
 */
int cfg__expand_paths(cfg__cnode *root);

/* The same for one scalar node. 0 or MSB_ENOMEM. */
int cfg__expand_home(cfg__cnode *n);

/* The key names are secrets to redact in exports (api_key, token, ...). */
int cfg__schema_secret_name(const char *key);

#endif
