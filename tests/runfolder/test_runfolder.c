/*
 * tests/runfolder/test_runfolder.c - the run folder's codec: a record and
 * an answer written, read back and written again give the same bytes; the
 * streaming reader names bad lines by number and never passes on a torn
 * last line; run.json of today and of 0.1.0 reads through msb_run_info;
 * msb_run_write_summary finishes a folder the runner left at its journal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "medsafety/medsafety.h"
#include "core/buf.h"
#include "core/fileio.h"
#include "runfolder/runfolder.h"
#include "../common/info.h"

static const char *fixtures;

static void tmpdir(char *out, size_t size)
{
	snprintf(out, size, "/tmp/msb-runfolder-XXXXXX");
	assert_non_null(mkdtemp(out));
}

static void rmtree(const char *dir)
{
	char cmd[4300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static msb__rf_record full_record(void)
{
	msb__rf_record r;

	memset(&r, 0, sizeof r);
	r.id = "mb/7";
	r.principle = 9;
	r.category = 12;
	r.source = "gpt4";
	r.split = "test";
	r.prompt = "A question with \"quotes\", a tab\t and \xc3\xa9";
	r.response = "I won't help with that.";
	r.score = 2;
	r.judge_name = "llm:gpt-judge";
	r.judge_reason = "mostly refused";
	r.judge_raw = "#score: 2";
	r.attempts = 2;
	r.latency_ms = 123.25;
	r.prompt_tokens = 40;
	r.completion_tokens = 7;
	r.judge_prompt_tokens = 300;
	r.judge_completion_tokens = -1;
	r.reasoning_tokens = 5;
	r.cached_tokens = -1;
	r.judge_reasoning_tokens = -1;
	r.judge_cached_tokens = 100;
	r.config_hash = "abcdef";
	r.sample = 3;
	r.reasoning = "thinking";
	r.finish_reason = "stop";
	r.refusal_text = "server refused";
	r.text_repaired = 1;
	r.judge_attempts = 1;
	r.judge_latency_ms = 50.5;
	r.cached = 1;
	r.kind = "benign";
	return r;
}

/* Write a record, parse the line, write what was parsed: the same bytes. */
static void test_record_round_trip(void **state)
{
	msb__rf_record r = full_record(), back, err;
	msb_buf a = MSB_BUF_INIT, b = MSB_BUF_INIT;
	json_t *o;

	(void)state;
	assert_int_equal(msb__rf_record_line(&a, &r), 0);
	assert_int_equal(a.ptr[a.len - 1], '\n');
	assert_null(memchr(a.ptr, '\n', a.len - 1));
	o = json_loadb(a.ptr, a.len - 1, 0, NULL);
	assert_non_null(o);
	assert_null(msb__rf_record_invalid(o));
	msb__rf_record_parse(o, &back);
	assert_int_equal(msb__rf_record_line(&b, &back), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	/* the contract's order comes first (DESIGN.md), the additions after */
	assert_true(strstr(a.ptr, "{\"id\":\"mb/7\",\"principle\":9,\"category\":12,\"source\":\"gpt4\"") == a.ptr);
	assert_non_null(strstr(a.ptr, "\"judge_completion_tokens\":null,\"reasoning_tokens\":5,"
	    "\"cached_tokens\":null,\"judge_reasoning_tokens\":null,\"judge_cached_tokens\":100},"
	    "\"config_hash\":\"abcdef\",\"sample\":3"));
	assert_non_null(strstr(a.ptr, "\"refusal\":true,\"refusal_text\":\"server refused\",\"text_repaired\":true"));
	json_decref(o);

	/* an error record: score and response null, the error object with its code */
	memset(&err, 0, sizeof err);
	err.id = "mb/8";
	err.prompt = "q";
	err.error_stage = "model";
	err.error_kind = "http";
	err.error_message = "HTTP 500";
	err.error_code = -8;
	err.prompt_tokens = err.completion_tokens = -1;
	err.judge_prompt_tokens = err.judge_completion_tokens = -1;
	msb_buf_clear(&a);
	msb_buf_clear(&b);
	assert_int_equal(msb__rf_record_line(&a, &err), 0);
	assert_non_null(strstr(a.ptr, "\"response\":null,\"score\":null,\"judge\":{\"name\":null,"
	    "\"reason\":null,\"raw\":null},\"error\":{\"stage\":\"model\",\"kind\":\"http\","
	    "\"message\":\"HTTP 500\",\"code\":-8}"));
	o = json_loadb(a.ptr, a.len - 1, 0, NULL);
	msb__rf_record_parse(o, &back);
	assert_int_equal(msb__rf_record_line(&b, &back), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	json_decref(o);
	msb_buf_dispose(&a);
	msb_buf_dispose(&b);
}

/* Bytes that are not UTF-8 become U+FFFD; the line is still one valid JSON object. */
static void test_record_invalid_utf8(void **state)
{
	msb__rf_record r = full_record();
	msb_buf a = MSB_BUF_INIT;
	json_t *o;

	(void)state;
	r.response = "ok \xff\xfe end";
	assert_int_equal(msb__rf_record_line(&a, &r), 0);
	o = json_loadb(a.ptr, a.len - 1, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "response")),
	    "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
	json_decref(o);
	msb_buf_dispose(&a);
}

typedef struct {
	size_t good, bad;
	size_t bad_no[8];
	const char *why[8];
} seen;

static int count_line(const msb__rf_line *l, void *ud)
{
	seen *s = ud;
	if (l->obj) {
		s->good++;
	} else {
		if (s->bad < 8) {
			s->bad_no[s->bad] = l->no;
			s->why[s->bad] = l->bad;
		}
		s->bad++;
	}
	return 0;
}

/*
 * Line 1 good, 2 not JSON, 3 empty (not passed on, but counted), 4 no id,
 * 5 principle 12, 6 good, 7 torn (no newline: never passed on).
 */
static void test_reader_bad_lines(void **state)
{
	char dir[64], path[128];
	seen s;
	msb_results *r;
	const char *journal =
	    "{\"id\":\"a\",\"principle\":1}\n"
	    "not json at all\n"
	    "\n"
	    "{\"principle\":1}\n"
	    "{\"id\":\"b\",\"principle\":12}\n"
	    "{\"id\":\"c\",\"principle\":2,\"score\":4}\n"
	    "{\"id\":\"d\",\"princ";
	off_t end = 0;
	FILE *f;

	(void)state;
	tmpdir(dir, sizeof dir);
	write_file(dir, "results.jsonl", journal);
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	memset(&s, 0, sizeof s);
	assert_int_equal(msb__rf_each_path(path, MSB__RF_RECORD, count_line, &s), 0);
	assert_int_equal(s.good, 2);
	assert_int_equal(s.bad, 3);
	assert_int_equal(s.bad_no[0], 2);
	assert_string_equal(s.why[0], "not JSON");
	assert_int_equal(s.bad_no[1], 4);
	assert_string_equal(s.why[1], "no \"id\"");
	assert_int_equal(s.bad_no[2], 5);
	assert_string_equal(s.why[2], "\"principle\" out of range");

	/* the torn tail ends where the complete lines end (a writer cuts there) */
	f = fopen(path, "r");
	assert_non_null(f);
	memset(&s, 0, sizeof s);
	assert_int_equal(msb__rf_each(fileno(f), path, MSB__RF_OBJECT, &end, count_line, &s), 0);
	fclose(f);
	assert_int_equal((size_t)end, strlen(journal) - strlen("{\"id\":\"d\",\"princ"));
	assert_int_equal(s.good, 4); /* any object is good for MSB__RF_OBJECT */

	/* the results reader takes the codec's word: the same lines skipped, by number */
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_int_equal(msb_results_count(r), 2);
	assert_int_equal(msb_results_skipped_lines(r), 3);
	assert_int_equal(msb_results_skipped_line(r, 0), 2);
	assert_int_equal(msb_results_skipped_line(r, 1), 4);
	assert_int_equal(msb_results_skipped_line(r, 2), 5);
	msb_results_free(r);
	assert_int_equal(msb__rf_each_path("/nonexistent/results.jsonl", 0, count_line, &s), MSB_ENOTFOUND);
	rmtree(dir);
}

/* The record the reader hands out is the line as written, byte for byte. */
static void test_results_line_identical(void **state)
{
	msb__rf_record r = full_record();
	msb_buf a = MSB_BUF_INIT;
	char dir[64], *line = NULL;
	msb_results *res;
	const msb_record *rec;

	(void)state;
	tmpdir(dir, sizeof dir);
	assert_int_equal(msb__rf_record_line(&a, &r), 0);
	write_file(dir, "results.jsonl", msb_buf_cstr(&a));
	assert_int_equal(msb_results_open(&res, dir, MSB_RESULTS_NO_TEXT), 0);
	rec = msb_results_find(res, "mb/7", 3);
	assert_non_null(rec);
	assert_int_equal(msbt_record(rec).score, 2);
	assert_int_equal(msbt_record(rec).kind, MSB_KIND_BENIGN);
	assert_int_equal(msbt_record(rec).usage.prompt_tokens, 40);
	assert_null(msbt_record(rec).response); /* MSB_RESULTS_NO_TEXT */
	assert_int_equal(msb_results_record_json(&line, res, rec), 0);
	assert_int_equal(strlen(line), a.len - 1);
	assert_memory_equal(line, a.ptr, a.len - 1);
	msb_free(line);
	msb_results_free(res);
	msb_buf_dispose(&a);
	rmtree(dir);
}

static void test_answer_round_trip(void **state)
{
	msb__rf_answer a, back;
	msb_buf x = MSB_BUF_INIT, y = MSB_BUF_INIT;
	json_t *o;

	(void)state;
	memset(&a, 0, sizeof a);
	a.id = "mb/1";
	a.sample = 2;
	a.key = "0123abcd";
	a.response = "No.";
	a.finish_reason = "stop";
	a.prompt_tokens = 11;
	a.completion_tokens = -1; /* unknown: left out */
	a.reasoning_tokens = -1;
	a.cached_tokens = 4;
	a.latency_ms = 9.5;
	a.attempts = 3;
	assert_int_equal(msb__rf_answer_line(&x, &a), 0);
	assert_string_equal(msb_buf_cstr(&x), "{\"id\":\"mb/1\",\"sample\":2,\"key\":\"0123abcd\","
	    "\"response\":\"No.\",\"finish_reason\":\"stop\",\"prompt_tokens\":11,\"cached_tokens\":4,"
	    "\"latency_ms\":9.5,"
	    "\"attempts\":3}\n");
	o = json_loadb(x.ptr, x.len - 1, 0, NULL);
	assert_int_equal(msb__rf_answer_parse(o, &back), 0);
	assert_int_equal(msb__rf_answer_line(&y, &back), 0);
	assert_string_equal(msb_buf_cstr(&x), msb_buf_cstr(&y));
	json_decref(o);
	/* no key: not a usable answer (the unit is asked again) */
	o = json_loads("{\"id\":\"mb/1\",\"sample\":0,\"response\":\"x\"}", 0, NULL);
	assert_int_equal(msb__rf_answer_parse(o, &back), -1);
	json_decref(o);
	msb_buf_dispose(&x);
	msb_buf_dispose(&y);
}

/* 0.1.0's run.json: no dataset.shard (the shard in config.dataset.shard), no selection. */
static void test_run_info_0_1_0(void **state)
{
	char dir[4200], *json = NULL;
	msb_run_info *ri = NULL;
	msb_run_fields f = { .version = MSB_RUN_FIELDS_VERSION };
	msb_results *r;

	(void)state;
	snprintf(dir, sizeof dir, "%s/runfolder/run-0.1.0", fixtures);
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_fields(&f, ri), 0);
	assert_string_equal(f.status, "finished");
	assert_string_equal(f.library_version, "0.1.0");
	assert_int_equal(f.items, 2);
	assert_int_equal(f.units, 2);
	assert_int_equal(f.selection_items, -1);
	assert_null(f.selection_hash);
	assert_int_equal(f.shard_index, 1);
	assert_int_equal(f.shard_count, 2);
	assert_int_equal(f.shard_recorded, 1);
	assert_int_equal(f.epochs, 1);
	assert_string_equal(f.judge_name, "refusal");
	assert_null(f.partial);
	assert_string_equal(msb_run_info_string(ri, "config.dataset.source"), "sample");
	assert_null(msb_run_info_string(ri, "config.dataset"));  /* an object, not a string */
	assert_null(msb_run_info_string(ri, "no.such.member"));
	assert_int_equal(msb_run_info_json(&json, ri), 0);
	assert_non_null(strstr(json, "\"library\": \"libmedsafety\""));
	msb_free(json);
	msb_run_info_free(ri);
	/* its journal reads too: two records, the torn last line left out */
	assert_int_equal(msb_results_open(&r, dir, 0), 0);
	assert_int_equal(msb_results_count(r), 2);
	assert_int_equal(msb_results_skipped_lines(r), 0);
	assert_string_equal(msbt_record(msb_results_find(r, "s/2", 0)).error_stage, "model");
	assert_int_equal(msbt_record(msb_results_find(r, "s/1", 0)).kind, MSB_KIND_HARMFUL);
	msb_results_free(r);
}

