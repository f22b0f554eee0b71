/*
 * lib/report/usage.c - the "Tokens and cost" section of report.md and
 * report.html (issue #21 item 5): per stage the tokens run.json reports
 * (prompt, completion, reasoning, cached; "not reported" where no record
 * had them, never a 0 that pretends) and, when the run was priced
 * (cost.json of the same tokens), the cost with the batch discount. Read
 * through the public msb_run_info_* reader, as any program would.
 */
#include <stdio.h>
#include <string.h>

#include "medsafety/results.h"
#include "medsafety/runfolder.h"
#include "report/meta.h"
#include "report/report.h"

void msb__usage_load(msb__usage_view *v, const char *dir)
{
	msb_run_info *ri = NULL;
	int k, ok = 1;

	memset(v, 0, sizeof *v);
	if (!dir || msb_run_info_open(&ri, dir) < 0)
		return; /* no run.json: no section (the error was set; not ours to report) */
	for (k = 0; k < 2 && ok; k++) {
		v->u[k].version = MSB_RUN_USAGE_VERSION;
		v->c[k].version = MSB_RUN_COST_VERSION;
		ok = msb_run_info_usage(ri, k, &v->u[k]) == 0 && msb_run_info_cost(ri, k, &v->c[k]) == 0;
		if (ok && v->c[k].spec)
			snprintf(v->spec[k], sizeof v->spec[k], "%s", v->c[k].spec);
		v->c[k].spec = NULL; /* borrowed from ri: the copy above is the one kept */
	}
	/* a run.json without "usage" (running, or older): nothing to show */
	v->present = ok && v->u[0].reported;
	v->priced = v->present && v->c[0].present && v->c[1].present;
	msb_run_info_free(ri);
}

static const char *count(char buf[32], long long n)
{
	if (n < 0)
		return "not reported";
	snprintf(buf, 32, "%lld", n);
	return buf;
}

/* The batch cell: "200 prompt + 20 completion tokens at 0.5 x the price", or "none". */
static const char *batch_cell(char *buf, size_t size, const msb_run_usage *u)
{
	if (!u->batch)
		return "none";
	snprintf(buf, size, "%lld requests; %lld prompt + %lld completion tokens at %g x the price",
	    u->batch_requests, u->batch_prompt_tokens, u->batch_completion_tokens, u->batch_discount);
	return buf;
}

/* The cost cell: "$0.000411" or "$0.000411 (online $0.0003 + batch $0.000111)", or why none. */
static const char *cost_cell(char *buf, size_t size, const msb_run_usage *u, const msb_run_cost *c)
{
	if (!c->present)
		return "no prices given";
	if (u->records <= 0)
		return "$0 (no tokens)";
	if (!c->priced)
		return "no price for this stage";
	if (u->batch)
		snprintf(buf, size, "$%.6f (online $%.6f + batch $%.6f; $%g / $%g per million prompt / "
		    "completion tokens)", c->cost, c->online_cost, c->batch_cost, c->price_in, c->price_out);
	else
		snprintf(buf, size, "$%.6f ($%g / $%g per million prompt / completion tokens)", c->cost,
		    c->price_in, c->price_out);
	return buf;
}

typedef struct row {
	char stage[300], records[32], prompt[32], completion[32], reasoning[32], cached[32];
	char batch[300], cost[300];
	const char *cell[8]; /* the above in HEAD's order */
} row;

static void fill(row *r, const msb__usage_view *v, int k)
{
	const msb_run_usage *u = &v->u[k];
	char tmp[32], big[300];

	snprintf(r->stage, sizeof r->stage, "%s%s%s%s", k ? "Judge" : "Model", v->spec[k][0] ? " (" : "",
	    v->spec[k], v->spec[k][0] ? ")" : "");
	snprintf(r->records, sizeof r->records, "%lld", u->records);
	snprintf(r->prompt, sizeof r->prompt, "%s", count(tmp, u->prompt_tokens));
	snprintf(r->completion, sizeof r->completion, "%s", count(tmp, u->completion_tokens));
	snprintf(r->reasoning, sizeof r->reasoning, "%s", count(tmp, u->reasoning_tokens));
	snprintf(r->cached, sizeof r->cached, "%s", count(tmp, u->cached_tokens));
	snprintf(r->batch, sizeof r->batch, "%s", batch_cell(big, sizeof big, u));
	snprintf(r->cost, sizeof r->cost, "%s", cost_cell(big, sizeof big, u, &v->c[k]));
	r->cell[0] = r->stage, r->cell[1] = r->records, r->cell[2] = r->prompt;
	r->cell[3] = r->completion, r->cell[4] = r->reasoning, r->cell[5] = r->cached;
	r->cell[6] = r->batch, r->cell[7] = r->cost;
}

