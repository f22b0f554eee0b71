/*
 * tests/config/test_examples.c - every configuration in examples/ parses
 * and validates (the files named on the command line).
 */
#include <stdio.h>

#include <medsafety/medsafety.h>

int main(int argc, char **argv)
{
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: test_examples FILE.yaml...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		msb_config *cfg;
		const char *spec = NULL;
		if (msb_config_load(&cfg, argv[i]) < 0) {
			printf("FAIL %s: %s\n", argv[i], msb_error_last()->message);
			failed = 1;
			continue;
		}
		/* every example names its model and judge: nothing left to defaults */
		if (msb_config_get_string(&spec, cfg, "model.spec") < 0 ||
		    msb_config_kind(cfg, "judge") == MSB_CONFIG_NONE) {
			printf("FAIL %s: no model.spec or no judge\n", argv[i]);
			failed = 1;
		} else {
			printf("ok   %s (model %s)\n", argv[i], spec);
		}
		msb_config_free(cfg);
	}
	return failed;
}
