/* cli/dataset.c - `medsafety dataset stats | export | fetch`. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <medsafety/medsafety.h>

#include "cli.h"
#include "dataset_args.h"

#define PROG "medsafety dataset"

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Distinct names in item order with their counts (few: splits and sources). */
typedef struct tally {
	const char *name[64];
	size_t n[64];
	size_t count;
	size_t other;
} tally;

static void tally_add(tally *t, const char *name)
{
	size_t i;
	for (i = 0; i < t->count; i++)
		if (!strcmp(t->name[i], name)) {
			t->n[i]++;
			return;
		}
	if (t->count == 64) {
		t->other++;
		return;
	}
	t->name[t->count] = name;
	t->n[t->count++] = 1;
}

static void print_tally_json(const char *key, const tally *t)
{
	size_t i;
	printf(", \"%s\": {", key);
	for (i = 0; i < t->count; i++) {
		printf(i ? ", " : "");
		json_str(t->name[i]);
		printf(": %zu", t->n[i]);
	}
	printf("}");
}

static void print_tally_text(const char *label, const tally *t)
{
	size_t i;
	printf("%-14s", label);
	for (i = 0; i < t->count; i++)
		printf("%s%s %zu", i ? ", " : "", t->name[i], t->n[i]);
	if (t->other)
		printf(", (more) %zu", t->other);
	printf("\n");
}

/*
 * The content hash, computed on a second thread while the first counts
 * the items: the SHA-256 of the whole folder's ids and prompts (11.7 MB)
 * is the longest step of `dataset stats` (docs/performance.md). A dataset
 * may be read by any number of threads (dataset.h).
 */
typedef struct hash_job {
	const msb_dataset *ds;
	char *hash;
	int rc;
	char message[512]; /* the thread's last error when rc < 0 */
} hash_job;

static void *hash_run(void *arg)
{
	hash_job *j = arg;

	j->rc = msb_dataset_hash(&j->hash, j->ds);
	if (j->rc)
		snprintf(j->message, sizeof j->message, "%s", msb_error_last()->message);
	return NULL;
}

