/* cli/merge.c - `medsafety merge RUN... --out DIR`: join the shards of a run. */
#include <stdio.h>
#include <string.h>

#include <medsafety/medsafety.h>

#include "cli.h"
#include "opts.h"
#include "runfiles.h"

#define PROG "medsafety merge"

static void help(FILE *f)
{
	fputs("usage: medsafety merge RUN... --out DIR [--quiet]\n"
	      "\n"
	      "Join the run folders of the shards of one run (medsafety run --shard I/N) into\n"
	      "DIR, so that DIR equals the unsharded run: results.jsonl, run.json, summary.json,\n"
	      "report.md and report.html. Shards of different configurations, or with items in\n"
	      "common, are refused.\n"
	      "\n"
	      "  -o, --out DIR   the merged run folder (must not hold a run)\n"
	      "  -q, --quiet     no summary table\n"
	      "  -h, --help      this help\n"
	      "\n"
	      "examples:\n"
	      "  for i in 0 1 2 3; do medsafety run data/ --shard $i/4 --out runs/s$i & done; wait\n"
	      "  medsafety merge runs/s0 runs/s1 runs/s2 runs/s3 --out runs/all\n"
	      "\n"
	      "exit status: 0 success, 1 failure, 2 bad usage, unreadable or mismatched shards\n", f);
}

int cli_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL;
	int c, rc, quiet = 0, status;

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "o:qh", opts, "merge")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (!out)
		return cli_usage_error("merge", "--out DIR is required");
	if (optind >= argc)
		return cli_usage_error("merge", "give the run folders to merge");
	rc = msb_results_merge(out, (const char *const *)(argv + optind), (size_t)(argc - optind));
	if (rc < 0)
		return cli_lib_error("merge", rc);
	if ((status = cli_write_reports(out, NULL, NULL, 1, PROG)) != 0)
		return status;
	if (!quiet) {
		cli_print_summary(out);
		putchar('\n');
	}
	printf("merged %d runs into %s\nreport: %s/report.html\n", argc - optind, out, out);
	return CLI_EXIT_OK;
}
