/*
 * tests/report/test_api_paper.c - what msb_report_write_run adds for
 * papers, through the public API: report.tex (booktabs, LaTeX specials of
 * the title escaped, the numbers), figures/NAME.svg, and the run metadata
 * block taken from run.json (absent without one; URLs without user
 * information and query strings). Also msb_results_record_json, which the
 * viewer (medsafety view) reads the model's reasoning with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <medsafety/medsafety.h>

static char *slurp(const char *dir, const char *name)
{
	char path[512];
	FILE *f;
	long n;
	char *t;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	t = calloc(1, (size_t)n + 1);
	assert_non_null(t);
	assert_int_equal(fread(t, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return t;
}

static void cleanup(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/*
 * Principle 1: scores 1, 5, 1 and an error (n 4, scored 3); principle 2:
 * 2, 4 (n 2). Python: statistics.mean([1, 5, 1]) = 2.333 -> "2.33",
 * harmful 1/3 = "33.3%"; mean([2, 4]) = 3.0, harmful 1/2 = "50.0%";
 * overall n 6, scored 5.
 */
static msb_scorer *scorer(void)
{
	static const struct { int p, score, error; } recs[] = {
		{ 1, 1, 0 }, { 1, 5, 0 }, { 1, 1, 0 }, { 1, 0, 1 }, { 2, 2, 0 }, { 2, 4, 0 },
	};
	msb_scorer *s;
	char id[8];
	size_t i;

	assert_int_equal(msb_scorer_new(&s, NULL), 0);
	for (i = 0; i < sizeof recs / sizeof *recs; i++) {
		msb_score_record r = MSB_SCORE_RECORD_INIT;
		snprintf(id, sizeof id, "i%zu", i);
		r.id = id;
		r.principle = recs[i].p;
		r.source = "gpt4";
		r.split = "test";
		r.score = recs[i].score;
		r.error = recs[i].error;
		assert_int_equal(msb_scorer_add(s, &r), 0);
	}
	return s;
}

static void test_latex_and_figures(void **state)
{
	char dir[] = "/tmp/msb-paper-XXXXXX", *tex, *md, *svg;
	msb_report_options o;
	msb_scorer *s = scorer();
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(msb_report_options_init(&o, MSB_REPORT_OPTIONS_VERSION), 0);
	o.title = "R&D 100% _x_ #1 $5 {a} ~b ^c \\d";
	assert_int_equal(msb_report_write_run(s, dir, &o), 0);
	assert_non_null(tex = slurp(dir, "report.tex"));
	assert_non_null(strstr(tex, "\\caption{R\\&D 100\\% \\_x\\_ \\#1 \\$5 \\{a\\} "
	    "\\textasciitilde{}b \\textasciicircum{}c \\textbackslash{}d:"));
	assert_non_null(strstr(tex, "\\toprule"));
	assert_non_null(strstr(tex, "\\bottomrule"));
	assert_non_null(strstr(tex, "\n1 & Competent and compassionate care & 4 & 3 & 2.33 & "));
	assert_non_null(strstr(tex, " & 33.3\\% \\\\\n2 & "));
	assert_non_null(strstr(tex, "\n2 & Professionalism and honesty & 2 & 2 & 3.00 & "));
	assert_non_null(strstr(tex, " & 50.0\\% \\\\\n3 & "));
	/* principles without records are rows too */
	assert_non_null(strstr(tex, "\n9 & Access to care for all & 0 & 0 & n/a & n/a & n/a \\\\\n"));
	assert_non_null(strstr(tex, "\n & Overall & 6 & 5 & "));
	/* the same document through msb_report_render_latex */
	{
		char *t = NULL;
		assert_int_equal(msb_report_render_latex(&t, s, &o), 0);
		assert_string_equal(t, tex);
		msb_free(t);
		assert_int_equal(msb_report_render_latex(NULL, s, &o), MSB_EINVAL);
		assert_int_equal(msb_report_render_latex(&t, NULL, &o), MSB_EINVAL);
		assert_null(t);
	}
	/* no run.json: no metadata block */
	assert_non_null(md = slurp(dir, "report.md"));
	assert_null(strstr(md, "Run metadata"));
	assert_non_null(svg = slurp(dir, "figures/means.svg"));
	assert_true(!strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44));
	assert_non_null(strstr(svg, "</svg>\n"));
	free(svg);
	assert_non_null(svg = slurp(dir, "figures/dist.svg"));
	free(svg);
	free(md);
	free(tex);
	msb_scorer_free(s);
	cleanup(dir);
}

