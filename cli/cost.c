/* cli/cost.c - see cost.h. Prices are dollars per million tokens. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* One stage's tokens and cost, as cost.json and the terminal line show them. */
typedef struct stage_cost {
	const char *spec;
	const cli_price *p;
	msb_run_usage u;
	double discount;            /* the factor on the batch tokens' price */
	double online, batch, cost; /* dollars; cost = online + batch */
	int priced;                 /* 1: a price and tokens; 0: cost 0 (no tokens) or unknown */
} stage_cost;

static long long nz(long long v)
{
	return v > 0 ? v : 0;
}

/*
 * online tokens x price + batch tokens x price x discount, the tokens
 * those run.json reports (msb_run_info_usage: the batch part from its
 * "batch" block, the online part the rest).
 */
static void stage_price(stage_cost *sc, double *total, int *unpriced)
{
	int has = sc->u.records > 0;

	sc->online = sc->batch = sc->cost = 0;
	sc->priced = 0;
	if (sc->p && has) {
		sc->online = ((double)nz(sc->u.online_prompt_tokens) * sc->p->in +
		    (double)nz(sc->u.online_completion_tokens) * sc->p->out) / 1e6;
		sc->batch = ((double)sc->u.batch_prompt_tokens * sc->p->in +
		    (double)sc->u.batch_completion_tokens * sc->p->out) / 1e6 * sc->discount;
		sc->cost = sc->online + sc->batch;
		sc->priced = 1;
		*total += sc->cost;
	} else if (has) {
		*unpriced = 1; /* tokens without a price: the total is not known */
	}
}

static json_t *cost_or_null(const stage_cost *sc, double v)
{
	return sc->priced ? json_real(v) : sc->u.records > 0 ? json_null() : json_integer(0);
}

static json_t *stage_json(const stage_cost *sc)
{
	json_t *o = json_object(), *on = json_object();

	if (!o || !on) {
		json_decref(o);
		json_decref(on);
		return NULL;
	}
	json_object_set_new(o, "spec", json_string(sc->spec));
	json_object_set_new(o, "records", json_integer(sc->u.records));
	json_object_set_new(o, "prompt_tokens", json_integer(nz(sc->u.prompt_tokens)));
	json_object_set_new(o, "completion_tokens", json_integer(nz(sc->u.completion_tokens)));
	json_object_set_new(on, "prompt_tokens", json_integer(nz(sc->u.online_prompt_tokens)));
	json_object_set_new(on, "completion_tokens", json_integer(nz(sc->u.online_completion_tokens)));
	json_object_set_new(on, "cost", cost_or_null(sc, sc->online));
	json_object_set_new(o, "online", on);
	if (sc->u.batch) {
		json_t *b = json_object();
		if (b) {
			json_object_set_new(b, "requests", json_integer(sc->u.batch_requests));
			json_object_set_new(b, "prompt_tokens", json_integer(sc->u.batch_prompt_tokens));
			json_object_set_new(b, "completion_tokens", json_integer(sc->u.batch_completion_tokens));
			json_object_set_new(b, "discount", json_real(sc->discount));
			json_object_set_new(b, "cost", cost_or_null(sc, sc->batch));
			json_object_set_new(o, "batch", b);
		}
	}
	if (sc->priced) {
		json_object_set_new(o, "price_in", json_real(sc->p->in));
		json_object_set_new(o, "price_out", json_real(sc->p->out));
	}
	json_object_set_new(o, "discount", json_real(sc->discount));
	json_object_set_new(o, "cost", cost_or_null(sc, sc->cost));
	return o;
}

/* "model $0.0012 (online 20 in + 10 out tokens, batch 80 in + 40 out at 0.5 x the price)" */
static void stage_words(char *buf, size_t size, const char *name, const stage_cost *sc)
{
	char money[64], batch[160] = "";

	if (sc->priced)
		snprintf(money, sizeof money, "$%.4f", sc->cost);
	else
		snprintf(money, sizeof money, "%s", sc->u.records > 0 ? "no price" : "$0");
	if (sc->u.batch)
		snprintf(batch, sizeof batch, ", batch %lld in + %lld out at %g x the price",
		    sc->u.batch_prompt_tokens, sc->u.batch_completion_tokens, sc->discount);
	snprintf(buf, size, "%s %s (online %lld in + %lld out tokens%s)", name, money,
	    nz(sc->u.online_prompt_tokens), nz(sc->u.online_completion_tokens), batch);
}

int cli_run_cost(const char *dir, const cli_config *cfg, const cli_prices *ps,
    const cli_cost_discount *discount, int quiet, FILE *f)
{
	msb_run_info *ri = NULL;
	stage_cost m, j;
	char jspec[512], mw[512], jw[512], path[4200], *text;
	double total = 0;
	int unpriced = 0, rc;
	json_t *o;

	if (!ps || !ps->n)
		return 0;
	memset(&m, 0, sizeof m);
	memset(&j, 0, sizeof j);
	m.u.version = j.u.version = MSB_RUN_USAGE_VERSION;
	/* the tokens run.json holds (msb_run_info_usage), not a second reading of the journal */
	if ((rc = msb_run_info_open(&ri, dir)) < 0 ||
	    (rc = msb_run_info_usage(ri, MSB_STAGE_MODEL, &m.u)) < 0 ||
	    (rc = msb_run_info_usage(ri, MSB_STAGE_JUDGE, &j.u)) < 0) {
		msb_run_info_free(ri);
		return cli_lib_error("run", rc);
	}
	msb_run_info_free(ri);
	m.spec = "replay";
	cli_config_get_string(&m.spec, cfg, "model.spec");
	m.p = cli_http_spec(m.spec, NULL) ? cli_price_find(ps, m.spec) : NULL;
	j.p = judge_price(cfg, ps, jspec, sizeof jspec);
	j.spec = jspec;
	m.discount = discount ? discount->model : m.u.batch_discount;
	j.discount = discount ? discount->judge : j.u.batch_discount;
	stage_price(&m, &total, &unpriced);
	stage_price(&j, &total, &unpriced);
	if (!(o = json_object()))
		return cli_lib_error("run", MSB_ENOMEM);
	json_object_set_new(o, "currency", json_string("USD"));
	json_object_set_new(o, "per", json_string("million tokens"));
	json_object_set_new(o, "model", stage_json(&m));
	json_object_set_new(o, "judge", stage_json(&j));
	json_object_set_new(o, "total", unpriced ? json_null() : json_real(total));
	if (unpriced)
		json_object_set_new(o, "priced_part", json_real(total));
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (!text)
		return cli_lib_error("run", MSB_ENOMEM);
	snprintf(path, sizeof path, "%s/cost.json", dir);
	rc = cli_write_text(path, text);
	free(text);
	if (rc < 0) {
		fprintf(stderr, "medsafety run: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (!quiet) {
		stage_words(mw, sizeof mw, "model", &m);
		stage_words(jw, sizeof jw, "judge", &j);
		fprintf(f, "cost: %s, %s: $%.4f%s (%s/cost.json)\n", mw, jw, total,
		    unpriced ? " for the priced stages" : "", dir);
	}
	return 0;
}
