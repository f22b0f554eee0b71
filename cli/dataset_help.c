/* cli/dataset_help.c - the --help texts of `medsafety dataset` and its subcommands. */
#include <stdio.h>
#include <string.h>

#include "dataset_args.h"

static void stats_help(FILE *f)
{
	fputs("usage: medsafety dataset stats [SOURCE] [dataset options] [--json]\n"
	      "\n"
	      "Count the items of SOURCE (after the filters) by split, source and principle.\n"
	      "\n"
	      "      --json              one JSON object: {\"items\": N, \"by_split\": {...},\n"
	      "                          \"by_source\": {...}, \"by_principle\": {\"1\": N, ...}}\n"
	      "  -h, --help              this help\n"
	      "\n", f);
	cli_dataset_args_help(f);
	fputs("\n"
	      "examples:\n"
	      "  medsafety dataset stats\n"
	      "  medsafety dataset stats datasets/ --split test --json\n"
	      "  medsafety dataset stats datasets/ --source llama3 --principle 1,4,9\n"
	      "  medsafety dataset stats requests.csv --prompt-column question\n"
	      "\n"
	      "exit status: 0 success, 1 the work failed, 2 bad usage or input\n", f);
}

static void export_help(FILE *f)
{
	fputs("usage: medsafety dataset export [SOURCE] [dataset options]\n"
	      "                                [--format jsonl|csv|openai-chat|alpaca] -o FILE\n"
	      "\n"
	      "Write the (filtered) items of SOURCE to FILE.\n"
	      "\n"
	      "  -o, --output FILE       the file to write; '-' for standard output (required)\n"
	      "      --format FMT        jsonl (default), csv, openai-chat (one chat request a\n"
	      "                          line) or alpaca (instruction/output JSON)\n"
	      "      --system-prompt TEXT  openai-chat: a system message before each request\n"
	      "  -h, --help              this help\n"
	      "\n", f);
	cli_dataset_args_help(f);
	fputs("\n"
	      "examples:\n"
	      "  medsafety dataset export -o sample.jsonl\n"
	      "  medsafety dataset export datasets/ --split test --format csv -o test.csv\n"
	      "  medsafety dataset export datasets/ --sample 100 --seed 1 --format openai-chat -o -\n"
	      "  medsafety dataset export datasets/ --source llama3 --clean --format alpaca -o llama3.json\n"
	      "\n"
	      "exit status: 0 success, 1 the work failed, 2 bad usage or input\n", f);
}

static void fetch_help(FILE *f)
{
	fputs("usage: medsafety dataset fetch [medsafetybench|paper-protocol|pubmedqa] [--base-url URL]\n"
	      "                               [--dir DIR] [--quiet]\n"
	      "\n"
	      "Download MedSafetyBench into a cache folder and verify the SHA-256 of every file;\n"
	      "files already there and intact are kept. Prints the folder.\n"
	      "paper-protocol downloads instead the four scripts of the paper's protocol (exps/ of\n"
	      "the upstream repository at the pinned commit; default folder\n"
	      "$XDG_CACHE_HOME/medsafety/paper-protocol) for `medsafety run --preset paper`.\n"
	      "pubmedqa downloads PubMedQA's expert-labelled 1k set (ori_pqal.json, pinned commit)\n"
	      "for `medsafety mcq`, and prints the file.\n"
	      "\n"
	      "      --base-url URL      where the files are (default: the benchmark's repository)\n"
	      "      --dir DIR           the folder (default: $XDG_CACHE_HOME/medsafety/medsafetybench,\n"
	      "                          else ~/.cache/medsafety/medsafetybench)\n"
	      "  -q, --quiet             no line per file\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "examples:\n"
	      "  medsafety dataset fetch\n"
	      "  medsafety dataset fetch --dir data/medsafetybench\n"
	      "  medsafety dataset fetch paper-protocol\n"
	      "  medsafety mcq \"$(medsafety dataset fetch pubmedqa -q)\" -m openai/my-model\n"
	      "  medsafety run \"$(medsafety dataset fetch -q)\" --split test --limit 20\n"
	      "\n"
	      "exit status: 0 success, 1 the work failed, 2 bad usage or input\n", f);
}

static void dataset_help(FILE *f)
{
	fputs("usage: medsafety dataset stats [SOURCE] [options] [--json]\n"
	      "       medsafety dataset export [SOURCE] [options] --format jsonl|csv|openai-chat|alpaca -o FILE\n"
	      "       medsafety dataset fetch [medsafetybench|paper-protocol|pubmedqa] [--base-url URL] [--dir DIR]\n"
	      "\n"
	      "stats   count items by split, source and principle\n"
	      "export  write the (filtered) items; -o - writes to standard output\n"
	      "fetch   download MedSafetyBench into a cache folder, verifying each file's SHA-256\n"
	      "\n"
	      "'medsafety dataset COMMAND --help' describes each command.\n"
	      "\n", f);
	cli_dataset_args_help(f);
	fputs("\n"
	      "examples:\n"
	      "  medsafety dataset stats\n"
	      "  medsafety dataset fetch --dir data/medsafetybench\n"
	      "  medsafety dataset fetch paper-protocol\n"
	      "  medsafety mcq \"$(medsafety dataset fetch pubmedqa -q)\" -m openai/my-model\n"
	      "  medsafety dataset stats data/medsafetybench/datasets --json\n"
	      "  medsafety dataset export data/medsafetybench/datasets --split test -o test.jsonl\n"
	      "\n"
	      "exit status: 0 success, 1 the work failed, 2 bad usage or input\n", f);
}

void cli_dataset_help(FILE *f, const char *command)
{
	if (command && !strcmp(command, "stats"))
		stats_help(f);
	else if (command && !strcmp(command, "export"))
		export_help(f);
	else if (command && !strcmp(command, "fetch"))
		fetch_help(f);
	else
		dataset_help(f);
}
