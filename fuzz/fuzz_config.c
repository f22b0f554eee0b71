/*
 * fuzz/fuzz_config.c - the CLI's YAML run configuration (cli/config,
 * libyaml underneath): cli_config_parse on the bytes, then validation, the
 * typed getters over every key the input has, the overrides the CLI's
 * flags make, and the JSON export for run.json. The configuration code
 * allocates with malloc, not through the library's allocator, so its
 * leaks are LeakSanitizer's to find (the fuzz build has it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "fuzz.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_config: %s\n", what);
	abort();
}

/* Read every value under `path` with every getter; recurse into mappings. */
static void walk(const cli_config *cfg, const char *path, int depth)
{
	char **keys = NULL, sub[512];
	size_t n = 0, i;
	const char *s;
	long long iv;
	double dv;
	int bv;

	if (depth > 8)
		return;
	(void)cli_config_get_string(&s, cfg, path);
	(void)cli_config_get_int(&iv, cfg, path);
	(void)cli_config_get_double(&dv, cfg, path);
	(void)cli_config_get_bool(&bv, cfg, path);
	{
		char **list = NULL;
		size_t k = 0;
		if (cli_config_get_strings(&list, &k, cfg, path) == 0) {
			if (!list || list[k] != NULL)
				fail("a string list is not NULL-terminated at its count");
			free(list);
		}
	}
	if (cli_config_get_keys(&keys, &n, cfg, path) != 0)
		return;
	for (i = 0; i < n; i++) {
		if (!keys[i])
			fail("a key list has a NULL before its count");
		if (snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", keys[i]) < (int)sizeof sub)
			walk(cfg, sub, depth + 1);
	}
	free(keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cli_config *cfg = NULL;
	char *json = NULL;
	int rc;

	msb_fuzz_setup();
	rc = cli_config_parse(&cfg, (const char *)data, size, "fuzz.yaml");
	if (rc < 0) {
		if (cfg)
			fail("a failed parse left a configuration in *out");
		if (cli_config_code() != rc || !cli_config_message()[0])
			fail("a failed parse did not set its error message");
	} else {
		int valid = cli_config_validate(cfg) == 0;
		walk(cfg, "", 0);
		/* overrides as the CLI's flags make them; a valid configuration stays valid */
		if (cli_config_set(cfg, "run.concurrency", "3", "--concurrency") == 0 &&
		    cli_config_append(cfg, "report.formats", "md,csv", "--format") == 0 && valid &&
		    cli_config_validate(cfg) != 0)
			fail("valid overrides made a valid configuration invalid");
		if (cli_config_to_json(&json, cfg) == 0 && !json)
			fail("to_json succeeded without a string");
		free(json);
		cli_config_free(cfg);
	}
	return 0;
}
