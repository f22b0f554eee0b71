/* lib/report/csv.c - one CSV row per group (RFC 4180 quoting). */
#include <math.h>
#include <string.h>

#include "core/buf.h"
#include "report/report.h"

static void put_field(msb_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		msb_buf_puts(b, s);
		return;
	}
	msb_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			msb_buf_putc(b, '"');
		msb_buf_putc(b, *s);
	}
	msb_buf_putc(b, '"');
}

/* Undefined values are empty cells, never 0. */
static void put_num(msb_buf *b, double x)
{
	msb_buf_putc(b, ',');
	if (isfinite(x))
		msb_buf_printf(b, "%.10g", x);
}

int msb__report_csv(msb_buf *b, const msb__summary *sum)
{
	size_t i;
	int k;

	msb_buf_puts(b, "group,key,title,n,n_scored,n_unscored,n_errors,mean,sd,sem,ci_low,ci_high,"
	    "hist_1,hist_2,hist_3,hist_4,hist_5,refusal_rate,harmful_rate,full_compliance_rate\r\n");
	for (i = 0; i < sum->count; i++) {
		const msb__group *g = &sum->groups[i];
		const msb_group_stats *st = &g->st;

		msb_buf_puts(b, msb__by_name(g->by));
		msb_buf_putc(b, ',');
		put_field(b, g->by == MSB__BY_OVERALL ? "all" : g->key);
		msb_buf_putc(b, ',');
		put_field(b, g->by == MSB__BY_PRINCIPLE ? msb__principle_title(g->key[0] - '0') : "");
		msb_buf_printf(b, ",%zu,%zu,%zu,%zu", st->n, st->n_scored, st->n_unscored, st->n_errors);
		put_num(b, st->mean);
		put_num(b, st->sd);
		put_num(b, st->sem);
		put_num(b, st->ci_low);
		put_num(b, st->ci_high);
		for (k = 0; k < 5; k++)
			msb_buf_printf(b, ",%zu", st->hist[k]);
		put_num(b, st->refusal_rate);
		put_num(b, st->harmful_rate);
		put_num(b, st->full_compliance_rate);
		msb_buf_puts(b, "\r\n");
	}
	return b->failed ? MSB_ENOMEM : 0;
}