static void test_metadata_block(void **state)
{
	char dir[] = "/tmp/msb-paper-XXXXXX", *md, *html;
	msb_scorer *s = scorer();
	(void)state;

	assert_non_null(mkdtemp(dir));
	put(dir, "run.json",
	    "{\"library\": \"libmedsafety\", \"version\": \"9.8.7\", \"config_hash\": \"cfg123\","
	    " \"dataset\": {\"hash\": \"dshash\", \"items\": 6},"
	    " \"model\": {\"identity\": \"openai:m@https://h.example/v1?api_key=SECRET\","
	    " \"system_prompt\": \"abc\", \"max_tokens\": 64, \"temperature\": 0.25, \"top_p\": -1.0,"
	    " \"epochs\": 1, \"seed\": 42},"
	    " \"judge\": {\"name\": \"llm:openai:j@http://u:SECRET@h.example/v1\", \"config_hash\": \"jh\","
	    " \"template_hash\": \"th\", \"policy_hash\": \"ph\"},"
	    " \"config\": {\"dataset\": {\"seed\": 5}},"
	    " \"start_time\": \"2026-01-02T03:04:05Z\", \"end_time\": \"2026-01-02T04:00:00Z\"}");
	assert_int_equal(msb_report_write_run(s, dir, NULL), 0);
	assert_non_null(md = slurp(dir, "report.md"));
	assert_non_null(html = slurp(dir, "report.html"));
	assert_null(strstr(md, "SECRET"));
	assert_null(strstr(html, "SECRET"));
	assert_non_null(strstr(md, "| Library (run) | libmedsafety 9.8.7 |"));
	assert_non_null(strstr(md, "| Run started | 2026-01-02T03:04:05Z |"));
	assert_non_null(strstr(md, "| Dataset hash (SHA-256) | dshash |"));
	assert_non_null(strstr(md, "| Records per principle | P1 4, P2 2, P3 0,"));
	assert_non_null(strstr(md, "| Model | openai:m@https://h.example/v1 |"));
	assert_non_null(strstr(md, "| Judge | llm:openai:j@http://h.example/v1 |"));
	assert_non_null(strstr(md, "| Temperature | 0.25 |"));
	assert_null(strstr(md, "| Top p |"));
	assert_non_null(strstr(md, "| Generation seed | 42 |"));
	assert_non_null(strstr(md, "| Dataset sampling seed | 5 |"));
	/* Python: hashlib.sha256(b"abc").hexdigest() */
	assert_non_null(strstr(md, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	assert_non_null(strstr(md, "| Judge template hash (SHA-256) | th |"));
	assert_non_null(strstr(md, "| Judge policy hash (SHA-256) | ph |"));
	assert_non_null(strstr(html, "<section id=\"run-metadata\">"));
	assert_true(strstr(html, "<section id=\"run-metadata\">") < strstr(html, "</main>"));
	free(md);
	free(html);
	msb_scorer_free(s);
	cleanup(dir);
}

static void test_record_json(void **state)
{
	char dir[] = "/tmp/msb-paper-XXXXXX", *line = NULL;
	const char *l1 = "{\"id\":\"a\",\"principle\":1,\"score\":2,\"reasoning\":\"think\"}";
	const char *l2 = "{\"id\":\"b\",\"principle\":2,\"score\":null}";
	msb_results *r, *r2;
	char text[256];
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(text, sizeof text, "%s\nnot json\n%s\n", l1, l2);
	put(dir, "results.jsonl", text);
	assert_int_equal(msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT), 0);
	assert_int_equal(msb_results_count(r), 2);
	assert_int_equal(msb_results_record_json(&line, r, msb_results_record(r, 0)), 0);
	assert_string_equal(line, l1);
	msb_free(line);
	assert_int_equal(msb_results_record_json(&line, r, msb_results_find(r, "b", 0)), 0);
	assert_string_equal(line, l2);
	msb_free(line);
	/* a record of other results, or none */
	assert_int_equal(msb_results_open(&r2, dir, 0), 0);
	assert_int_equal(msb_results_record_json(&line, r, msb_results_record(r2, 0)), MSB_EINVAL);
	assert_null(line);
	assert_int_equal(msb_results_record_json(&line, r, NULL), MSB_EINVAL);
	msb_results_free(r2);
	msb_results_free(r);
	cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latex_and_figures),
		cmocka_unit_test(test_metadata_block),
		cmocka_unit_test(test_record_json),
	};

	msb_init();
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	msb_shutdown();
	return rc;
}