static const char *const HEAD[] = { "Stage", "Records with tokens", "Prompt tokens",
	"Completion tokens", "Reasoning tokens", "Cached prompt tokens", "Through a batch API",
	"Cost (USD)" };

/* The lines under the table: cache hits, the total, what the numbers are. */
static void notes(msb_buf *b, const msb__usage_view *v, int html)
{
	const char *p = html ? "<p>" : "", *e = html ? "</p>\n" : "\n\n";

	if (v->u[0].cache_hits > 0 || v->u[1].cache_hits > 0)
		msb_buf_printf(b, "%sTaken from the response cache (--cache), paid by an earlier run and "
		    "not counted here: %lld answers, %lld verdicts.%s", p, v->u[0].cache_hits,
		    v->u[1].cache_hits, e);
	if (v->priced)
		msb_buf_printf(b, "%sTotal cost: $%.6f%s.%s", p, v->c[0].total,
		    v->c[0].total_known ? "" : " for the priced stages (a stage had tokens but no price)", e);
	msb_buf_printf(b, "%sTokens as the servers reported them, summed over the run folder's records "
	    "(all sessions of a resumed run, each answer once). Reasoning tokens are part of the "
	    "completion tokens, cached tokens part of the prompt tokens; \"not reported\": no record "
	    "had the count. The cost is the measured tokens times the prices given to medsafety run "
	    "(cost.json), batch tokens times the batch discount; cached prompt tokens at the full "
	    "price.%s", p, e);
}

void msb__usage_markdown(msb_buf *b, const msb__usage_view *v)
{
	size_t i;
	int k;

	if (!v->present)
		return;
	msb_buf_puts(b, "\n## Tokens and cost\n\n|");
	for (i = 0; i < sizeof HEAD / sizeof *HEAD; i++)
		msb_buf_printf(b, " %s |", HEAD[i]);
	msb_buf_puts(b, "\n|---|---:|---:|---:|---:|---:|---|---|\n");
	for (k = 0; k < 2; k++) {
		row r;
		fill(&r, v, k);
		msb_buf_puts(b, "|");
		for (i = 0; i < 8; i++) {
			msb_buf_puts(b, " ");
			msb__report_md_cell(b, r.cell[i]);
			msb_buf_puts(b, " |");
		}
		msb_buf_puts(b, "\n");
	}
	msb_buf_puts(b, "\n");
	notes(b, v, 0);
}

void msb__usage_html(msb_buf *b, const msb__usage_view *v)
{
	size_t i;
	int k;

	if (!v->present)
		return;
	msb_buf_puts(b, "<section id=\"tokens-cost\">\n<h2>Tokens and cost</h2>\n<table class=\"usage\">\n"
	    "<thead><tr>");
	for (i = 0; i < sizeof HEAD / sizeof *HEAD; i++)
		msb_buf_printf(b, "<th scope=\"col\">%s</th>", HEAD[i]);
	msb_buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (k = 0; k < 2; k++) {
		row r;
		fill(&r, v, k);
		msb_buf_puts(b, "<tr>");
		for (i = 0; i < 8; i++) {
			msb_buf_puts(b, i == 0 ? "<th scope=\"row\">" : i < 6 ? "<td class=\"num\">" : "<td>");
			msb__report_html_esc(b, r.cell[i]);
			msb_buf_puts(b, i == 0 ? "</th>" : "</td>");
		}
		msb_buf_puts(b, "</tr>\n");
	}
	msb_buf_puts(b, "</tbody>\n</table>\n");
	notes(b, v, 1);
	msb_buf_puts(b, "</section>\n");
}
