/*
 * tests/report/test_api_report.c - the report writers through the public
 * API: formats, the numbers they print (checked against values computed
 * by hand / with Python's statistics module), escaping, the promise of a
 * self-contained HTML page, atomic writes and allocation failures.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include <medsafety/medsafety.h>

#include "failalloc.h"

static void add(msb_scorer *s, const char *id, int principle, int category, const char *source,
    int score, int error)
{
	msb_score_record r = MSB_SCORE_RECORD_INIT;

	r.id = id;
	r.principle = principle;
	r.category = category;
	r.source = source;
	r.split = "test";
	r.score = score;
	r.error = error;
	assert_int_equal(msb_scorer_add(s, &r), 0);
}

/*
 * Scores 1,1,2,5,4,3,1,5 on ids i0..i7 (principles 1,2,3 in turn), i8
 * unscored, i9 an error. Python: statistics.mean == 2.75, stdev ==
 * 1.7525491637693282, SEM == 0.6196196990320526; refusal 3/8 = 37.5%,
 * harmful 3/8 = 37.5%, full compliance 2/8 = 25%. Principle 1 (i0, i3,
 * i6, i9): [1, 5, 1] mean 2.3333, refusal 66.7%, harmful 33.3%.
 */
static msb_scorer *scorer(void)
{
	static const int sc[10] = { 1, 1, 2, 5, 4, 3, 1, 5, 0, 2 };
	msb_scorer *s;
	char id[8];
	int i;

	assert_int_equal(msb_scorer_new(&s, NULL), 0);
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof id, "i%d", i);
		add(s, id, i % 3 + 1, i < 4 ? 2 : i % 3 + 1, i < 4 ? "hexphi" : "gpt4", sc[i], i == 9);
	}
	add(s, "x1", 0, 0, "we|ird, \"<b>\"", 3, 0);
	return s;
}

static char *render(const msb_scorer *s, int format)
{
	char *t = NULL;

	assert_int_equal(msb_report_render(&t, s, format, NULL), 0);
	assert_non_null(t);
	return t;
}

static void test_format_names(void **state)
{
	int f;
	msb_report_options o;
	(void)state;
	assert_int_equal(msb_report_format_from_name("md"), MSB_REPORT_MARKDOWN);
	assert_int_equal(msb_report_format_from_name("Markdown"), MSB_REPORT_MARKDOWN);
	assert_int_equal(msb_report_format_from_name("HTML"), MSB_REPORT_HTML);
	assert_int_equal(msb_report_format_from_name("csv"), MSB_REPORT_CSV);
	assert_int_equal(msb_report_format_from_name("json"), MSB_REPORT_JSON);
	assert_int_equal(msb_report_format_from_name("pdf"), MSB_EINVAL);
	assert_non_null(strstr(msb_error_last()->message, "pdf"));
	for (f = MSB_REPORT_JSON; f <= MSB_REPORT_HTML; f++)
		assert_int_equal(msb_report_format_from_name(msb_report_format_name(f)), f);
	assert_null(msb_report_format_name(MSB_REPORT_HTML + 1));
	assert_null(msb_report_format_name(-1));
	assert_int_equal(msb_report_options_init(&o, MSB_REPORT_OPTIONS_VERSION), 0);
	assert_null(o.title);
	assert_int_equal(msb_report_options_init(&o, 2), MSB_EVERSION);
}

static void test_json_is_the_summary(void **state)
{
	msb_scorer *s = scorer();
	char *a = render(s, MSB_REPORT_JSON), *b = NULL;
	(void)state;
	assert_int_equal(msb_scorer_summary_json(&b, s), 0);
	assert_string_equal(a, b);
	msb_free(a);
	msb_free(b);
	assert_int_equal(msb_report_render(&a, s, 9, NULL), MSB_EINVAL);
	assert_null(a);
	assert_int_equal(msb_report_render(&a, NULL, MSB_REPORT_JSON, NULL), MSB_EINVAL);
	msb_scorer_free(s);
}

