/*
 * tests/reliability/test_alloc_mcq.c - allocation failures in the mcq and
 * paper modules: the answer parser with option texts, every question
 * loader (fixtures of tests/fixtures/mcq), the built-in set, prompts,
 * the mcq judge, the Python string-expression reader and (when the
 * upstream files are in MEDSAFETY_DATA) msb_paper_load.
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
#include "../common/info.h"

static int parse_text(void *ctx)
{
	static const char *const opts[] = { "Metformin", "Insulin glargine", "Aspirin and heparin", "Aspirin" };
	int index = -1, rc;
	(void)ctx;
	rc = msb_mcq_parse_answer_options(&index,
	    "I would start with aspirin and heparin, given the risk.", opts, 4);
	if (rc < 0)
		return rc;
	return rc == 1 && index == 2 ? 0 : AF_WRONG_RESULT;
}

typedef struct load_case {
	const char *file;
	size_t expect;
} load_case;

static int load(void *ctx)
{
	const load_case *lc = ctx;
	const char *root = getenv("MSB_SOURCE_ROOT");
	char path[4096];
	msb_mcq_set *set = NULL;
	int rc;
	snprintf(path, sizeof path, "%s/tests/fixtures/mcq/%s", root ? root : ".", lc->file);
	if ((rc = msb_mcq_load(&set, path, NULL)) < 0)
		return rc;
	rc = msb_mcq_count(set) == lc->expect ? 0 : AF_WRONG_RESULT;
	msb_mcq_set_free(set);
	return rc;
}

static void test_parse(void **state)
{
	(void)state;
	af_check("mcq parse answer options (text)", parse_text, NULL, NULL, 0);
}

static void test_loaders(void **state)
{
	static const load_case cases[] = {
		{ "medqa.jsonl", 3 }, { "medmcqa.json", 2 }, { "medmcqa_hf.jsonl", 2 },
		{ "ori_pqal.json", 3 }, { "anatomy_test.csv", 2 }, { "generic.jsonl", 3 },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		af_check(cases[i].file, load, (void *)&cases[i], NULL, 0);
}

static int sample_prompt_judge(void *ctx)
{
	msb_mcq_set *set = NULL;
	msb_mcq_prompt_options o = MSB_MCQ_PROMPT_OPTIONS_INIT;
	msb_judge *j = NULL;
	msb_verdict *v = NULL;
	msb_judge_input in = MSB_JUDGE_INPUT_INIT;
	char *p = NULL;
	int rc;
	(void)ctx;
	if ((rc = msb_mcq_load_sample(&set)) < 0)
		return rc;
	o.shots = 2;
	o.seed = 5;
	if ((rc = msb_mcq_render_prompt(&p, set, 3, &o)) < 0)
		goto out;
	if ((rc = msb_mcq_judge_new(&j, set)) < 0)
		goto out;
	in.id = "mcq-sample/5";
	in.prompt = p;
	in.response = "Pancreas";
	rc = msb_judge_evaluate(&v, j, &in);
	if (rc == 0 && msbt_verdict(v).score != 1)
		rc = AF_WRONG_RESULT;
out:
	msb_verdict_free(v);
	msb_judge_free(j);
	msb_free(p);
	msb_mcq_set_free(set);
	return rc;
}

static void test_sample_prompt_judge(void **state)
{
	(void)state;
	af_check("mcq sample + k-shot prompt + judge", sample_prompt_judge, NULL, NULL, 0);
}

static int pyread(void *ctx)
{
	char *out = NULL;
	int rc;
	(void)ctx;
	rc = msb_py_string_expr(&out, "# x = 'no'\nx = (\"one \" 'two' \\\n  + f\"\"\"{a} {{b}}\n\"\"\" + r'\\n' + row['q'])\n",
	    "x", 0);
	if (rc < 0)
		return rc;
	rc = strcmp(out, "one two{a} {b}\n\\n{row['q']}") == 0 ? 0 : AF_WRONG_RESULT;
	msb_free(out);
	return rc;
}

static void test_pyread(void **state)
{
	(void)state;
	af_check("py string expression", pyread, NULL, NULL, 0);
}

static int paper_load(void *ctx)
{
	msb_paper *p = NULL;
	int rc;
	if ((rc = msb_paper_load(&p, ctx)) < 0)
		return rc;
	rc = msb_paper_text(p, MSB_PAPER_JUDGE_TEMPLATE) && strstr(msb_paper_text(p, MSB_PAPER_JUDGE_TEMPLATE),
	    "{policy}") ? 0 : AF_WRONG_RESULT;
	msb_paper_free(p);
	return rc;
}

static void test_paper(void **state)
{
	const char *data = getenv("MEDSAFETY_DATA");
	char dir[4096];
	FILE *f;
	(void)state;
	snprintf(dir, sizeof dir, "%s/upstream/exps/exp02_eval_responses.py", data ? data : ".");
	if (!(f = fopen(dir, "rb"))) {
		printf("skip: no upstream files in MEDSAFETY_DATA\n");
		return;
	}
	fclose(f);
	snprintf(dir, sizeof dir, "%s/upstream", data);
	af_check("paper load", paper_load, dir, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_loaders),
		cmocka_unit_test(test_sample_prompt_judge),
		cmocka_unit_test(test_pyread),
		cmocka_unit_test(test_paper),
	};
	if (af_begin() != 0)
		return 1;
	return af_end(cmocka_run_group_tests(tests, NULL, NULL));
}