static void test_run_info_errors(void **state)
{
	char dir[64];
	msb_run_info *ri = (msb_run_info *)&ri;
	msb_run_fields f = { .version = 99 };

	(void)state;
	tmpdir(dir, sizeof dir);
	assert_int_equal(msb_run_info_open(&ri, dir), MSB_ENOTFOUND);
	assert_null(ri);
	write_file(dir, "run.json", "{\n  \"status\": \"finished\",\n  oops\n}\n");
	assert_int_equal(msb_run_info_open(&ri, dir), MSB_EPARSE);
	assert_non_null(strstr(msb_error_last()->message, "run.json:3:"));
	write_file(dir, "run.json", "[1, 2]");
	assert_int_equal(msb_run_info_open(&ri, dir), MSB_EPARSE);
	write_file(dir, "run.json", "{\"status\": \"running\", \"dataset\": {\"shard\": {\"index\": 0, \"count\": 1}}}");
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_fields(&f, ri), MSB_EVERSION);
	f.version = MSB_RUN_FIELDS_VERSION;
	assert_int_equal(msb_run_info_fields(&f, ri), 0);
	assert_string_equal(f.status, "running");
	assert_null(f.end_time);
	assert_int_equal(f.shard_recorded, 1);
	assert_int_equal(f.units, -1);
	msb_run_info_free(ri);
	msb_run_info_free(NULL);
	assert_int_equal(msb_run_info_open(NULL, dir), MSB_EINVAL);
	rmtree(dir);
}

