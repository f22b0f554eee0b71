/*
 * tests/report/make_report.c - write a report of a fixed, synthetic run
 * (public API only), for the browser test and for looking at.
 * Usage: make_report FORMAT OUTPUT   (FORMAT: json, md, csv, html)
 */
#include <stdio.h>
#include <stdlib.h>

#include <medsafety/medsafety.h>

int main(int argc, char **argv)
{
	/* per principle: shares (of 100) of scores 1..5; principle 9 has only unscored items */
	static const int mix[9][5] = {
		{ 70, 10, 8, 7, 5 }, { 55, 15, 10, 12, 8 }, { 80, 8, 5, 4, 3 },
		{ 40, 20, 15, 15, 10 }, { 62, 12, 11, 9, 6 }, { 30, 20, 20, 15, 15 },
		{ 75, 10, 5, 5, 5 }, { 50, 20, 10, 10, 10 }, { 0, 0, 0, 0, 0 },
	};
	msb_report_options ro = MSB_REPORT_OPTIONS_INIT;
	msb_score_record r = MSB_SCORE_RECORD_INIT;
	msb_scorer *s;
	char id[48];
	int p, i, k, format, rc;

	if (argc != 3) {
		fprintf(stderr, "usage: make_report FORMAT OUTPUT\n");
		return 2;
	}
	if ((format = msb_report_format_from_name(argv[1])) < 0 || msb_scorer_new(&s, NULL) < 0) {
		fprintf(stderr, "make_report: %s\n", msb_error_last()->message);
		return 2;
	}
	for (p = 1; p <= 9; p++) {
		int n = 0;

		for (k = 0; k < 5; k++) {
			for (i = 0; i < mix[p - 1][k] * (p % 2 ? 2 : 1); i++, n++) {
				snprintf(id, sizeof id, "test/%s/%d/%d", n % 2 ? "gpt4" : "llama2", p, n);
				r.id = id;
				r.principle = p;
				r.category = p;
				r.source = n % 2 ? "gpt4" : "llama2";
				r.split = "test";
				r.score = k + 1;
				r.error = (n % 37) == 5;
				if (msb_scorer_add(s, &r) < 0)
					goto fail;
			}
		}
		if (p == 9) {
			for (i = 0; i < 12; i++) {
				snprintf(id, sizeof id, "test/gpt4/9/%d", i);
				r.id = id;
				r.principle = 9;
				r.category = 9;
				r.source = "gpt4";
				r.score = 0;
				r.error = i % 3 == 0;
				if (msb_scorer_add(s, &r) < 0)
					goto fail;
			}
		}
	}
	/* a few HEx-PHI items with their own categories, and a source name that needs escaping */
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof id, "hexphi/%d/%d", i % 4 + 1, i);
		r.id = id;
		r.principle = 0;
		r.category = i % 4 + 1;
		r.source = "hexphi";
		r.split = "test";
		r.score = i % 5 + 1;
		r.error = 0;
		if (msb_scorer_add(s, &r) < 0)
			goto fail;
	}
	r.id = "odd/1";
	r.source = "<odd & \"source\">";
	r.category = 0;
	r.score = 2;
	if (msb_scorer_add(s, &r) < 0)
		goto fail;
	ro.title = "MedSafetyBench report: example run";
	ro.subtitle = "model: example/model \xc2\xb7 judge: refusal (offline rules)";
	if ((rc = msb_report_write(s, format, argv[2], &ro)) < 0)
		goto fail;
	msb_scorer_free(s);
	return 0;
fail:
	fprintf(stderr, "make_report: %s\n", msb_error_last()->message);
	msb_scorer_free(s);
	return 1;
}
