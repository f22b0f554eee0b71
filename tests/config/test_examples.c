/*
 * tests/config/test_examples.c - every configuration in examples/ parses
 * and validates (the files named on the command line).
 */
#include <stdio.h>

#include "config/config.h"

int main(int argc, char **argv)
{
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: test_examples FILE.yaml...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		cli_config *cfg;
		const char *spec = NULL;
		if (cli_config_load(&cfg, argv[i]) < 0) {
			printf("FAIL %s: %s\n", argv[i], cli_config_message());
			failed = 1;
			continue;
		}
		/* every example names its model and judge: nothing left to defaults */
		if (cli_config_get_string(&spec, cfg, "model.spec") < 0 ||
		    cli_config_kind(cfg, "judge") == CLI_CONFIG_NONE) {
			printf("FAIL %s: no model.spec or no judge\n", argv[i]);
			failed = 1;
		} else {
			printf("ok   %s (model %s)\n", argv[i], spec);
		}
		cli_config_free(cfg);
	}
	return failed;
}