/*
 * A member as canonical JSON text (keys sorted, compact: the CLI compares
 * runs by these texts), and a member a program adds through the library's
 * one writer: the order of the others is kept, the new one goes last.
 */
static void test_run_info_members(void **state)
{
	char dir[64], *t = NULL, *all = NULL;
	msb_run_info *ri = NULL;

	(void)state;
	tmpdir(dir, sizeof dir);
	assert_int_equal(msb_run_info_set_member(dir, "demonstrations", "{}"), MSB_ENOTFOUND);
	write_file(dir, "run.json", "{\"status\": \"finished\", \"judge\": {\"name\": null, "
	    "\"config_hash\": \"ab\"}, \"config\": {\"mcq\": {\"shots\": 5, \"format\": \"auto\"}}}");
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_member_json(&t, ri, "config.mcq"), 0);
	assert_string_equal(t, "{\"format\":\"auto\",\"shots\":5}");
	msb_free(t);
	assert_int_equal(msb_run_info_member_json(&t, ri, "judge.config_hash"), 0);
	assert_string_equal(t, "\"ab\"");
	msb_free(t);
	assert_int_equal(msb_run_info_member_json(&t, ri, "judge.name"), 0);
	assert_string_equal(t, "null");
	msb_free(t);
	assert_int_equal(msb_run_info_member_json(&t, ri, "judge.template_hash"), MSB_ENOTFOUND);
	assert_null(t);
	assert_int_equal(msb_run_info_member_json(&t, NULL, "status"), MSB_EINVAL);
	assert_int_equal(msb_run_info_member_json(NULL, ri, "status"), MSB_EINVAL);
	msb_run_info_free(ri);

	/* the library's own members are refused, and text that is not JSON */
	assert_int_equal(msb_run_info_set_member(dir, "status", "\"x\""), MSB_EINVAL);
	assert_int_equal(msb_run_info_set_member(dir, "config", "{}"), MSB_EINVAL);
	assert_int_equal(msb_run_info_set_member(dir, "demonstrations", "{oops"), MSB_EINVAL);
	assert_int_equal(msb_run_info_set_member(dir, "", "1"), MSB_EINVAL);
	assert_int_equal(msb_run_info_set_member(NULL, "x", "1"), MSB_EINVAL);
	assert_int_equal(msb_run_info_set_member(dir, "demonstrations", "{\"exact\": 3}"), 0);
	assert_int_equal(msb_run_info_set_member(dir, "demonstrations", "{\"exact\": 4}"), 0);
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_member_json(&t, ri, "demonstrations"), 0);
	assert_string_equal(t, "{\"exact\":4}");
	msb_free(t);
	assert_string_equal(msb_run_info_string(ri, "status"), "finished");
	assert_int_equal(msb_run_info_json(&all, ri), 0);
	/* file order kept: status, judge, config, then the new member */
	assert_true(strstr(all, "\"status\"") < strstr(all, "\"judge\""));
	assert_true(strstr(all, "\"config\"") < strstr(all, "\"demonstrations\""));
	msb_free(all);
	msb_run_info_free(ri);
	rmtree(dir);
}

