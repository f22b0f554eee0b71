/*
 * tests/paper/test_pyread.c - msb_py_string_expr, table-driven. Each
 * expected value is what CPython gives for the same expression (the
 * rules of Python's string literals; f-string fields and other operands
 * are kept in braces, as documented in medsafety/paper.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "medsafety/medsafety.h"

typedef struct {
	const char *src;
	const char *name;
	int nth;
	int rc;
	const char *want;
} pcase;

static const pcase cases[] = {
	{ "x = \"abc\"\n", "x", 0, 0, "abc" },
	{ "x = 'a\\'b' \"c\"\n", "x", 0, 0, "a'bc" },
	{ "x = \"\"\"l1\n  l2\"\"\"\n", "x", 0, 0, "l1\n  l2" },
	{ "x = '''it's'''", "x", 0, 0, "it's" },
	{ "x = \"\"\"\"q\" \"\"\"", "x", 0, 0, "\"q\" " },
	{ "x = r\"a\\nb\\\"\"", "x", 0, 0, "a\\nb\\\"" },
	{ "x = f\"Hi {name}! {{ok}} {a['b']:>3}\"", "x", 0, 0, "Hi {name}! {ok} {a['b']:>3}" },
	{ "x = F'''{q}\n'''", "x", 0, 0, "{q}\n" },
	{ "x = \"a\" \\\n    + \"b\" \\\n    + 'c'\ny = 'no'", "x", 0, 0, "abc" },
	{ "x = (\"a\"\n  \"b\"  # comment \"no\"\n  + 'c')\n", "x", 0, 0, "abc" },
	{ "f(k=1, sys_prompt=\"S\", t=0)", "sys_prompt", 0, 0, "S" },
	{ "f(sys_prompt=\"S\")", "sys_prompt", 0, 0, "S" },
	{ "# x = \"no\"\nx = \"yes\"", "x", 0, 0, "yes" },
	{ "s = \"x = 'no'\"\nx = \"yes\"", "x", 0, 0, "yes" },
	{ "xx = \"no\"\nx_y = 'no'\nx = \"yes\"", "x", 0, 0, "yes" },
	{ "if x == \"no\": pass\nx = \"yes\"", "x", 0, 0, "yes" },
	{ "x = \"a\"\nx = \"b\"", "x", 1, 0, "b" },
	{ "f(lambda row: \"Q: \" + row['question'] + \"\\n\", axis=1)", "lambda row:", 0, 0,
	  "Q: {row['question']}\n" },
	{ "x = \"\\x41\\u00e9\\101\\t\\U0001F600\"", "x", 0, 0, "A\xc3\xa9" "A\t\xf0\x9f\x98\x80" },
	{ "x = \"line\\\ncont\"", "x", 0, 0, "linecont" },
	{ "x = \"keep \\d unknown\"", "x", 0, 0, "keep \\d unknown" },
	{ "x = u\"u\" + rf'{a}\\n'", "x", 0, 0, "u{a}\\n" },
	{ "x = \"a\"  # trailing comment\n", "x", 0, 0, "a" },
	/* inside the brackets around NAME a comment line does not end the expression (exp01) */
	{ "d = f(\n  lambda row: \"a\" \\\n  #   + \"no\" + row['q'],\n  + \"b\" + row['q'] + \"c\",\n  axis=1)\n",
	  "lambda row:", 0, 0, "ab{row['q']}c" },
	{ "d = [(1, 2)]\ng(k=\"a\"\n  # c\n  \"b\")\n", "k", 0, 0, "ab" },
	{ "d = [(1, 2)]\nx = \"a\"\n# c\ny = \"b\"\n", "x", 0, 0, "a" },
	/* errors */
	{ "x = 5\n", "x", 0, MSB_EPARSE, NULL },
	{ "y = \"a\"\n", "x", 0, MSB_ENOTFOUND, NULL },
	{ "x = \"a\"\n", "x", 1, MSB_ENOTFOUND, NULL },
	{ "x = b\"a\"\n", "x", 0, MSB_EUNSUPPORTED, NULL },
	{ "x = \"abc\n", "x", 0, MSB_EPARSE, NULL },
	{ "x = \"\\N{DASH}\"", "x", 0, MSB_EUNSUPPORTED, NULL },
	{ "x = \"a\" +\n", "x", 0, MSB_EPARSE, NULL },
	{ "x = (\"a\"\n", "x", 0, MSB_EPARSE, NULL },
	{ "x = f\"{a\"", "x", 0, MSB_EPARSE, NULL },
	{ "x = f\"a}\"", "x", 0, MSB_EPARSE, NULL },
	{ "x = \"\\xZZ\"", "x", 0, MSB_EPARSE, NULL },
};

static void test_table(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const pcase *c = &cases[i];
		char *out = (char *)1;
		int rc = msb_py_string_expr(&out, c->src, c->name, c->nth);
		if (rc != c->rc || (c->want ? !out || strcmp(out, c->want) : out != NULL)) {
			fprintf(stderr, "case %zu: rc %d (want %d), out [%s] want [%s] (%s)\n", i, rc, c->rc,
			    rc == 0 ? out : "-", c->want ? c->want : "-", msb_error_last()->message);
			fail();
		}
		msb_free(out);
	}
}

static void test_errors(void **state)
{
	char *out;
	(void)state;
	assert_int_equal(msb_py_string_expr(NULL, "x = 'a'", "x", 0), MSB_EINVAL);
	assert_int_equal(msb_py_string_expr(&out, NULL, "x", 0), MSB_EINVAL);
	assert_int_equal(msb_py_string_expr(&out, "x = 'a'", "", 0), MSB_EINVAL);
	assert_int_equal(msb_py_string_expr(&out, "x = 'a'", "x", -1), MSB_EINVAL);
	assert_int_equal(msb_py_string_expr(&out, "\nx = (\n'a'\n)\n", "x", 0), 0);
	assert_string_equal(out, "a");
	msb_free(out);
	assert_int_equal(msb_py_string_expr(&out, "\n\nx = 'a' 'b' 7", "x", 0), MSB_EPARSE);
	assert_non_null(strstr(msb_error_last()->message, "line 3"));
}

static void test_paper_files_api(void **state)
{
	const char *path, *sha;
	unsigned long long size;
	msb_paper *p = NULL;
	(void)state;
	assert_int_equal(msb_paper_file_count(), 4);
	assert_int_equal(msb_paper_file(&path, &size, &sha, 1), 0);
	assert_string_equal(path, "exps/exp02_eval_responses.py");
	assert_int_equal(size, 6800);
	assert_int_equal(strlen(sha), 64);
	assert_int_equal(msb_paper_file(&path, &size, &sha, 4), MSB_EINVAL);
	/* an empty folder: not found, and the message says how to fetch */
	assert_int_equal(msb_paper_load(&p, "/nonexistent-msb-folder"), MSB_ENOTFOUND);
	assert_null(p);
	assert_non_null(strstr(msb_error_last()->message, "medsafety dataset fetch paper-protocol"));
	msb_paper_free(NULL);
	assert_null(msb_paper_text(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_paper_files_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
