/*
 * cli/dataset_args.h - SOURCE and the dataset filter options, shared by
 * `medsafety dataset ...` and `medsafety run`.
 */
#ifndef MEDSAFETY_CLI_DATASET_ARGS_H
#define MEDSAFETY_CLI_DATASET_ARGS_H

#include <stdio.h>

#include <medsafety/medsafety.h>

typedef struct cli_dataset_args {
	const char *source;                /* the SOURCE argument; NULL until given ("sample") */
	msb_dataset_options load;
	msb_dataset_filter_options filter;
	int kind;        /* --kind: -1 as loaded (a kind column, else harmful), else every item's msb_kind */
	int with_benign; /* --with-benign: add the built-in benign set before filtering */
} cli_dataset_args;

void cli_dataset_args_init(cli_dataset_args *a);

/*
 * Consume argv[*i] (and its value, advancing *i) when it is SOURCE or a
 * dataset option: returns 1 when consumed, 0 when not ours, -1 on bad
 * usage (one line printed on stderr, prefixed with `prog`).
 */
int cli_dataset_args_parse(cli_dataset_args *a, const char *prog, int argc, char **argv, int *i);

/*
 * Load SOURCE and apply the filters. Returns a CLI exit status: 0 with
 * *out set (free with msb_dataset_free), 2 for bad input (unreadable or
 * malformed files, bad filters), 1 for other failures; the message is
 * printed on stderr as one line.
 */
int cli_dataset_args_open(const cli_dataset_args *a, const char *prog, msb_dataset **out);

/* The help text for SOURCE and the dataset options. */
void cli_dataset_args_help(FILE *f);

/* The --help of `medsafety dataset` (command NULL) or of one of its commands (cli/dataset_help.c). */
void cli_dataset_help(FILE *f, const char *command);

#endif