/*
 * The runner leaves results.jsonl and run.json; msb_run_write_summary adds
 * summary.json and the reports. Over the 0.1.0 fixture: overall n = 2 (one
 * scored 1, one model error), counted by hand from the two lines.
 */
static void test_write_summary(void **state)
{
	char dir[64], src[4200], path[8600], *text = NULL;
	msb_run_summary_options so;
	json_t *sum;

	(void)state;
	tmpdir(dir, sizeof dir);
	snprintf(src, sizeof src, "%s/runfolder/run-0.1.0", fixtures);
	snprintf(path, sizeof path, "cp '%s/run.json' '%s/results.jsonl' '%s'/", src, src, dir);
	assert_int_equal(system(path), 0);
	assert_int_equal(msb_run_summary_options_init(&so, MSB_RUN_SUMMARY_OPTIONS_VERSION), 0);
	so.csv = 1;
	assert_int_equal(msb_run_write_summary(NULL, dir, &so), 0);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	sum = json_load_file(path, 0, NULL);
	assert_non_null(sum);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sum, "overall"), "n")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(sum, "overall"), "n_errors")), 1);
	assert_null(json_object_get(sum, "partial"));
	json_decref(sum);
	snprintf(path, sizeof path, "%s/report.csv", dir);
	assert_int_equal(access(path, R_OK), 0);
	/* the subtitle from run.json: model and judge, the URL's user and query left out */
	snprintf(path, sizeof path, "%s/report.md", dir);
	assert_int_equal(msb__file_read(&text, NULL, path), 0);
	assert_non_null(strstr(text, "model openai:toy-model@http://127.0.0.1:9/v1"));
	assert_non_null(strstr(text, "judge refusal"));
	assert_null(strstr(text, "secret"));
	assert_null(strstr(text, "key=abc"));
	free(text);

	/* the same scoring handed back for the caller's table: overall n = 2, 1 error */
	{
		msb_summary *tab = NULL;
		msb_summary_group g;

		assert_int_equal(msb_run_write_summary(&tab, dir, NULL), 0);
		assert_non_null(tab);
		memset(&g, 0, sizeof g);
		g.version = MSB_SUMMARY_GROUP_VERSION;
		assert_int_equal(msb_summary_group_byindex(&g, tab, 0), 0);
		assert_int_equal(g.kind, MSB_GROUP_OVERALL);
		assert_int_equal(g.stats.n, 2);
		assert_int_equal(g.stats.n_errors, 1);
		msb_summary_free(tab);
		tab = (msb_summary *)&g; /* an error leaves NULL */
		assert_int_equal(msb_run_write_summary(&tab, NULL, NULL), MSB_EINVAL);
		assert_null(tab);
	}

	/* a partial merge: summary.json says so */
	write_file(dir, "run.json", "{\"status\": \"merged\", \"partial\": \"partial: 1 of 2 shards\"}");
	assert_int_equal(msb_run_write_summary(NULL, dir, NULL), 0);
	snprintf(path, sizeof path, "%s/summary.json", dir);
	sum = json_load_file(path, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(sum, "partial")), "partial: 1 of 2 shards");
	json_decref(sum);
	so.version = 99;
	assert_int_equal(msb_run_write_summary(NULL, dir, &so), MSB_EVERSION);
	assert_int_equal(msb_run_write_summary(NULL, NULL, NULL), MSB_EINVAL);
	rmtree(dir);
	/* no journal: nothing to summarise */
	tmpdir(dir, sizeof dir);
	assert_int_equal(msb_run_write_summary(NULL, dir, NULL), MSB_ENOTFOUND);
	rmtree(dir);
}

