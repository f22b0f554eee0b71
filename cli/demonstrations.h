/* cli/demonstrations.h - `medsafety demonstrations` (demonstrations.c) and its files (demonstrations_write.c). */
#ifndef MEDSAFETY_CLI_DEMONSTRATIONS_H
#define MEDSAFETY_CLI_DEMONSTRATIONS_H

#include <medsafety/medsafety.h>

#define CLI_DEMO_MAX_EXCLUDE 16
#define CLI_DEMO_MAX_SIZES 16

typedef struct cli_demo_args {
	const char *template_file;
	int keep_max;                               /* keep scores 1..keep_max */
	const char *exclude[CLI_DEMO_MAX_EXCLUDE];  /* --exclude SOURCE */
	int n_exclude;
	int default_exclude;                        /* the MedSafetyBench test split, when found */
	long sizes[CLI_DEMO_MAX_SIZES];             /* --sizes */
	int n_sizes;
	unsigned long long size_seed;
	const char *mix[CLI_DEMO_MAX_EXCLUDE];      /* --mix FILE: pooled into the fine-tuning files */
	int n_mix;
	char *rest[256];                            /* arguments for the run parser */
	int n_rest;
} cli_demo_args;

/*
 * After the run in dir: keep the answers scored 1..keep_max whose request
 * (from src, by id) is not in the evaluation set, write
 * demonstrations.jsonl and the fine-tuning files, add the counts to
 * run.json ("demonstrations") and print them. Exit status.
 */
int cli_demo_write(const char *dir, const msb_dataset *src, const cli_demo_args *a,
    const char *system_prompt, int quiet);

#endif
