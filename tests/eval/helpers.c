/* tests/eval/helpers.c - journal inspection and common options for the runner tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "helpers.h"

/* ---- journal inspection ---- */



void journal_read(journal_view *jv, const char *dir, size_t n_items)
{
	char path[512];
	char *text, *line, *save = NULL;
	size_t len;

	memset(jv, 0, sizeof *jv);
	jv->n_items = n_items;
	jv->count = calloc(n_items ? n_items : 1, sizeof *jv->count);
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	text = fake_read(path);
	if (!text)
		return;
	len = strlen(text);
	jv->torn = len && text[len - 1] != '\n';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *o = json_loads(line, 0, NULL), *err;
		int n;
		jv->lines++;
		if (!o) {
			jv->bad++;
			continue;
		}
		n = fake_item_number(json_string_value(json_object_get(o, "id")));
		if (n >= 0 && (size_t)n < n_items && json_integer_value(json_object_get(o, "sample")) == 0)
			jv->count[n]++;
		err = json_object_get(o, "error");
		if (json_is_object(err)) {
			jv->errors++;
			if (!strcmp(json_string_value(json_object_get(err, "stage")), "model"))
				jv->model_errors++;
			else
				jv->judge_errors++;
		}
		if (json_is_integer(json_object_get(o, "score")))
			jv->scored++;
		json_decref(o);
	}
	free(text);
}

void journal_free(journal_view *jv)
{
	free(jv->count);
}

/* Every item of [0, n) exactly once, nothing torn or corrupt. */
void assert_exactly_once(const char *dir, size_t n)
{
	journal_view jv;
	size_t i;

	journal_read(&jv, dir, n);
	assert_int_equal(jv.bad, 0);
	assert_false(jv.torn);
	assert_int_equal(jv.lines, n);
	for (i = 0; i < n; i++)
		assert_int_equal(jv.count[i], 1);
	journal_free(&jv);
}

msb_eval_stats stats0(void)
{
	msb_eval_stats st;
	memset(&st, 0, sizeof st);
	st.version = MSB_EVAL_STATS_VERSION;
	return st;
}

msb_eval_options opts_for(const char *dir)
{
	msb_eval_options o;
	msb_eval_options_init(&o, MSB_EVAL_OPTIONS_VERSION);
	o.out_dir = dir;
	o.concurrency = 4;
	o.judge_concurrency = 4;
	o.fsync_interval_ms = 50;
	return o;
}

int eval_setup(void **state)
{
	(void)state;
	return msb_init() < 0;
}

int eval_teardown(void **state)
{
	(void)state;
	msb_shutdown();
	return 0;
}