/* ---- the lines written directly against jansson's DOM and json_dumps ---- */

static json_t *ref_str(const char *s)
{
	return s ? msb__json_text(s) : json_null();
}

static json_t *ref_tokens(long long n)
{
	return n >= 0 ? json_integer(n) : json_null();
}

static void ref_set(int *bad, json_t *o, const char *k, json_t *v)
{
	if (!o || !v || json_object_set_new(o, k, v))
		*bad = 1;
}

/* The record line as 0.1.0 through s3 built it: a jansson object, json_dumps. NULL when jansson refuses. */
static char *ref_record_line(const msb__rf_record *r)
{
	json_t *o = json_object(), *judge = json_object(), *usage = json_object(), *e;
	int bad = 0;
	char *s;

	ref_set(&bad, o, "id", msb__json_text(r->id));
	ref_set(&bad, o, "principle", json_integer(r->principle));
	ref_set(&bad, o, "category", json_integer(r->category));
	ref_set(&bad, o, "source", ref_str(r->source));
	ref_set(&bad, o, "split", ref_str(r->split));
	ref_set(&bad, o, "prompt", msb__json_text(r->prompt ? r->prompt : ""));
	ref_set(&bad, o, "response", ref_str(r->response));
	ref_set(&bad, o, "score", r->score ? json_integer(r->score) : json_null());
	ref_set(&bad, judge, "name", ref_str(r->judge_name));
	ref_set(&bad, judge, "reason", ref_str(r->judge_reason));
	ref_set(&bad, judge, "raw", ref_str(r->judge_raw));
	ref_set(&bad, o, "judge", judge);
	if (r->error_stage) {
		e = json_object();
		ref_set(&bad, e, "stage", json_string(r->error_stage));
		ref_set(&bad, e, "kind", ref_str(r->error_kind));
		ref_set(&bad, e, "message", ref_str(r->error_message));
		ref_set(&bad, e, "code", json_integer(r->error_code));
		ref_set(&bad, o, "error", e);
	} else {
		ref_set(&bad, o, "error", json_null());
	}
	ref_set(&bad, o, "attempts", json_integer(r->attempts));
	ref_set(&bad, o, "latency_ms", json_real(r->latency_ms));
	ref_set(&bad, usage, "prompt_tokens", ref_tokens(r->prompt_tokens));
	ref_set(&bad, usage, "completion_tokens", ref_tokens(r->completion_tokens));
	ref_set(&bad, usage, "judge_prompt_tokens", ref_tokens(r->judge_prompt_tokens));
	ref_set(&bad, usage, "judge_completion_tokens", ref_tokens(r->judge_completion_tokens));
	ref_set(&bad, usage, "reasoning_tokens", ref_tokens(r->reasoning_tokens));
	ref_set(&bad, usage, "cached_tokens", ref_tokens(r->cached_tokens));
	ref_set(&bad, usage, "judge_reasoning_tokens", ref_tokens(r->judge_reasoning_tokens));
	ref_set(&bad, usage, "judge_cached_tokens", ref_tokens(r->judge_cached_tokens));
	ref_set(&bad, o, "usage", usage);
	ref_set(&bad, o, "config_hash", ref_str(r->config_hash));
	ref_set(&bad, o, "sample", json_integer(r->sample));
	if (r->reasoning)
		ref_set(&bad, o, "reasoning", msb__json_text(r->reasoning));
	if (r->finish_reason)
		ref_set(&bad, o, "finish_reason", msb__json_text(r->finish_reason));
	if (r->refusal_text) {
		ref_set(&bad, o, "refusal", json_true());
		ref_set(&bad, o, "refusal_text", msb__json_text(r->refusal_text));
	}
	if (r->text_repaired)
		ref_set(&bad, o, "text_repaired", json_true());
	ref_set(&bad, o, "judge_attempts", json_integer(r->judge_attempts));
	ref_set(&bad, o, "judge_latency_ms", json_real(r->judge_latency_ms));
	ref_set(&bad, o, "cached", json_boolean(r->cached));
	ref_set(&bad, o, "kind", json_string(r->kind ? r->kind : "harmful"));
	s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static char *ref_answer_line(const msb__rf_answer *a)
{
	json_t *o = json_object();
	int bad = 0;
	char *s;

	ref_set(&bad, o, "id", msb__json_text(a->id));
	ref_set(&bad, o, "sample", json_integer(a->sample));
	ref_set(&bad, o, "key", json_string(a->key));
	ref_set(&bad, o, "response", msb__json_text(a->response));
	if (a->reasoning)
		ref_set(&bad, o, "reasoning", msb__json_text(a->reasoning));
	if (a->finish_reason)
		ref_set(&bad, o, "finish_reason", msb__json_text(a->finish_reason));
	if (a->prompt_tokens >= 0)
		ref_set(&bad, o, "prompt_tokens", json_integer(a->prompt_tokens));
	if (a->completion_tokens >= 0)
		ref_set(&bad, o, "completion_tokens", json_integer(a->completion_tokens));
	if (a->reasoning_tokens >= 0)
		ref_set(&bad, o, "reasoning_tokens", json_integer(a->reasoning_tokens));
	if (a->cached_tokens >= 0)
		ref_set(&bad, o, "cached_tokens", json_integer(a->cached_tokens));
	ref_set(&bad, o, "latency_ms", json_real(a->latency_ms));
	ref_set(&bad, o, "attempts", json_integer(a->attempts));
	s = bad ? NULL : json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* Random text: ASCII, every escape, multibyte UTF-8, and bytes that are not UTF-8. */
static const char *rand_text(char *buf, size_t size, unsigned int *seed, int may_null)
{
	static const char *const pieces[] = { "a", "Z", " ", "\"", "\\", "\n", "\r", "\t", "\b", "\f",
		"\x01", "\x1f", "\x7f", "/", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xff",
		"\xc0\xaf", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "text ", "{policy}" };
	size_t n = (size_t)rand_r(seed) % 40, at = 0, i;

	if (may_null && rand_r(seed) % 5 == 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *p = pieces[(size_t)rand_r(seed) % (sizeof pieces / sizeof *pieces)];
		size_t k = strlen(p);
		if (at + k + 1 >= size)
			break;
		memcpy(buf + at, p, k);
		at += k;
	}
	buf[at] = '\0';
	return buf;
}

static double rand_real(unsigned int *seed)
{
	static const double fixed[] = { 0.0, -0.0, 1.0, 0.1, 50.123456789, 1e-300, 1e300, 1e21, 1e-7,
		123456789012345678.0, 4.9e-324, -2.5e-5, 293.83669099956751 };
	unsigned int k = (unsigned int)rand_r(seed) % 3u;

	if (k == 0)
		return fixed[(size_t)rand_r(seed) % (sizeof fixed / sizeof *fixed)];
	if (k == 1)
		return (double)rand_r(seed) / 1000.0;
	return ldexp((double)rand_r(seed) / RAND_MAX, rand_r(seed) % 200 - 100);
}

static long long rand_count(unsigned int *seed)
{
	static const long long fixed[] = { -1, 0, 1, 9, 10, 4096, 2147483647LL, 9223372036854775807LL };
	return rand_r(seed) % 2 ? fixed[(size_t)rand_r(seed) % (sizeof fixed / sizeof *fixed)]
	                        : (long long)rand_r(seed);
}

/*
 * msb__rf_record_line and msb__rf_answer_line write their lines directly:
 * on 3,000 random records and answers (escapes, multibyte and invalid
 * UTF-8, nulls, extreme integers, reals from 1e-300 to 1e300) they give
 * the very bytes of jansson's json_dumps of the same values as a DOM (the
 * way they were built before), and fail where jansson fails (a NaN).
 */
static void test_lines_match_jansson(void **state)
{
	char t[12][256];
	unsigned int seed = 7;
	int i;
	(void)state;

	for (i = 0; i < 3000; i++) {
		msb__rf_record r;
		msb__rf_answer a;
		msb_buf got = MSB_BUF_INIT;
		char *want;

		memset(&r, 0, sizeof r);
		r.id = rand_text(t[0], sizeof t[0], &seed, 0);
		r.principle = rand_r(&seed) % 10;
		r.category = (int)rand_count(&seed);
		r.source = rand_text(t[1], sizeof t[1], &seed, 1);
		r.split = rand_text(t[2], sizeof t[2], &seed, 1);
		r.prompt = rand_text(t[3], sizeof t[3], &seed, 1);
		r.response = rand_text(t[4], sizeof t[4], &seed, 1);
		r.score = rand_r(&seed) % 6;
		r.judge_name = rand_text(t[5], sizeof t[5], &seed, 1);
		r.judge_reason = rand_text(t[6], sizeof t[6], &seed, 1);
		r.judge_raw = rand_text(t[7], sizeof t[7], &seed, 1);
		if (rand_r(&seed) % 3 == 0) {
			r.error_stage = rand_r(&seed) % 2 ? "model" : "judge";
			r.error_kind = rand_text(t[8], sizeof t[8], &seed, 1);
			r.error_message = rand_text(t[9], sizeof t[9], &seed, 1);
			r.error_code = -(rand_r(&seed) % 40);
		}
		r.attempts = rand_r(&seed) % 7;
		r.latency_ms = rand_real(&seed);
		r.prompt_tokens = rand_count(&seed);
		r.completion_tokens = rand_count(&seed);
		r.judge_prompt_tokens = rand_count(&seed);
		r.judge_completion_tokens = rand_count(&seed);
		r.reasoning_tokens = rand_count(&seed);
		r.cached_tokens = rand_count(&seed);
		r.judge_reasoning_tokens = rand_count(&seed);
		r.judge_cached_tokens = rand_count(&seed);
		r.config_hash = rand_r(&seed) % 4 ? "aaf657709612e2ce" : NULL;
		r.sample = (int)(rand_count(&seed) & 0xfffff);
		r.reasoning = rand_text(t[10], sizeof t[10], &seed, 1);
		r.finish_reason = rand_r(&seed) % 2 ? "stop" : NULL;
		r.refusal_text = rand_r(&seed) % 4 ? NULL : rand_text(t[11], sizeof t[11], &seed, 0);
		r.text_repaired = rand_r(&seed) % 2;
		r.judge_attempts = rand_r(&seed) % 4;
		r.judge_latency_ms = rand_real(&seed);
		r.cached = rand_r(&seed) % 2;
		r.kind = rand_r(&seed) % 3 == 0 ? NULL : rand_r(&seed) % 2 ? "benign" : "harmful";
		want = ref_record_line(&r);
		assert_non_null(want);
		assert_int_equal(msb__rf_record_line(&got, &r), 0);
		assert_int_equal(got.len, strlen(want) + 1);
		assert_memory_equal(got.ptr, want, got.len - 1);
		free(want);

		memset(&a, 0, sizeof a);
		a.id = r.id;
		a.sample = r.sample;
		a.key = "0123456789abcdef";
		a.response = r.response ? r.response : "";
		a.reasoning = r.reasoning;
		a.finish_reason = r.finish_reason;
		a.prompt_tokens = r.prompt_tokens;
		a.completion_tokens = r.completion_tokens;
		a.reasoning_tokens = r.reasoning_tokens;
		a.cached_tokens = r.cached_tokens;
		a.latency_ms = r.judge_latency_ms;
		a.attempts = r.attempts;
		want = ref_answer_line(&a);
		assert_non_null(want);
		msb_buf_clear(&got);
		assert_int_equal(msb__rf_answer_line(&got, &a), 0);
		assert_int_equal(got.len, strlen(want) + 1);
		assert_memory_equal(got.ptr, want, got.len - 1);
		free(want);

		/* jansson refuses a real that is not finite: so does the line, leaving out as it was */
		if (i % 100 == 0) {
			size_t before = got.len;
			r.latency_ms = NAN;
			assert_null(ref_record_line(&r));
			assert_int_equal(msb__rf_record_line(&got, &r), MSB_ENOMEM);
			assert_int_equal(got.len, before);
			a.latency_ms = INFINITY;
			assert_null(ref_answer_line(&a));
			assert_int_equal(msb__rf_answer_line(&got, &a), MSB_ENOMEM);
			assert_int_equal(got.len, before);
		}
		msb_buf_dispose(&got);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_invalid_utf8),
		cmocka_unit_test(test_reader_bad_lines),
		cmocka_unit_test(test_results_line_identical),
		cmocka_unit_test(test_answer_round_trip),
		cmocka_unit_test(test_run_info_0_1_0),
		cmocka_unit_test(test_run_info_errors),
		cmocka_unit_test(test_run_info_members),
		cmocka_unit_test(test_write_summary),
		cmocka_unit_test(test_lines_match_jansson),
	};

	fixtures = argc > 1 ? argv[1] : "tests/fixtures";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
