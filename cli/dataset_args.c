/* cli/dataset_args.c - parsing SOURCE and the dataset filter options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dataset_args.h"

void cli_dataset_args_init(cli_dataset_args *a)
{
	memset(a, 0, sizeof *a);
	msb_dataset_options_init(&a->load, MSB_DATASET_OPTIONS_VERSION);
	msb_dataset_filter_options_init(&a->filter, MSB_DATASET_FILTER_OPTIONS_VERSION);
	a->kind = -1;
}

void cli_dataset_args_help(FILE *f)
{
	fputs("SOURCE: 'sample' (the built-in set, the default), a MedSafetyBench datasets/ folder\n"
	      "or any part of it, a HEx-PHI category_N.csv, or any CSV, TXT, JSON or JSONL file.\n"
	      "\n"
	      "dataset options:\n"
	      "  --split LIST            keep these splits (test,train,generated,finetune)\n"
	      "  --source LIST           keep these sources (gpt4,llama2,llama3,hexphi,...)\n"
	      "  --principle LIST        keep these principles (1..9; 0 for none), e.g. 1,4,9\n"
	      "  --limit N               keep the first N items\n"
	      "  --sample N              keep N random items, stratified by principle\n"
	      "  --seed S                the sampling seed (default 0)\n"
	      "  --shard I/N             keep shard I of N (0-based), by a hash of the item id\n"
	      "  --prompt-column NAME    CSV column / JSON field of the prompt\n"
	      "  --reference-column NAME ... of the reference safe response\n"
	      "  --principle-column NAME ... of the principle (1..9)\n"
	      "  --id-column NAME        ... of the item id\n"
	      "  --input-format FMT      csv, text, json, jsonl, hexphi, medsafetybench\n"
	      "                          (default: by file name)\n"
	      "  --source-name NAME      source name for a generic file (default: file stem)\n"
	      "  --clean                 strip <|eot_id|> tokens and stray quotes, drop duplicates\n"
	      "  --kind KIND             harmful or benign: the kind of every item of SOURCE\n"
	      "                          (default: a kind column or field, else harmful)\n"
	      "  --with-benign           add the built-in benign set (over-refusal) to SOURCE\n",
	    f);
}

/* "--name VALUE" or "--name=VALUE": the value, advancing *i; NULL when argv[*i] is not --name. */
static const char *option_value(const char *name, int argc, char **argv, int *i, int *missing)
{
	const char *arg = argv[*i];
	size_t n = strlen(name);

	if (strncmp(arg, name, n))
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_principles(const char *s, unsigned int *mask)
{
	const char *p = s;

	*mask = 0;
	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0 || v > 9 || (*end && *end != ','))
			return -1;
		*mask |= 1u << v;
		p = *end ? end + 1 : end;
	}
	return *mask ? 0 : -1;
}

static int bad(const char *prog, const char *what, const char *value)
{
	fprintf(stderr, "%s: %s: '%s'\n", prog, what, value);
	return -1;
}

