/*
 * fuzz/fuzz_config.c - the YAML run-configuration reader on arbitrary
 * bytes: parse and validate, then exercise the getters, an override and
 * the JSON export on what was accepted. With libFuzzer (clang
 * -fsanitize=fuzzer) or the standalone driver below (files named on the
 * command line; tests/fixtures/config/ is a seed corpus).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "medsafety/medsafety.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "model.spec", "judge.0.spec", "judge.1.temperature",
		"dataset.principles", "run.concurrency", "model.headers", "report.formats" };
	msb_config *cfg;
	const char *s;
	long long i;
	double d;
	char **list, *json;
	size_t k;

	if (msb_config_parse(&cfg, (const char *)data, size, "fuzz.yaml") < 0)
		return 0;
	for (k = 0; k < sizeof paths / sizeof *paths; k++) {
		msb_config_get_string(&s, cfg, paths[k]);
		msb_config_get_int(&i, cfg, paths[k]);
		msb_config_get_double(&d, cfg, paths[k]);
		if (msb_config_get_strings(&list, NULL, cfg, paths[k]) == 0)
			msb_free(list);
		if (msb_config_get_keys(&list, NULL, cfg, paths[k]) == 0)
			msb_free(list);
	}
	msb_config_set(cfg, "run.concurrency", "3", "--concurrency");
	msb_config_append(cfg, "report.formats", "md,csv", "--format");
	if (msb_config_validate(cfg) < 0)
		abort(); /* a valid configuration stays valid under valid overrides */
	if (msb_config_to_json(&json, cfg) == 0)
		msb_free(json);
	msb_config_free(cfg);
	return 0;
}

#ifdef MSB_FUZZ_STANDALONE
int main(int argc, char **argv)
{
	static uint8_t data[1 << 20];
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(data, 1, sizeof data, f);
		fclose(f);
		LLVMFuzzerTestOneInput(data, n);
	}
	return 0;
}
#endif
