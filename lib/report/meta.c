/*
 * lib/report/meta.c - the run metadata block of report.md and report.html
 * (for papers: what was run, on what, when, with which settings), taken
 * from the run folder's run.json. run.json never holds an API key; URLs
 * are shown without user information and query strings all the same, as
 * a key could hide there.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/version.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/fileio.h"
#include "core/sha256.h"
#include "report/meta.h"
#include "report/report.h"

/* "https://user:key@host/v1?api_key=x" -> "https://host/v1" */
void msb__redact_urls(char *dst, size_t size, const char *src)
{
	size_t o = 0;
	const char *p = src;

	while (*p && o + 1 < size) {
		const char *scheme = strstr(p, "://");
		const char *end, *at;

		if (!scheme) {
			for (; *p && o + 1 < size; p++)
				dst[o++] = *p;
			break;
		}
		for (; p < scheme + 3 && o + 1 < size; p++)
			dst[o++] = *p;
		end = p + strcspn(p, "/?# \t");
		at = memchr(p, '@', (size_t)(end - p));
		if (at)
			p = at + 1;
		for (; *p && !strchr("? \t", *p) && o + 1 < size; p++)
			dst[o++] = *p;
		if (*p == '?')
			p += strcspn(p, " \t#");
	}
	dst[o] = '\0';
}

static const char *sval(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return json_string_value(v);
}

static int add(msb__meta *m, const char *label, const char *value)
{
	if (!value || !*value || m->n >= MSB__META_MAX)
		return 0;
	snprintf(m->rows[m->n].label, sizeof m->rows[m->n].label, "%s", label);
	msb__redact_urls(m->rows[m->n].value, sizeof m->rows[m->n].value, value);
	m->n++;
	return 1;
}

static void add_num(msb__meta *m, const char *label, json_t *v, int allow_negative)
{
	char buf[64];

	if (json_is_integer(v))
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v) && (allow_negative || json_real_value(v) >= 0))
		snprintf(buf, sizeof buf, "%g", json_real_value(v));
	else
		return;
	add(m, label, buf);
}