static int cmd_stats(int argc, char **argv)
{
	cli_dataset_args a;
	msb_dataset *ds;
	tally splits, sources;
	size_t by_p[10] = { 0 }, i, n;
	char *hash = NULL;
	int json = 0, rc, k, threaded;
	size_t n_benign = 0; /* items of kind benign (over-refusal) */
	hash_job job;
	pthread_t hasher;

	cli_dataset_args_init(&a);
	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			cli_dataset_help(stdout, "stats");
			return CLI_EXIT_OK;
		}
		if (!strcmp(argv[k], "--json")) {
			json = 1;
			continue;
		}
		rc = cli_dataset_args_parse(&a, PROG " stats", argc, argv, &k);
		if (rc < 0)
			return CLI_EXIT_USAGE;
		if (rc == 0) {
			fprintf(stderr, PROG " stats: unknown option '%s' (see --help)\n", argv[k]);
			return CLI_EXIT_USAGE;
		}
	}
	if ((rc = cli_dataset_args_open(&a, PROG " stats", &ds)))
		return rc;
	memset(&splits, 0, sizeof splits);
	memset(&sources, 0, sizeof sources);
	memset(&job, 0, sizeof job);
	job.ds = ds;
	threaded = pthread_create(&hasher, NULL, hash_run, &job) == 0;
	n = msb_dataset_count(ds);
	for (i = 0; i < n; i++) {
		msb_item_info it = MSB_ITEM_INFO_INIT;
		if (msb_item_info_get(&it, msb_dataset_item(ds, i)) < 0)
			continue;
		tally_add(&splits, it.split);
		tally_add(&sources, it.source);
		by_p[it.principle]++;
		n_benign += it.kind == MSB_KIND_BENIGN;
	}
	if (threaded)
		pthread_join(hasher, NULL);
	else
		hash_run(&job); /* no thread to be had: the same work here */
	hash = job.hash;
	if (job.rc) {
		fprintf(stderr, PROG " stats: %s\n", job.message);
		msb_dataset_free(ds);
		return CLI_EXIT_FAIL;
	}
	if (json) {
		printf("{\"items\": %zu", n);
		print_tally_json("by_split", &splits);
		print_tally_json("by_source", &sources);
		printf(", \"by_principle\": {");
		for (k = 1; k <= 9; k++)
			printf("%s\"%d\": %zu", k > 1 ? ", " : "", k, by_p[k]);
		if (by_p[0])
			printf(", \"0\": %zu", by_p[0]);
		printf("}, \"hash\": \"%s\"", hash);
		if (n_benign)
			printf(", \"by_kind\": {\"harmful\": %zu, \"benign\": %zu}", n - n_benign, n_benign);
		if (a.load.clean)
			printf(", \"cleaned\": {\"tokens\": %zu, \"quotes\": %zu, \"duplicates\": %zu}",
			    msb_dataset_clean_count(ds, MSB_CLEANED_TOKENS),
			    msb_dataset_clean_count(ds, MSB_CLEANED_QUOTES),
			    msb_dataset_clean_count(ds, MSB_CLEANED_DUPLICATES));
		printf("}\n");
	} else {
		printf("%-14s%zu\n", "items:", n);
		print_tally_text("by split:", &splits);
		print_tally_text("by source:", &sources);
		printf("%-14s", "by principle:");
		for (k = 1; k <= 9; k++)
			printf("%s%d: %zu", k > 1 ? ", " : "", k, by_p[k]);
		if (by_p[0])
			printf(", none: %zu", by_p[0]);
		printf("\n%-14s%s\n", "hash:", hash);
		if (n_benign)
			printf("%-14sharmful: %zu, benign: %zu\n", "by kind:", n - n_benign, n_benign);
		if (a.load.clean)
			printf("%-14s%zu token endings stripped, %zu stray quotes removed, %zu duplicates dropped\n",
			    "cleaned:", msb_dataset_clean_count(ds, MSB_CLEANED_TOKENS),
			    msb_dataset_clean_count(ds, MSB_CLEANED_QUOTES),
			    msb_dataset_clean_count(ds, MSB_CLEANED_DUPLICATES));
	}
	msb_free(hash);
	msb_dataset_free(ds);
	return CLI_EXIT_OK;
}

static int cmd_export(int argc, char **argv)
{
	static const char *const names[] = { "jsonl", "csv", "openai-chat", "alpaca" };
	static const int formats[] = { MSB_FORMAT_JSONL, MSB_FORMAT_CSV, MSB_FORMAT_OPENAI_CHAT, MSB_FORMAT_ALPACA };
	msb_dataset_export_options eo;
	cli_dataset_args a;
	msb_dataset *ds;
	const char *out = NULL, *format = NULL;
	int rc, k;
	size_t f;

	cli_dataset_args_init(&a);
	msb_dataset_export_options_init(&eo, MSB_DATASET_EXPORT_OPTIONS_VERSION);
	for (k = 1; k < argc; k++) {
		const char *arg = argv[k];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			cli_dataset_help(stdout, "export");
			return CLI_EXIT_OK;
		}
		if (!strcmp(arg, "-o") || !strcmp(arg, "--output") || !strcmp(arg, "--format") ||
		    !strcmp(arg, "--system-prompt")) {
			if (k + 1 >= argc) {
				fprintf(stderr, PROG " export: %s needs a value\n", arg);
				return CLI_EXIT_USAGE;
			}
			if (!strcmp(arg, "--format"))
				format = argv[++k];
			else if (!strcmp(arg, "--system-prompt"))
				eo.system_prompt = argv[++k];
			else
				out = argv[++k];
			continue;
		}
		if (!strncmp(arg, "--format=", 9)) {
			format = arg + 9;
			continue;
		}
		if (!strncmp(arg, "--output=", 9)) {
			out = arg + 9;
			continue;
		}
		if (!strcmp(arg, "-")) {
			fprintf(stderr, PROG " export: unexpected '-' (did you mean -o -?)\n");
			return CLI_EXIT_USAGE;
		}
		rc = cli_dataset_args_parse(&a, PROG " export", argc, argv, &k);
		if (rc < 0)
			return CLI_EXIT_USAGE;
		if (rc == 0) {
			fprintf(stderr, PROG " export: unknown option '%s' (see --help)\n", arg);
			return CLI_EXIT_USAGE;
		}
	}
	if (!out) {
		fprintf(stderr, PROG " export: -o FILE is required (-o - for standard output)\n");
		return CLI_EXIT_USAGE;
	}
	if (format) {
		for (f = 0; f < 4; f++)
			if (!strcmp(format, names[f]))
				break;
		if (f == 4) {
			fprintf(stderr, PROG " export: --format wants jsonl, csv, openai-chat or alpaca: '%s'\n", format);
			return CLI_EXIT_USAGE;
		}
		eo.format = formats[f];
	}
	if ((rc = cli_dataset_args_open(&a, PROG " export", &ds)))
		return rc;
	if (!strcmp(out, "-")) {
		char *s = NULL;
		rc = msb_dataset_export_string(&s, ds, &eo);
		if (!rc && fputs(s, stdout) == EOF)
			rc = MSB_EIO;
		msb_free(s);
	} else {
		rc = msb_dataset_export(ds, out, &eo);
	}
	msb_dataset_free(ds);
	if (rc) {
		fprintf(stderr, PROG " export: %s\n", msb_error_last()->message);
		return rc == MSB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

static void on_file(const char *path, unsigned long long bytes, int cached, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "%s %s (%llu bytes)\n", cached ? "ok        " : "downloaded", path, bytes);
}

