/*
 * cli/dryrun.h - what `medsafety run --dry-run` prints: model and judge
 * requests and tokens, and their cost when prices are given (--price
 * MODEL=IN,OUT per million tokens, or --prices FILE). No built-in prices.
 */
#ifndef MEDSAFETY_CLI_DRYRUN_H
#define MEDSAFETY_CLI_DRYRUN_H

#include <stdio.h>

#include <medsafety/medsafety.h>
#include "config/config.h"

#define CLI_MAX_PRICES 64

typedef struct cli_price {
	char model[128];    /* "gpt-4o-mini" (or a whole SPEC, "openai/gpt-4o-mini") */
	double in, out;     /* per million input / output tokens */
} cli_price;

typedef struct cli_prices {
	cli_price p[CLI_MAX_PRICES];
	size_t n;
} cli_prices;

/* Add "MODEL=IN,OUT" (a later one for the same model wins). 0, or -1 after one line on stderr. */
int cli_prices_add(cli_prices *ps, const char *arg, const char *where);

/* The price of a SPEC ("openai/m") or of its model name ("m"); NULL when none. */
const cli_price *cli_price_find(const cli_prices *ps, const char *spec);

/* Add every "MODEL=IN,OUT" line of a file ('#' comments, blank lines). 0, or -1 after one line. */
int cli_prices_load(cli_prices *ps, const char *path);

/*
 * Print the dry run's counts: model requests and tokens (from st), judge
 * requests and tokens (each LLM judge of cfg asked once per answer, its
 * prompt rendered for every item of ds), and the cost where ps has a
 * price for the model. 0, or a CLI exit status.
 */
int cli_dry_run_print(FILE *f, const msb_eval_stats *st, const msb_eval_options *eo,
    const cli_config *cfg, const msb_dataset *ds, const cli_prices *ps, const char *prog);

#endif
