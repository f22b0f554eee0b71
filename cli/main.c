/*
 * cli/main.c - the `medsafety` command: dispatch to subcommands.
 * The CLI uses only the public API (include/medsafety/).
 */
#include <stdio.h>
#include <string.h>

#include <medsafety/medsafety.h>

#include "cli.h"

static const cli_command commands[] = {
	/* name, one-line summary, handler: later issues add entries here */
	{ "run", "evaluate a model: generate, judge, score (offline by default)", cli_run },
	{ "report", "print or write the report of a run (md, json, csv, html)", cli_report },
	{ "compare", "compare two runs item by item; --fail-if-worse gates CI", cli_compare },
	{ "merge", "join the run folders of shards into one run", cli_merge },
	{ "status", "how far the shards of a run are (read-only, safe while they run)", cli_status },
	{ "rescore", "judge the responses of a run again with another judge", cli_rescore },
	{ "dataset", "inspect, export and download datasets (stats, export, fetch)", cli_dataset },
	{ "mcq", "multiple-choice medical questions: accuracy (the medical-performance check)", cli_mcq },
	{ "demonstrations", "safety demonstrations and fine-tuning files (the paper's exp03)", cli_demonstrations },
	{ "view", "write an HTML page to browse a run's records (or two runs side by side)", cli_view },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	const cli_command *c;

	fprintf(f,
	    "usage: medsafety [--version] [--help] <command> [<args>]\n"
	    "\n"
	    "Measure how often a language model complies with harmful medical requests\n"
	    "(MedSafetyBench, the nine AMA Principles of Medical Ethics).\n"
	    "\n"
	    "commands:\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f,
	    "\n"
	    "Run 'medsafety <command> --help' for a command's options.\n"
	    "Exit status: 0 success, 1 the work failed (or a gate failed), 2 bad usage or input.\n");
}

int main(int argc, char **argv)
{
	const cli_command *c;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("medsafety %s\n", msb_version());
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	for (c = commands; c->name; c++) {
		if (!strcmp(argv[1], c->name)) {
			if (msb_init() < 0) {
				fprintf(stderr, "medsafety: %s\n", msb_error_last()->message);
				return CLI_EXIT_FAIL;
			}
			rc = c->run(argc - 1, argv + 1);
			msb_shutdown();
			return rc;
		}
	}
	fprintf(stderr, "medsafety: unknown command '%s' (see 'medsafety --help')\n", argv[1]);
	return CLI_EXIT_USAGE;
}