int msb__meta_load(msb__meta *m, const char *dir, const msb__summary *sum, const msb_scorer *s)
{
	char *text = NULL, path[4096], buf[512], now[32], hex[65];
	size_t len, off = 0;
	json_t *run, *model, *judge;
	const char *sp;
	int p;

	memset(m, 0, sizeof *m);
	msb__usage_load(&m->usage, dir);
	snprintf(path, sizeof path, "%s/run.json", dir);
	if (msb__file_read(&text, &len, path) < 0)
		return 0; /* no run.json: no block (an error was set; not ours to report) */
	run = json_loadb(text, len, 0, NULL);
	msb__free(text);
	if (!json_is_object(run)) {
		json_decref(run);
		return 0;
	}
	model = json_object_get(run, "model");
	judge = json_object_get(run, "judge");
	msb__iso8601_now(now);
	add(m, "Report written", now);
	add(m, "Run started", sval(run, "start_time", NULL));
	add(m, "Run finished", sval(run, "end_time", NULL));
	if (sval(run, "version", NULL)) {
		snprintf(buf, sizeof buf, "%s %s", sval(run, "library", NULL) ? sval(run, "library", NULL) :
		    "libmedsafety", sval(run, "version", NULL));
		add(m, "Library (run)", buf);
	}
	snprintf(buf, sizeof buf, "libmedsafety %s", msb_version());
	add(m, "Library (report)", buf);
	add(m, "Dataset hash (SHA-256)", sval(run, "dataset", "hash"));
	add_num(m, "Dataset items", json_object_get(json_object_get(run, "dataset"), "items"), 0);
	buf[0] = '\0';
	for (p = 1; p <= 9 && (size_t)p < sum->count; p++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%sP%d %zu", p > 1 ? ", " : "", p,
		    sum->groups[p].st.n);
	add(m, "Records per principle", buf);
	add(m, "Model", sval(model, "identity", NULL));
	add_num(m, "Temperature", json_object_get(model, "temperature"), 0);
	add_num(m, "Top p", json_object_get(model, "top_p"), 0);
	add_num(m, "Max tokens", json_object_get(model, "max_tokens"), 0);
	add_num(m, "Samples per item", json_object_get(model, "epochs"), 0);
	if (json_is_integer(json_object_get(model, "seed")))
		add_num(m, "Generation seed", json_object_get(model, "seed"), 1);
	else
		add(m, "Generation seed", "none (not set)");
	add_num(m, "Dataset sampling seed",
	    json_object_get(json_object_get(json_object_get(run, "config"), "dataset"), "seed"), 1);
	if (s->opts.bootstrap_resamples > 0) {
		snprintf(buf, sizeof buf, "%llu (%d resamples)", (unsigned long long)s->opts.seed,
		    s->opts.bootstrap_resamples);
		add(m, "Bootstrap seed (CI)", buf);
	}
	if ((sp = sval(model, "system_prompt_hash", NULL)) != NULL) {
		add(m, "System prompt hash (SHA-256)", sp);
	} else if ((sp = sval(model, "system_prompt", NULL)) != NULL) {
		msb_sha256_hex(sp, strlen(sp), hex);
		add(m, "System prompt hash (SHA-256)", *sp ? hex : "none (empty)");
	}
	add(m, "Judge", sval(judge, "name", NULL));
	add(m, "Judge template hash (SHA-256)", sval(judge, "template_hash", NULL));
	add(m, "Judge policy hash (SHA-256)", sval(judge, "policy_hash", NULL));
	add(m, "Judge configuration hash", sval(judge, "config_hash", NULL));
	{
		/* the batch stages (docs/batch.md): what went through a batch API, at what discount */
		static const char *const stages[2][2] = { { "model", "Batch API (model)" },
		                                          { "judge", "Batch API (judge)" } };
		json_t *batch = json_object_get(run, "batch");
		int k;
		for (k = 0; k < 2; k++) {
			json_t *st = json_object_get(batch, stages[k][0]);
			if (!json_is_object(st))
				continue;
			size_t nb = json_array_size(json_object_get(st, "batches"));
			snprintf(buf, sizeof buf, "%zu batch%s, %lld requests, %lld answered at a %.0f%% "
			    "discount (%lld prompt, %lld completion tokens), %lld failed or expired (sent "
			    "online)", nb, nb == 1 ? "" : "es",
			    (long long)json_integer_value(json_object_get(st, "requests")),
			    (long long)json_integer_value(json_object_get(st, "succeeded")),
			    100.0 * json_number_value(json_object_get(st, "discount")),
			    (long long)json_integer_value(json_object_get(st, "prompt_tokens")),
			    (long long)json_integer_value(json_object_get(st, "completion_tokens")),
			    (long long)json_integer_value(json_object_get(st, "failed")));
			add(m, stages[k][1], buf);
		}
	}
	add(m, "Run configuration hash", sval(run, "config_hash", NULL));
	json_decref(run);
	return (int)m->n;
}

void msb__meta_markdown(msb_buf *b, const msb__meta *m)
{
	size_t i;

	msb__usage_markdown(b, &m->usage);
	if (!m->n)
		return;
	msb_buf_puts(b, "\n## Run metadata\n\n| Field | Value |\n|---|---|\n");
	for (i = 0; i < m->n; i++) {
		msb_buf_printf(b, "| %s | ", m->rows[i].label);
		msb__report_md_cell(b, m->rows[i].value);
		msb_buf_puts(b, " |\n");
	}
}

void msb__meta_html(msb_buf *b, const msb__meta *m)
{
	size_t i;

	msb__usage_html(b, &m->usage);
	if (!m->n)
		return;
	msb_buf_puts(b, "<section id=\"run-metadata\">\n<h2>Run metadata</h2>\n<table class=\"meta\">\n"
	    "<tbody>\n");
	for (i = 0; i < m->n; i++) {
		msb_buf_printf(b, "<tr><th scope=\"row\">%s</th><td><code>", m->rows[i].label);
		msb__report_html_esc(b, m->rows[i].value);
		msb_buf_puts(b, "</code></td></tr>\n");
	}
	msb_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}