int cli_dataset_args_parse(cli_dataset_args *a, const char *prog, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v;
	int missing = 0;
	unsigned long long n;

	if (arg[0] != '-' || !arg[1]) {
		if (a->source) {
			fprintf(stderr, "%s: more than one SOURCE ('%s' and '%s')\n", prog, a->source, arg);
			return -1;
		}
		a->source = arg;
		return 1;
	}
	if (!strcmp(arg, "--clean")) {
		a->load.clean = MSB_CLEAN_ALL;
		return 1;
	}
	if (!strcmp(arg, "--with-benign")) {
		a->with_benign = 1;
		return 1;
	}
#define VALUE(name) ((v = option_value(name, argc, argv, i, &missing)) != NULL || missing)
	if (VALUE("--split")) {
		if (missing || !*v)
			goto need;
		a->filter.split = v;
	} else if (VALUE("--source")) {
		if (missing || !*v)
			goto need;
		a->filter.source = v;
	} else if (VALUE("--principle")) {
		if (missing)
			goto need;
		if (parse_principles(v, &a->filter.principles))
			return bad(prog, "--principle wants numbers 0..9 separated by commas", v);
	} else if (VALUE("--limit")) {
		if (missing)
			goto need;
		if (parse_count(v, (size_t)-1, &n) || !n)
			return bad(prog, "--limit wants a positive number", v);
		a->filter.limit = (size_t)n;
	} else if (VALUE("--sample")) {
		if (missing)
			goto need;
		if (parse_count(v, (size_t)-1, &n) || !n)
			return bad(prog, "--sample wants a positive number", v);
		a->filter.sample = (size_t)n;
	} else if (VALUE("--seed")) {
		if (missing)
			goto need;
		if (parse_count(v, ~0ull, &n))
			return bad(prog, "--seed wants a non-negative number", v);
		a->filter.seed = n;
	} else if (VALUE("--shard")) {
		const char *slash;
		unsigned long long idx, cnt;
		char head[32];
		if (missing)
			goto need;
		slash = strchr(v, '/');
		if (!slash || (size_t)(slash - v) >= sizeof head)
			return bad(prog, "--shard wants I/N (0 <= I < N)", v);
		memcpy(head, v, (size_t)(slash - v));
		head[slash - v] = '\0';
		if (parse_count(head, 1u << 30, &idx) || parse_count(slash + 1, 1u << 30, &cnt) || !cnt || idx >= cnt)
			return bad(prog, "--shard wants I/N with 0 <= I < N", v);
		a->filter.shard_index = (unsigned int)idx;
		a->filter.shard_count = (unsigned int)cnt;
	} else if (VALUE("--prompt-column")) {
		if (missing || !*v)
			goto need;
		a->load.prompt_column = v;
	} else if (VALUE("--reference-column")) {
		if (missing || !*v)
			goto need;
		a->load.reference_column = v;
	} else if (VALUE("--principle-column")) {
		if (missing || !*v)
			goto need;
		a->load.principle_column = v;
	} else if (VALUE("--id-column")) {
		if (missing || !*v)
			goto need;
		a->load.id_column = v;
	} else if (VALUE("--source-name")) {
		if (missing || !*v)
			goto need;
		a->load.source = v;
	} else if (VALUE("--kind")) {
		int k;
		if (missing)
			goto need;
		if ((k = msb_kind_from_name(v)) < 0)
			return bad(prog, "--kind wants harmful or benign", v);
		a->kind = k;
	} else if (VALUE("--input-format")) {
		static const char *const names[] = { "csv", "text", "json", "jsonl", "hexphi", "medsafetybench" };
		static const int formats[] = { MSB_FORMAT_CSV, MSB_FORMAT_TEXT, MSB_FORMAT_JSON,
			MSB_FORMAT_JSONL, MSB_FORMAT_HEXPHI, MSB_FORMAT_MEDSAFETYBENCH };
		size_t k;
		if (missing)
			goto need;
		for (k = 0; k < sizeof names / sizeof names[0]; k++)
			if (!strcmp(v, names[k]))
				break;
		if (k == sizeof names / sizeof names[0])
			return bad(prog, "--input-format wants csv, text, json, jsonl, hexphi or medsafetybench", v);
		a->load.format = formats[k];
	} else {
		return 0;
	}
#undef VALUE
	return 1;
need:
	fprintf(stderr, "%s: %s needs a value\n", prog, arg);
	return -1;
}

static int exit_for(int code)
{
	switch (code) {
	case MSB_EPARSE: case MSB_ENOTFOUND: case MSB_EINVAL: case MSB_EUNSUPPORTED: case MSB_EVERSION:
		return CLI_EXIT_USAGE;
	default:
		return CLI_EXIT_FAIL;
	}
}

int cli_dataset_args_open(const cli_dataset_args *a, const char *prog, msb_dataset **out)
{
	msb_dataset *ds, *view;
	int rc;

	*out = NULL;
	rc = msb_dataset_load(&ds, a->source ? a->source : "sample", &a->load);
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return exit_for(rc);
	}
	if (a->kind >= 0)
		rc = msb_dataset_set_kind(ds, a->kind);
	if (!rc && a->with_benign)
		rc = msb_dataset_add_benign(ds);
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		msb_dataset_free(ds);
		return exit_for(rc);
	}
	rc = msb_dataset_filter(&view, ds, &a->filter);
	msb_dataset_free(ds); /* the view keeps what it needs */
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, msb_error_last()->message);
		return exit_for(rc);
	}
	*out = view;
	return CLI_EXIT_OK;
}
