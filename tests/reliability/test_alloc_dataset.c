/*
 * tests/reliability/test_alloc_dataset.c - allocation failures while
 * loading every dataset format from fixtures (CSV, text, JSON, JSONL,
 * the MedSafetyBench folder layout), the built-in sample, filtering
 * (with sampling and sharding), hashing and export (file and string).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"
#include "alloc_fail.h"
#include "af_util.h"

typedef struct load_case {
	const char *file;
	int format;
	size_t expect;
	char *hash; /* of the load without failure: a run that succeeds must give the same */
} load_case;

/* AF_WRONG_RESULT when the dataset's content hash differs from *expect (set on the first call). */
static int same_content(const msb_dataset *ds, char **expect)
{
	char *h = NULL;
	int rc = msb_dataset_hash(&h, ds);

	if (rc)
		return rc;
	if (!*expect)
		*expect = strdup(h);
	else if (strcmp(*expect, h))
		rc = AF_WRONG_RESULT;
	msb_free(h);
	return rc;
}

static int load(void *ctx)
{
	load_case *lc = ctx;
	msb_dataset_options o = MSB_DATASET_OPTIONS_INIT;
	msb_dataset *ds;
	char path[4096];
	int rc;

	o.format = lc->format;
	o.clean = MSB_CLEAN_ALL;
	if ((rc = msb_dataset_load(&ds, af_fixture(path, sizeof path, lc->file), &o)))
		return rc;
	if (msb_dataset_count(ds) != lc->expect)
		rc = lc->hash ? AF_WRONG_RESULT : MSB_ERROR;
	if (rc == 0)
		rc = same_content(ds, &lc->hash);
	msb_dataset_free(ds);
	return rc;
}

static void check_load(const char *name, const char *file, int format, size_t expect)
{
	load_case lc = { file, format, expect, NULL };
	af_check(name, load, &lc, NULL, 0);
	free(lc.hash);
}

static void test_load_csv(void **state)
{
	(void)state;
	check_load("dataset load csv", "small.csv", MSB_FORMAT_CSV, 4);
}

static void test_load_text(void **state)
{
	(void)state;
	check_load("dataset load text", "small.txt", MSB_FORMAT_TEXT, 4);
}

static void test_load_json(void **state)
{
	(void)state;
	check_load("dataset load json", "small.json", MSB_FORMAT_AUTO, 3);
}

static void test_load_jsonl(void **state)
{
	(void)state;
	check_load("dataset load jsonl", "small.jsonl", MSB_FORMAT_JSONL, 3);
}

static void test_load_layout(void **state)
{
	(void)state;
	check_load("dataset load msb folder", "msb", MSB_FORMAT_AUTO, 5);
}

static int load_sample(void *ctx)
{
	msb_dataset *ds;
	int rc;

	if ((rc = msb_dataset_load_sample(&ds)))
		return rc;
	if (msb_dataset_count(ds) == 0)
		rc = MSB_ERROR;
	if (rc == 0)
		rc = same_content(ds, ctx);
	msb_dataset_free(ds);
	return rc;
}

static void test_load_sample(void **state)
{
	char *hash = NULL;

	(void)state;
	af_check("dataset load sample", load_sample, &hash, NULL, 0);
	free(hash);
}

static int filter(void *ctx)
{
	const msb_dataset *src = ctx;
	msb_dataset_filter_options f = MSB_DATASET_FILTER_OPTIONS_INIT;
	msb_dataset *a = NULL, *b = NULL;
	int rc;

	f.principles = (1u << 1) | (1u << 2) | (1u << 4) | (1u << 8);
	f.sample = 3;
	f.seed = 7;
	if ((rc = msb_dataset_filter(&a, src, &f)))
		return rc;
	f = (msb_dataset_filter_options)MSB_DATASET_FILTER_OPTIONS_INIT;
	f.split = "test,generated";
	f.source = "gpt4,llama2,llama3,small";
	f.shard_index = 1;
	f.shard_count = 2;
	rc = msb_dataset_filter(&b, a, &f);
	msb_dataset_free(a); /* the view b keeps the items alive */
	if (rc == 0 && msb_dataset_count(b) > 3)
		rc = MSB_ERROR;
	msb_dataset_free(b);
	return rc;
}