static void test_markdown(void **state)
{
	msb_scorer *s = scorer();
	msb_report_options o = MSB_REPORT_OPTIONS_INIT;
	char *t;
	(void)state;
	o.title = "Run | A";
	o.subtitle = "model m";
	assert_int_equal(msb_report_render(&t, s, MSB_REPORT_MARKDOWN, &o), 0);
	assert_non_null(strstr(t, "# Run \\| A\n\nmodel m\n"));
	assert_non_null(strstr(t, "| Principle | Title | n | Mean (95% CI) | Refusal rate | Harmful rate |"));
	/* principle 1: n 4 (one error), mean 2.33 with a CI, refusal 66.7%, harmful 33.3% */
	assert_non_null(strstr(t, "| 1 | Competent and compassionate care | 4 | 2.33 ["));
	assert_non_null(strstr(t, "| 66.7% | 33.3% |"));
	/* an empty principle prints n/a, never 0 */
	assert_non_null(strstr(t, "| 9 | Access to care for all | 0 | n/a | n/a | n/a |"));
	/* overall: 11 records, scores 1,1,2,5,4,3,1,5,3: mean 25/9 = 2.78; refusal 3/9 = 33.3%,
	 * harmful 3/9 = 33.3% */
	assert_non_null(strstr(t, "| **Overall** |  | 11 | 2.78 ["));
	assert_non_null(strstr(t, "9 of 11 items scored, 1 unscored, 1 errors"));
	/* a source name with '|' and '<' cannot break the table or inject HTML */
	assert_non_null(strstr(t, "| we\\|ird, \"&lt;b&gt;\" | 1 | 3.00 | 0.0% | 0.0% |"));
	assert_non_null(strstr(t, "## By category"));
	assert_non_null(strstr(t, "| hexphi/2 | 4 |"));
	assert_non_null(strstr(t, "percentile bootstrap, 2000 resamples, seed 1"));
	msb_free(t);
	msb_scorer_free(s);
}

