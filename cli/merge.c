/* cli/merge.c - `medsafety merge RUN... --out DIR`: join the shards of a run. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

#include "cli.h"
#include "opts.h"
#include "mcq_stats.h"
#include "runfiles.h"

#define PROG "medsafety merge"

static void help(FILE *f)
{
	fputs("usage: medsafety merge RUN... --out DIR [--allow-partial] [--quiet]\n"
	      "\n"
	      "Join the run folders of the shards of one run (medsafety run --shard I/N) into\n"
	      "DIR, so that DIR equals the unsharded run: results.jsonl, run.json, summary.json,\n"
	      "report.md and report.html. The shards must be exactly 0..N-1 of one N, of one\n"
	      "dataset selection and configuration, each finished with every item journaled;\n"
	      "otherwise nothing is written and every problem is listed (exit 2).\n"
	      "\n"
	      "  -o, --out DIR       the merged run folder (must not hold a run)\n"
	      "      --allow-partial merge what is there (missing or unfinished shards); the\n"
	      "                      result says \"partial: 3 of 4 shards, 1,350 of 1,800 items\"\n"
	      "                      in run.json, summary.json and the reports\n"
	      "  -q, --quiet         no summary table\n"
	      "  -h, --help          this help\n"
	      "\n"
	      "examples:\n"
	      "  for i in 0 1 2 3; do medsafety run data/ --shard $i/4 --out runs/s$i & done; wait\n"
	      "  medsafety merge runs/s0 runs/s1 runs/s2 runs/s3 --out runs/all\n"
	      "\n"
	      "exit status: 0 success, 1 failure, 2 bad usage, unreadable or mismatched shards\n", f);
}

/* run.json's "partial" line of a partial merge into text ("" when complete). */
static void read_partial(const char *out, char *text, size_t size)
{
	msb_run_info *ri = NULL;
	const char *t;

	msb_run_info_open(&ri, out);
	t = msb_run_info_string(ri, "partial");
	snprintf(text, size, "%s", t ? t : "");
	msb_run_info_free(ri);
}

int cli_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow-partial", no_argument, NULL, 'P' },
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	msb_results_merge_options mo;
	const char *out = NULL;
	char partial[256];
	msb_summary *table = NULL;
	int c, rc, quiet = 0, status, n, mcq;

	msb_results_merge_options_init(&mo, MSB_RESULTS_MERGE_OPTIONS_VERSION);
	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "o:qh", opts, "merge")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'P':
			mo.allow_partial = 1;
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
	n = argc - optind;
	rc = msb_results_merge(out, (const char *const *)(argv + optind), (size_t)n, &mo);
	if (rc < 0)
		return cli_lib_error("merge", rc);
	/* summary.json and the reports (msb_run_write_summary gives a partial merge its line) */
	read_partial(out, partial, sizeof partial);
	mcq = cli_mcq_is_run(argv[optind]); /* mcq shards: an mcq summary (cli/mcq_merge.c) */
	if (mcq)
		status = cli_mcq_merge_summary(out, (const char *const *)(argv + optind), (size_t)n,
		    quiet ? NULL : stdout, PROG);
	else
		status = cli_write_reports(quiet ? NULL : &table, out, NULL, NULL, PROG);
	if (status != 0)
		return status;
	if (!quiet && !mcq) {
		cli_print_summary(table);
		putchar('\n');
	}
	msb_summary_free(table);
	printf("merged %d run%s into %s\n", n, n == 1 ? "" : "s", out);
	if (partial[0])
		printf("%s\n", partial);
	printf("report: %s/%s\n", out, mcq ? "report.md" : "report.html");
	return CLI_EXIT_OK;
}