static int hash(void *ctx)
{
	char *h = NULL;
	int rc = msb_dataset_hash(&h, ctx);

	if (rc == 0 && (!h || strlen(h) != 64))
		rc = MSB_ERROR;
	msb_free(h);
	return rc;
}

typedef struct export_case {
	const msb_dataset *ds;
	const char *dir;
	int format;
	char *expect; /* the export without failure */
} export_case;

/* The file's bytes, or NULL. Free with free(). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = '\0';
	fclose(f);
	return s;
}

static int same_text(const char *got, char **expect)
{
	if (!got)
		return MSB_ERROR;
	if (!*expect) {
		*expect = strdup(got);
		return 0;
	}
	return strcmp(got, *expect) ? AF_WRONG_RESULT : 0;
}

static int export_file(void *ctx)
{
	export_case *ec = ctx;
	msb_dataset_export_options o = MSB_DATASET_EXPORT_OPTIONS_INIT;
	char path[4096], *got;
	int rc;

	o.format = ec->format;
	o.system_prompt = "You are a careful medical assistant.";
	snprintf(path, sizeof path, "%s/export.out", ec->dir);
	remove(path);
	if ((rc = msb_dataset_export(ec->ds, path, &o)))
		return rc;
	got = slurp(path);
	rc = same_text(got, &ec->expect);
	free(got);
	return rc;
}

static int export_string(void *ctx)
{
	export_case *ec = ctx;
	msb_dataset_export_options o = MSB_DATASET_EXPORT_OPTIONS_INIT;
	char *s = NULL;
	int rc;

	o.format = ec->format;
	o.system_prompt = "You are a careful medical assistant.";
	rc = msb_dataset_export_string(&s, ec->ds, &o);
	if (rc == 0)
		rc = same_text(s, &ec->expect);
	msb_free(s);
	return rc;
}

static void test_filter_hash_export(void **state)
{
	msb_dataset *ds, *with_ref;
	msb_dataset_filter_options tf = MSB_DATASET_FILTER_OPTIONS_INIT;
	char path[4096], dir[4096];
	static const int formats[] = { MSB_FORMAT_JSONL, MSB_FORMAT_CSV, MSB_FORMAT_OPENAI_CHAT,
		MSB_FORMAT_ALPACA };
	static const char *const names[] = { "jsonl", "csv", "openai-chat", "alpaca" };
	size_t i;

	(void)state;
	assert_int_equal(msb_dataset_load(&ds, af_fixture(path, sizeof path, "msb"), NULL), 0);
	/* the fine-tuning formats need a reference on every item: the test split has them */
	tf.split = "test";
	assert_int_equal(msb_dataset_filter(&with_ref, ds, &tf), 0);
	af_check("dataset filter (sample, shard)", filter, ds, NULL, 0);
	af_check("dataset hash", hash, ds, NULL, 0);
	assert_int_equal(af_tmpdir(dir, sizeof dir, "export"), 0);
	for (i = 0; i < 4; i++) {
		export_case ec = { i < 2 ? ds : with_ref, dir, formats[i], NULL };
		char name[64];
		snprintf(name, sizeof name, "dataset export %s", names[i]);
		af_check(name, export_file, &ec, NULL, 0);
		/* failed atomic writes leave no temporary file behind */
		assert_int_equal(af_dir_entries(dir), 1);
		/* the string export must equal the file's */
		snprintf(name, sizeof name, "dataset export_string %s", names[i]);
		af_check(name, export_string, &ec, NULL, 0);
		free(ec.expect);
	}
	af_rmtree(dir);
	msb_dataset_free(with_ref);
	msb_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_csv),
		cmocka_unit_test(test_load_text),
		cmocka_unit_test(test_load_json),
		cmocka_unit_test(test_load_jsonl),
		cmocka_unit_test(test_load_layout),
		cmocka_unit_test(test_load_sample),
		cmocka_unit_test(test_filter_hash_export),
	};

	if (af_begin() != 0)
		return 1;
	return af_end(cmocka_run_group_tests(tests, NULL, NULL));
}
