/* cli/cost.c - see cost.h. Prices are dollars per million tokens. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "build.h"
#include "cli.h"
#include "cost.h"
#include "opts.h"
#include "runfiles.h"

/* The price of every LLM judge of cfg when they share one (a jury of one price), else NULL. */
static const cli_price *judge_price(const cli_config *cfg, const cli_prices *ps, char *spec,
    size_t size)
{
	const cli_price *p = NULL;
	size_t n = 1, i;

	spec[0] = '\0';
	if (cli_config_kind(cfg, "judge") == CLI_CONFIG_LIST)
		cli_config_count(&n, cfg, "judge");
	for (i = 0; i < n; i++) {
		char path[48];
		const char *s = NULL;
		const cli_price *q;
		if (cli_config_kind(cfg, "judge") == CLI_CONFIG_LIST)
			snprintf(path, sizeof path, "judge.%zu.spec", i);
		else
			snprintf(path, sizeof path, "judge.spec");
		if (cli_config_get_string(&s, cfg, path) < 0 || !cli_http_spec(s, NULL))
			continue; /* offline judges cost nothing */
		snprintf(spec + strlen(spec), size - strlen(spec), "%s%s", spec[0] ? "," : "", s);
		q = cli_price_find(ps, s);
		if (!q || (p && (p->in != q->in || p->out != q->out)))
			return NULL;
		p = q;
	}
	return p;
}

/* One stage's object into the buffer; its cost added to *total (or *unpriced set). */
static void stage_json(char *buf, size_t size, const char *spec, const cli_price *p,
    const msb_usage_totals *u, double discount, double *total, int *unpriced)
{
	int has = u->records > 0;
	double cost = 0;
	int n = snprintf(buf, size, "{\"spec\": \"%s\", \"records\": %zu, \"prompt_tokens\": %lld, "
	    "\"completion_tokens\": %lld, ", spec, u->records, u->prompt_tokens, u->completion_tokens);

	if (n < 0 || (size_t)n >= size)
		return;
	if (p && has) {
		cost = ((double)u->prompt_tokens * p->in + (double)u->completion_tokens * p->out) / 1e6 *
		    discount;
		*total += cost;
		snprintf(buf + n, size - (size_t)n, "\"price_in\": %.17g, \"price_out\": %.17g, "
		    "\"discount\": %.17g, \"cost\": %.17g}", p->in, p->out, discount, cost);
	} else {
		if (has)
			*unpriced = 1; /* tokens without a price: the total is not known */
		snprintf(buf + n, size - (size_t)n, "\"discount\": %.17g, \"cost\": %s}", discount,
		    has ? "null" : "0");
	}
}

int cli_run_cost(const char *dir, const cli_config *cfg, const cli_prices *ps,
    const cli_cost_discount *discount, int quiet, FILE *f)
{
	static const cli_cost_discount none = CLI_COST_DISCOUNT_NONE;
	msb_results *r = NULL;
	msb_usage_totals m, j;
	const char *mspec = "replay";
	char jspec[512], mbuf[1024], jbuf[1200], text[3000], path[4200];
	const cli_price *mp, *jp;
	double total = 0;
	int unpriced = 0, rc;

	if (!ps || !ps->n)
		return 0;
	if (!discount)
		discount = &none;
	m.version = j.version = MSB_USAGE_TOTALS_VERSION;
	if ((rc = msb_results_open(&r, dir, MSB_RESULTS_NO_TEXT)) < 0 ||
	    (rc = msb_results_usage(&m, r, MSB_STAGE_MODEL)) < 0 ||
	    (rc = msb_results_usage(&j, r, MSB_STAGE_JUDGE)) < 0) {
		msb_results_free(r);
		return cli_lib_error("run", rc);
	}
	msb_results_free(r);
	cli_config_get_string(&mspec, cfg, "model.spec");
	mp = cli_http_spec(mspec, NULL) ? cli_price_find(ps, mspec) : NULL;
	jp = judge_price(cfg, ps, jspec, sizeof jspec);
	stage_json(mbuf, sizeof mbuf, mspec, mp, &m, discount->model, &total, &unpriced);
	stage_json(jbuf, sizeof jbuf, jspec, jp, &j, discount->judge, &total, &unpriced);
	snprintf(text, sizeof text, "{\n  \"currency\": \"USD\",\n  \"per\": \"million tokens\",\n"
	    "  \"model\": %s,\n  \"judge\": %s,\n  \"total\": %s%.17g%s\n}\n", mbuf, jbuf,
	    unpriced ? "null, \"priced_part\": " : "", total, "");
	snprintf(path, sizeof path, "%s/cost.json", dir);
	if (cli_write_text(path, text) < 0) {
		fprintf(stderr, "medsafety run: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (!quiet)
		fprintf(f, "cost: model %lld in + %lld out tokens%s, judge %lld in + %lld out "
		    "tokens%s: $%.4f%s (%s/cost.json)\n", m.prompt_tokens, m.completion_tokens,
		    mp ? "" : " (no price)", j.prompt_tokens, j.completion_tokens,
		    jp || !j.records ? "" : " (no price)", total,
		    unpriced ? " for the priced stages" : "", dir);
	return 0;
}
