/*
 * fuzz/fuzz_runinfo.c - run.json through the public reader
 * (msb_run_info_open, _fields, _string, _json, _usage, _cost): whatever the file holds,
 * a clean error or a handle whose fields are within their documented
 * ranges, and no leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/runfolder.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_runinfo: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "status", "model.identity", "config.dataset.shard",
		"dataset.shard.index", "", ".", "a..b" };
	msb_run_info *ri = NULL;
	msb_run_fields f = { .version = MSB_RUN_FIELDS_VERSION };
	const char *path;
	char *json = NULL;
	size_t i;

	msb_fuzz_setup();
	path = msb_fuzz_file(data, size, "run.json");
	if (!path)
		return 0;
	if (msb_run_info_open(&ri, path) < 0) {
		if (ri)
			fail("failure left a handle in *out");
		msb_fuzz_check_leaks("fuzz_runinfo");
		return 0;
	}
	if (msb_run_info_fields(&f, ri) != 0)
		fail("fields of an open handle failed");
	if (f.epochs < 1 || f.shard_count < 1 || f.shard_index >= f.shard_count)
		fail("fields outside their documented ranges");
	for (i = 0; i < sizeof paths / sizeof *paths; i++)
		(void)msb_run_info_string(ri, paths[i]);
	if (msb_run_info_json(&json, ri) != 0 || !json)
		fail("the document of an open handle could not be dumped");
	for (i = 0; i < 2; i++) {
		/* the usage per stage (issue 21): counts are -1 (not reported) or more, online <= all */
		msb_run_usage u = { .version = MSB_RUN_USAGE_VERSION };
		msb_run_cost c = { .version = MSB_RUN_COST_VERSION };
		if (msb_run_info_usage(ri, (int)i, &u) != 0 || msb_run_info_cost(ri, (int)i, &c) != 0)
			fail("usage or cost of an open handle failed");
		if (u.prompt_tokens < -1 || u.reasoning_tokens < -1 || u.cached_tokens < -1 ||
		    u.online_prompt_tokens > u.prompt_tokens || u.batch_discount < 0 ||
		    u.batch_discount > 1 || c.present)
			fail("usage outside its documented ranges (or a cost.json out of nowhere)");
	}
	msb_free(json);
	msb_run_info_free(ri);
	msb_fuzz_check_leaks("fuzz_runinfo");
	return 0;
}
