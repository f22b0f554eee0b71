/*
 * tests/runfolder/test_runusage.c - msb_run_info_usage and msb_run_info_cost
 * on hand-written run.json / cost.json files: the totals, "not reported"
 * as -1, the batch part and the online rest (worked out by hand below),
 * a stale cost.json (other tokens) not taken, version and argument checks.
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

#include "medsafety/medsafety.h"

static void tmpdir(char *out, size_t size)
{
	snprintf(out, size, "/tmp/msb-runusage-XXXXXX");
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

static const char RUN_JSON[] =
    "{\"status\": \"finished\",\n"
    " \"usage\": {\"model\": {\"records\": 3, \"prompt_tokens\": 30, \"completion_tokens\": 24,\n"
    "                      \"reasoning_tokens\": null, \"cached_tokens\": 6, \"cache_hits\": 2},\n"
    "           \"judge\": {\"records\": 0, \"prompt_tokens\": 0, \"completion_tokens\": 0,\n"
    "                      \"reasoning_tokens\": null, \"cached_tokens\": null}},\n"
    " \"batch\": {\"discount\": 0.5, \"model\": {\"batches\": [], \"requests\": 3, \"succeeded\": 2,\n"
    "           \"failed\": 1, \"prompt_tokens\": 20, \"completion_tokens\": 16, \"discount\": 0.5}}}\n";

static void test_usage(void **state)
{
	char dir[64];
	msb_run_info *ri = NULL;
	msb_run_usage m = { .version = MSB_RUN_USAGE_VERSION }, j = { .version = MSB_RUN_USAGE_VERSION };

	(void)state;
	tmpdir(dir, sizeof dir);
	write_file(dir, "run.json", RUN_JSON);
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_usage(ri, MSB_STAGE_MODEL, &m), 0);
	assert_int_equal(m.reported, 1);
	assert_int_equal(m.records, 3);
	assert_int_equal(m.prompt_tokens, 30);
	assert_int_equal(m.completion_tokens, 24);
	assert_int_equal(m.reasoning_tokens, -1); /* null: not reported */
	assert_int_equal(m.cached_tokens, 6);
	assert_int_equal(m.cache_hits, 2);
	assert_int_equal(m.batch, 1);
	assert_int_equal(m.batch_requests, 3);
	assert_int_equal(m.batch_prompt_tokens, 20);
	assert_int_equal(m.batch_completion_tokens, 16);
	assert_int_equal(m.online_prompt_tokens, 10);    /* 30 - 20 */
	assert_int_equal(m.online_completion_tokens, 8); /* 24 - 16 */
	assert_true(m.batch_discount == 0.5);
	/* the judge: no record reported tokens, no batch */
	assert_int_equal(msb_run_info_usage(ri, MSB_STAGE_JUDGE, &j), 0);
	assert_int_equal(j.reported, 1);
	assert_int_equal(j.records, 0);
	assert_int_equal(j.prompt_tokens, -1);
	assert_int_equal(j.completion_tokens, -1);
	assert_int_equal(j.online_prompt_tokens, -1);
	assert_int_equal(j.batch, 0);
	assert_true(j.batch_discount == 1.0);
	/* errors */
	assert_int_equal(msb_run_info_usage(ri, 2, &m), MSB_EINVAL);
	assert_int_equal(msb_run_info_usage(NULL, 0, &m), MSB_EINVAL);
	m.version = 99;
	assert_int_equal(msb_run_info_usage(ri, 0, &m), MSB_EVERSION);
	msb_run_info_free(ri);
	/* a running run: no usage */
	write_file(dir, "run.json", "{\"status\": \"running\"}");
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	m.version = MSB_RUN_USAGE_VERSION;
	assert_int_equal(msb_run_info_usage(ri, 0, &m), 0);
	assert_int_equal(m.reported, 0);
	assert_int_equal(m.prompt_tokens, -1);
	msb_run_info_free(ri);
	rmtree(dir);
}

static void test_cost(void **state)
{
	char dir[64], path[200];
	msb_run_info *ri = NULL;
	msb_run_cost c = { .version = MSB_RUN_COST_VERSION };

	(void)state;
	tmpdir(dir, sizeof dir);
	write_file(dir, "run.json", RUN_JSON);
	/* no cost.json: not present */
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_cost(ri, MSB_STAGE_MODEL, &c), 0);
	assert_int_equal(c.present, 0);
	msb_run_info_free(ri);
	/*
	 * prices $2 / $4: online (10*2 + 8*4)/1e6 = 52e-6, batch (20*2 + 16*4)/1e6 * 0.5 = 52e-6;
	 * the judge had no tokens (cost 0); total 104e-6
	 */
	write_file(dir, "cost.json",
	    "{\"currency\": \"USD\", \"model\": {\"spec\": \"openai/m\", \"records\": 3, "
	    "\"prompt_tokens\": 30, \"completion_tokens\": 24, \"online\": {\"prompt_tokens\": 10, "
	    "\"completion_tokens\": 8, \"cost\": 5.2e-05}, \"batch\": {\"prompt_tokens\": 20, "
	    "\"completion_tokens\": 16, \"discount\": 0.5, \"cost\": 5.2e-05}, \"price_in\": 2, "
	    "\"price_out\": 4, \"discount\": 0.5, \"cost\": 0.000104}, \"judge\": {\"spec\": \"\", "
	    "\"records\": 0, \"prompt_tokens\": 0, \"completion_tokens\": 0, \"discount\": 1, "
	    "\"cost\": 0}, \"total\": 0.000104}");
	/* opened by the path of run.json: the cost.json beside it */
	snprintf(path, sizeof path, "%s/run.json", dir);
	assert_int_equal(msb_run_info_open(&ri, path), 0);
	assert_int_equal(msb_run_info_cost(ri, MSB_STAGE_MODEL, &c), 0);
	assert_int_equal(c.present, 1);
	assert_int_equal(c.priced, 1);
	assert_string_equal(c.spec, "openai/m");
	assert_true(c.price_in == 2 && c.price_out == 4 && c.batch_discount == 0.5);
	assert_true(c.online_cost == 5.2e-05 && c.batch_cost == 5.2e-05 && c.cost == 0.000104);
	assert_int_equal(c.total_known, 1);
	assert_true(c.total == 0.000104);
	assert_int_equal(msb_run_info_cost(ri, MSB_STAGE_JUDGE, &c), 0);
	assert_int_equal(c.present, 1);
	assert_int_equal(c.priced, 0);
	assert_true(c.cost == 0);
	c.version = 0;
	assert_int_equal(msb_run_info_cost(ri, 0, &c), MSB_EVERSION);
	msb_run_info_free(ri);
	/* a cost.json of other tokens (an earlier session's): not this run's */
	write_file(dir, "cost.json",
	    "{\"model\": {\"prompt_tokens\": 12, \"completion_tokens\": 24, \"price_in\": 2, "
	    "\"price_out\": 4, \"cost\": 1}, \"total\": 1}");
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	c.version = MSB_RUN_COST_VERSION;
	assert_int_equal(msb_run_info_cost(ri, MSB_STAGE_MODEL, &c), 0);
	assert_int_equal(c.present, 0);
	assert_true(c.cost == 0);
	msb_run_info_free(ri);
	/* a cost.json that is not JSON: as none (run.json still opens) */
	write_file(dir, "cost.json", "{oops");
	assert_int_equal(msb_run_info_open(&ri, dir), 0);
	assert_int_equal(msb_run_info_cost(ri, MSB_STAGE_MODEL, &c), 0);
	assert_int_equal(c.present, 0);
	msb_run_info_free(ri);
	rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_cost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
