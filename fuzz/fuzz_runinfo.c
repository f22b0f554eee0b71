/*
 * fuzz/fuzz_runinfo.c - run.json through the public reader
 * (msb_run_info_open, _fields, _string, _json): whatever the file holds,
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
	msb_free(json);
	msb_run_info_free(ri);
	msb_fuzz_check_leaks("fuzz_runinfo");
	return 0;
}
