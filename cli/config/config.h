/*
 * cli/config/config.h - the YAML run configuration of the medsafety
 * command: everything the `medsafety run` flags can say (dataset and
 * filters, model, judge or a jury of judges, runner settings, report
 * formats) in one file. The schema of keys is in docs/config.md.
 *
 * This is the CLI's code, not the library's (docs/architecture.md, "The
 * library/CLI boundary"): it is compiled into the medsafety executable
 * (and its tests) only, uses plain malloc/free, and keeps its own error
 * state (cli_config_message) apart from the library's msb_error_last.
 * The error codes are the library's MSB_E* codes.
 *
 * A configuration is a tree of mappings, lists and scalars. Every value
 * remembers where it came from: the file, line and column (1-based), or
 * the origin given to cli_config_set (a flag name such as "--model", with
 * line and column 0). Errors about a value name that place:
 *
 *     run.yaml:12:16: run.concurrency: expected an integer, found 'lots'
 *     --concurrency: run.concurrency: must be at least 1, found 0
 *
 * Paths are dotted: "model.spec", "dataset.columns.prompt". A numeric
 * component indexes a list ("judge.1.spec"); index 0 of a value that is
 * not a list is the value itself, so "judge.0.spec" works for a single
 * judge written as a mapping and for the first judge of a jury alike.
 *
 * Scalars are typed when read: a getter converts the text (YAML plain
 * scalars "8", "0.5", "true"; quoted scalars are always strings). A null
 * value ("key:" with nothing, "~", "null") reads as absent.
 *
 * API keys never belong in a configuration: the schema rejects keys such
 * as "api_key" and asks for api_key_env (the name of an environment
 * variable) instead; cli_config_to_json additionally redacts anything
 * that looks like a secret.
 *
 * Thread safety: a configuration may be read from several threads at
 * once; changing it (set, append, unset) needs exclusive access.
 */
#ifndef CLI_CONFIG_CONFIG_H
#define CLI_CONFIG_CONFIG_H

#include <stddef.h>

#include <medsafety/common.h> /* the MSB_E* codes */

typedef struct cli_config cli_config;

/* Kinds of values (cli_config_kind). */
#define CLI_CONFIG_NONE 0   /**< absent, or null */
#define CLI_CONFIG_SCALAR 1
#define CLI_CONFIG_LIST 2
#define CLI_CONFIG_MAP 3

/**
 * The message of the last failing cli_config_* call on this thread
 * ("" when none failed yet); never NULL. Messages name the place:
 * "FILE:LINE:COL: path: message", several problems one per line.
 */
const char *cli_config_message(void);

/** The code of that failure (a negative MSB_E* code), 0 when none. */
int cli_config_code(void);

/** An empty configuration (an empty mapping). New: free with cli_config_free. */
int cli_config_new(cli_config **out);

/**
 * Read a YAML file and validate it against the run-configuration schema.
 * New: free with cli_config_free. Errors: MSB_ENOTFOUND / MSB_EIO (the
 * file), MSB_EPARSE (YAML syntax; "FILE:LINE:COL: message"), MSB_EINVAL
 * (an unknown key or a value of the wrong type or range, with its
 * FILE:LINE:COL; up to 20 such problems, one per line, as
 * cli_config_validate), MSB_ENOMEM. A leading "~/" in a value naming a
 * file or folder (dataset.source, run.out, run.cache, a judge's template,
 * policy and rubric) is replaced by $HOME (unchanged when HOME is unset
 * or empty); cli_config_set does the same for these keys.
 */
int cli_config_load(cli_config **out, const char *path);

/**
 * As cli_config_load, from text in memory; `name` stands for the file
 * name in positions and messages (NULL: "<config>"). len is the text's
 * length in bytes.
 */
int cli_config_parse(cli_config **out, const char *text, size_t len, const char *name);

/** Free a configuration. NULL is accepted. */
void cli_config_free(cli_config *cfg);