static int cmd_fetch(int argc, char **argv)
{
	msb_dataset_fetch_options fo;
	char *dir = NULL;
	int rc, k, paper = 0; /* target: 0 MedSafetyBench, 1 paper-protocol, 2 pubmedqa */

	msb_dataset_fetch_options_init(&fo, MSB_DATASET_FETCH_OPTIONS_VERSION);
	fo.progress = on_file;
	for (k = 1; k < argc; k++) {
		const char *arg = argv[k];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			cli_dataset_help(stdout, "fetch");
			return CLI_EXIT_OK;
		}
		if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
			fo.progress = NULL;
			continue;
		}
		if (!strcmp(arg, "--base-url") || !strcmp(arg, "--dir")) {
			if (k + 1 >= argc || !*argv[k + 1]) {
				fprintf(stderr, PROG " fetch: %s needs a value\n", arg);
				return CLI_EXIT_USAGE;
			}
			if (!strcmp(arg, "--dir"))
				fo.dir = argv[++k];
			else
				fo.base_url = argv[++k];
			continue;
		}
		if (!strncmp(arg, "--dir=", 6)) {
			fo.dir = arg + 6;
			continue;
		}
		if (!strncmp(arg, "--base-url=", 11)) {
			fo.base_url = arg + 11;
			continue;
		}
		if (k == 1 && (!strcmp(arg, "paper-protocol") || !strcmp(arg, "medsafetybench") ||
		    !strcmp(arg, "pubmedqa"))) {
			paper = !strcmp(arg, "paper-protocol") ? 1 : !strcmp(arg, "pubmedqa") ? 2 : 0;
			continue;
		}
		fprintf(stderr, PROG " fetch: unknown argument '%s' (see --help)\n", arg);
		return CLI_EXIT_USAGE;
	}
	rc = paper == 1 ? msb_paper_fetch(&dir, &fo) : paper == 2 ? msb_mcq_fetch(&dir, "pubmedqa", &fo)
	    : msb_dataset_fetch(&dir, &fo);
	if (rc) {
		fprintf(stderr, PROG " fetch: %s\n", msb_error_last()->message);
		return rc == MSB_EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	printf("%s\n", dir);
	msb_free(dir);
	return CLI_EXIT_OK;
}

int cli_dataset(int argc, char **argv)
{
	if (argc < 2) {
		cli_dataset_help(stderr, NULL);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_dataset_help(stdout, NULL);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fetch"))
		return cmd_fetch(argc - 1, argv + 1);
	fprintf(stderr, PROG ": unknown subcommand '%s' (stats, export, fetch)\n", argv[1]);
	return CLI_EXIT_USAGE;
}
