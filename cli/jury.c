/*
 * cli/jury.c - agreement between the members of a jury, from the records
 * of a finished run: each jury verdict keeps its members' verdicts as a
 * JSON array in "raw" (docs/judges.md), so no judge is asked again.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <medsafety/medsafety.h>

#include "jury.h"

/* The members' verdicts of a record, when its judge was a jury; else NULL. New. */
static json_t *members_of(const msb_record *rec)
{
	msb_record_info info = MSB_RECORD_INFO_INIT;
	const char *name, *raw;
	json_t *a;

	if (msb_record_info_get(&info, rec) < 0)
		return NULL;
	name = info.judge_name;
	raw = info.judge_raw;

	if (!name || strncmp(name, "jury:", 5) || !raw)
		return NULL;
	a = json_loads(raw, 0, NULL);
	if (!json_is_array(a) || json_array_size(a) < 2) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static void fmt_rate(char *buf, size_t size, double v, int percent)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (percent)
		snprintf(buf, size, "%.1f%%", 100.0 * v);
	else
		snprintf(buf, size, "%.3f", v);
}

static json_t *member_name(json_t *first, size_t k)
{
	json_t *nm = json_object_get(json_array_get(first, k), "name");
	return json_is_string(nm) ? json_copy(nm) : json_null();
}

static json_t *num_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

void cli_agreement_more(json_t *o, const int *a, const int *b, size_t n, msb_agreement_stats *out)
{
	msb_agreement_stats st;
	json_t *rows = json_array();
	int i, j;

	memset(&st, 0, sizeof st);
	st.version = MSB_AGREEMENT_STATS_VERSION;
	if (msb_agreement_stats_compute(&st, a, b, n, 2000, 1, 0.95) < 0) {
		st.kappa_ci_low = st.kappa_ci_high = st.alpha_ordinal = NAN;
		memset(st.confusion, 0, sizeof st.confusion);
	}
	json_object_set_new(o, "kappa_ci_low", num_or_null(st.kappa_ci_low));
	json_object_set_new(o, "kappa_ci_high", num_or_null(st.kappa_ci_high));
	json_object_set_new(o, "alpha_ordinal", num_or_null(st.alpha_ordinal));
	for (i = 0; rows && i < 5; i++) {
		json_t *row = json_array();

		for (j = 0; row && j < 5; j++)
			json_array_append_new(row, json_integer((json_int_t)st.confusion[i][j]));
		json_array_append_new(rows, row);
	}
	json_object_set_new(o, "confusion", rows ? rows : json_null());
	if (out)
		*out = st;
}

void cli_agreement_print(const msb_agreement_stats *st)
{
	if (!isnan(st->kappa_ci_low))
		printf(" [%.3f, %.3f]", st->kappa_ci_low, st->kappa_ci_high);
	if (!isnan(st->alpha_ordinal))
		printf(", Krippendorff's alpha (ordinal) %.3f", st->alpha_ordinal);
	putchar('\n');
}

int cli_jury_agreement(const char *dir, const msb_judge *judge, const char *prog, int quiet)
{
	msb_results *r = NULL;
	json_t *first = NULL, *out = NULL, *pairs, *names;
	int **scores = NULL, rc;
	size_t n, m = 0, i, k, a, b;
	char path[4200];
	int status = -1;

	if (!judge || !msb_judge_name(judge) || !strstr(msb_judge_name(judge), "jury:"))
		return 0; /* no jury: nothing to agree on */
	if ((rc = msb_results_open(&r, dir, 0)) < 0) {
		fprintf(stderr, "%s: jury agreement: %s\n", prog, msb_error_last()->message);
		return -1;
	}
	n = msb_results_count(r);
	for (i = 0; i < n && !first; i++)
		first = members_of(msb_results_record(r, i));
	if (!first) {
		msb_results_free(r);
		return 0; /* not a jury */
	}
	m = json_array_size(first);
	if (!(scores = calloc(m, sizeof *scores)))
		goto oom;
	for (k = 0; k < m; k++)
		if (!(scores[k] = calloc(n ? n : 1, sizeof **scores)))
			goto oom;
	/* 0 = no score from that member (unscored, failed, or no jury verdict) */
	for (i = 0; i < n; i++) {
		json_t *v = members_of(msb_results_record(r, i));
		if (v && json_array_size(v) == m)
			for (k = 0; k < m; k++) {
				json_t *s = json_object_get(json_array_get(v, k), "score");
				json_int_t x = json_is_integer(s) ? json_integer_value(s) : 0;
				scores[k][i] = x >= 1 && x <= 5 ? (int)x : 0;
			}
		json_decref(v);
	}
	out = json_object();
	pairs = json_array();
	names = json_array();
	if (!out || !pairs || !names) {
		json_decref(pairs);
		json_decref(names);
		goto oom;
	}
	json_object_set_new(out, "run", json_string(dir));
	for (k = 0; k < m; k++)
		json_array_append_new(names, member_name(first, k));
	json_object_set_new(out, "judges", names);
	json_object_set_new(out, "pairs", pairs);
	for (a = 0; a < m; a++)
		for (b = a + 1; b < m; b++) {
			double exact, kappa;
			msb_agreement_stats more;
			size_t np = 0;
			char ex[16], ka[16];
			json_t *p = json_object();
			if (!p)
				goto oom;
			msb_agreement(&exact, &kappa, &np, scores[a], scores[b], n);
			json_object_set_new(p, "a", json_integer((json_int_t)a));
			json_object_set_new(p, "b", json_integer((json_int_t)b));
			json_object_set_new(p, "judge_a", member_name(first, a));
			json_object_set_new(p, "judge_b", member_name(first, b));
			json_object_set_new(p, "n_pairs", json_integer((json_int_t)np));
			json_object_set_new(p, "exact", isnan(exact) ? json_null() : json_real(exact));
			json_object_set_new(p, "kappa_quadratic", isnan(kappa) ? json_null() : json_real(kappa));
			cli_agreement_more(p, scores[a], scores[b], n, &more);
			json_array_append_new(pairs, p);
			if (!quiet) {
				fmt_rate(ex, sizeof ex, exact, 1);
				fmt_rate(ka, sizeof ka, kappa, 0);
				printf("jury agreement of member %zu (%s) and member %zu (%s) over %zu items: "
				    "exact %s, quadratic kappa %s", a,
				    json_string_value(json_array_get(names, a)) ?
				        json_string_value(json_array_get(names, a)) : "?",
				    b, json_string_value(json_array_get(names, b)) ?
				        json_string_value(json_array_get(names, b)) : "?",
				    np, ex, ka);
				cli_agreement_print(&more);
			}
		}
	snprintf(path, sizeof path, "%s/jury_agreement.json", dir);
	if (json_dump_file(out, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) {
		fprintf(stderr, "%s: cannot write %s\n", prog, path);
		goto done;
	}
	status = 0;
	goto done;
oom:
	fprintf(stderr, "%s: jury agreement: out of memory\n", prog);
done:
	if (scores)
		for (k = 0; k < m; k++)
			free(scores[k]);
	free(scores);
	json_decref(first);
	json_decref(out);
	msb_results_free(r);
	return status;
}