/**
 * Check the whole configuration against the schema: known keys only,
 * right kinds, types and ranges, model and judge SPECs well formed.
 * Returns 0, or the code of the first problem (MSB_EINVAL). The error
 * message lists up to 20 problems in document order, one per line
 * ("FILE:LINE:COL: path: message", lines joined by '\n'); when there
 * are more, a last line says so.
 */
int cli_config_validate(const cli_config *cfg);

/** The kind of the value at path: CLI_CONFIG_NONE when absent or null. */
int cli_config_kind(const cli_config *cfg, const char *path);

/**
 * Number of entries of the value at path: items of a list, pairs of a
 * mapping, 1 for a scalar. MSB_ENOTFOUND when absent or null.
 */
int cli_config_count(size_t *out, const cli_config *cfg, const char *path);

/*
 * Typed getters. Each returns 0, MSB_ENOTFOUND when the value is absent
 * or null (the caller keeps its default; the out-parameter is untouched),
 * or MSB_EINVAL when the value cannot be read as that type (the message
 * gives its position). They never change the configuration.
 */

/** Any scalar as its text. Borrowed: valid until the value is changed or cfg freed. */
int cli_config_get_string(const char **out, const cli_config *cfg, const char *path);
/** A decimal integer (optional sign, no fraction). */
int cli_config_get_int(long long *out, const cli_config *cfg, const char *path);
/** A number (an integer is accepted). */
int cli_config_get_double(double *out, const cli_config *cfg, const char *path);
/** true/false, yes/no, on/off (any case); *out is 1 or 0. */
int cli_config_get_bool(int *out, const cli_config *cfg, const char *path);

/**
 * A list of strings: a list of scalars, or a single scalar whose text is
 * split at commas ("gpt4,llama2"; blanks around items are dropped).
 * *out is a NULL-terminated array of *n strings. New: the array and its
 * strings are one block, free it with free(). n may be NULL.
 */
int cli_config_get_strings(char ***out, size_t *n, const cli_config *cfg,
    const char *path);

/**
 * The keys of a mapping, in document order; read each value with
 * "path.KEY". *out is a NULL-terminated array of *n strings. New: one
 * block, free with free(). n may be NULL. MSB_EINVAL when the value is
 * not a mapping.
 */
int cli_config_get_keys(char ***out, size_t *n, const cli_config *cfg,
    const char *path);

/**
 * Where the value at path was written: *origin is the file name (or the
 * origin given to cli_config_set), line and column are 1-based (0 for
 * values that did not come from a file). Any out-parameter may be NULL.
 * *origin is borrowed from cfg. MSB_ENOTFOUND when absent.
 */
int cli_config_position(const char **origin, size_t *line, size_t *column,
    const cli_config *cfg, const char *path);

/**
 * Set the value at path to a scalar, creating the mappings on the way
 * (a numeric component equal to a list's length appends to it). `value`
 * is read like a plain YAML scalar: "8" is an integer, "true" a boolean,
 * "" or NULL a null. `origin` (copied; NULL: "<set>") names the source in
 * messages, e.g. "--concurrency". A path the schema does not know, or a
 * value of the wrong type for it, fails with MSB_EINVAL and leaves cfg
 * unchanged. Replaces whatever was there (a mapping or list too).
 */
int cli_config_set(cli_config *cfg, const char *path, const char *value,
    const char *origin);

/**
 * Append a scalar to the list at path (created when absent; a scalar
 * there becomes the list's first item). Same checks as cli_config_set.
 */
int cli_config_append(cli_config *cfg, const char *path, const char *value,
    const char *origin);

/** Remove the value at path. 0 also when it was absent. */
int cli_config_unset(cli_config *cfg, const char *path);

/**
 * The configuration as a JSON object (for run.json): scalars typed by the
 * schema (integers, numbers, booleans, strings), keys in document order.
 * Values that look like secrets (keys named like api_key, token, secret,
 * password; header values such as Authorization) are replaced by
 * "<redacted>". New string: free with free().
 */
int cli_config_to_json(char **out, const cli_config *cfg);

#endif /* CLI_CONFIG_CONFIG_H */