static void test_csv(void **state)
{
	msb_scorer *s = scorer();
	char *t = render(s, MSB_REPORT_CSV), *line, *save = NULL;
	int rows = 0, saw_overall = 0, saw_empty = 0, saw_quoted = 0;
	(void)state;
	assert_true(!strncmp(t, "group,key,title,n,n_scored,n_unscored,n_errors,mean,sd,sem,ci_low,"
	    "ci_high,hist_1,hist_2,hist_3,hist_4,hist_5,refusal_rate,harmful_rate,"
	    "full_compliance_rate\r\n", 149));
	for (line = strtok_r(t, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		rows++;
		if (!strncmp(line, "overall,all,,11,9,1,1,", 22)) {
			/* mean 25/9; statistics.stdev([1,1,2,5,4,3,1,5,3]) == 1.6414763002993509 */
			char *end;
			double mean = strtod(line + 22, &end), sd = strtod(end + 1, NULL);
			assert_true(fabs(mean - 25.0 / 9) < 1e-9);
			assert_true(fabs(sd - 1.6414763002993509) < 1e-9);
			assert_non_null(strstr(line, ",3,1,2,1,2,"));
			saw_overall = 1;
		}
		if (!strcmp(line, "principle,9,Access to care for all,0,0,0,0,,,,,,0,0,0,0,0,,,"))
			saw_empty = 1;
		if (!strncmp(line, "source,\"we|ird, \"\"<b>\"\"\",,1,1,0,0,3,,,,,0,0,1,0,0,0,0,0", 55))
			saw_quoted = 1;
	}
	/* header + overall + 9 principles + 3 sources + 1 split + 1 category */
	assert_int_equal(rows, 1 + 1 + 9 + 3 + 1 + 1);
	assert_true(saw_overall && saw_empty && saw_quoted);
	msb_free(t);
	msb_scorer_free(s);
}

static void test_html_self_contained(void **state)
{
	static const char *forbidden[] = { "<script", "src=", "href=", "url(", "@import",
		"@font-face", "<link", "<iframe", "https:" };
	msb_scorer *s = scorer();
	char *t = render(s, MSB_REPORT_HTML), *p;
	size_t i;
	(void)state;
	assert_true(!strncmp(t, "<!DOCTYPE html>", 15));
	assert_non_null(strstr(t, "</html>\n"));
	for (i = 0; i < sizeof forbidden / sizeof *forbidden; i++)
		assert_null(strstr(t, forbidden[i]));
	/* the only URL is the SVG namespace name, which is never fetched */
	for (p = strstr(t, "http:"); p; p = strstr(p + 1, "http:"))
		assert_true(!strncmp(p, "http://www.w3.org/2000/svg", 26));
	assert_non_null(strstr(t, "Content-Security-Policy"));
	/* two charts with accessible names and descriptions */
	assert_non_null(strstr(t, "aria-labelledby=\"means-title means-desc\""));
	assert_non_null(strstr(t, "aria-labelledby=\"dist-title dist-desc\""));
	assert_non_null(strstr(t, "Principle 1 (Competent and compassionate care): mean 2.33"));
	assert_non_null(strstr(t, "Principle 9 (Access to care for all): no scored items."));
	/* every stacked segment has a title with its count: principle 1 has two 1s of 3 */
	assert_non_null(strstr(t, "1 Competent and compassionate care, score 1: 2 of 3 scored (66.7%)"));
	/* data is escaped */
	assert_null(strstr(t, "<b>"));
	assert_non_null(strstr(t, "we|ird, &quot;&lt;b&gt;&quot;"));
	msb_free(t);
	msb_scorer_free(s);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_write_files(void **state)
{
	char dir[] = "/tmp/msb-report-XXXXXX", path[256];
	msb_scorer *s = scorer();
	char *want, *got;
	const char *names[3] = { "summary.json", "report.md", "report.html" };
	int formats[3] = { MSB_REPORT_JSON, MSB_REPORT_MARKDOWN, MSB_REPORT_HTML }, i;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/r.csv", dir);
	assert_int_equal(msb_report_write(s, MSB_REPORT_CSV, path, NULL), 0);
	want = render(s, MSB_REPORT_CSV);
	got = slurp(path);
	assert_string_equal(got, want);
	free(got);
	msb_free(want);
	/* overwriting replaces the file whole */
	assert_int_equal(msb_report_write(s, MSB_REPORT_CSV, path, NULL), 0);
	unlink(path);
	/* a run folder, created on the way */
	snprintf(path, sizeof path, "%s/run/out", dir);
	assert_int_equal(msb_report_write_run(s, path, NULL), 0);
	for (i = 0; i < 3; i++) {
		char file[300];
		snprintf(file, sizeof file, "%s/%s", path, names[i]);
		want = render(s, formats[i]);
		got = slurp(file);
		assert_string_equal(got, want);
		free(got);
		msb_free(want);
		unlink(file);
	}
	/* ... and what a run folder holds for papers (tests/report/test_api_paper.c) */
	{
		static const char *const extra[] = { "report.tex", "figures/means.svg", "figures/dist.svg", "figures" };
		char file[300];
		for (i = 0; i < 4; i++) {
			snprintf(file, sizeof file, "%s/%s", path, extra[i]);
			assert_int_equal(i < 3 ? unlink(file) : rmdir(file), 0);
		}
	}
	rmdir(path);
	snprintf(path, sizeof path, "%s/run", dir);
	rmdir(path);
	/* a folder that does not exist is an error, not a crash */
	snprintf(path, sizeof path, "%s/missing/r.md", dir);
	assert_true(msb_report_write(s, MSB_REPORT_MARKDOWN, path, NULL) < 0);
	assert_int_equal(msb_report_write(s, MSB_REPORT_MARKDOWN, NULL, NULL), MSB_EINVAL);
	assert_int_equal(rmdir(dir), 0);
	msb_scorer_free(s);
}

/* Allocation-failure injection over every format. */
static void test_allocation_failures(void **state)
{
	msb_scorer *s;
	long n, total;
	int f, rc;
	char *t;
	(void)state;
	assert_int_equal(failalloc_install(), 0);
	s = scorer();
	for (f = MSB_REPORT_JSON; f <= MSB_REPORT_HTML; f++) {
		failalloc_arm(0);
		assert_int_equal(msb_report_render(&t, s, f, NULL), 0);
		msb_free(t);
		total = failalloc_count();
		for (n = 1; n <= total; n++) {
			failalloc_arm(n);
			t = NULL;
			rc = msb_report_render(&t, s, f, NULL);
			assert_int_equal(rc, MSB_ENOMEM);
			assert_null(t);
		}
		failalloc_arm(0);
	}
	msb_scorer_free(s);
	assert_int_equal(msb_set_allocator(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_json_is_the_summary),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_html_self_contained),
		cmocka_unit_test(test_write_files),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
