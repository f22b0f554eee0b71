/*
 * lib/results/merge_check.c - before a merge writes anything: are the
 * shards exactly 0..N-1 of one N, cut from one dataset selection, run
 * with one configuration, each finished with every unit journaled? The
 * answers come from each shard's run.json (dataset.shard, selection_hash,
 * units, status; config.dataset for a readable difference) and its
 * journal (the records).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/jsonmem.h"
#include "results/merge_check.h"
#include "runfolder/runfolder.h"

/* problems listed in the message at most; the rest are counted */
#define MAX_LISTED 24

typedef struct {
	json_t *ri;
	unsigned int index, count;
	const char *status, *sel_hash, *cfg_hash;
	long long units, sel_items;
	int epochs;
	json_t *selection; /* config.dataset without the shard; NULL when not recorded */
} shard_view;

typedef struct {
	msb_buf msg;
	size_t n, hard;
} problems;

int msb__merge_runinfo_read(json_t **out, const char *dir)
{
	return msb__rf_runinfo_read(out, dir);
}

json_t *msb__merge_runinfo(const char *dir)
{
	json_t *o;
	msb__merge_runinfo_read(&o, dir);
	return o;
}

static void add(problems *p, int hard, const char *fmt, ...) MSB__PRINTF(3, 4);
static void add(problems *p, int hard, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	p->n++;
	p->hard += hard != 0;
	if (p->n > MAX_LISTED)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (p->msg.len)
		msb_buf_puts(&p->msg, "; ");
	msb_buf_puts(&p->msg, line);
}

static long long int_at(json_t *o, const char *key, long long dflt)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static const char *str_at(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The shard from dataset.shard, else config.dataset.shard ("I/N", 0.1.0), else 0 of 1. */
static void read_shard(shard_view *v, json_t *ds, json_t *cfg_ds)
{
	json_t *sh = json_object_get(ds, "shard");
	const char *s = str_at(cfg_ds, "shard");
	unsigned int i, n;

	v->index = 0;
	v->count = 1;
	if (json_is_object(sh)) {
		long long si = int_at(sh, "index", -1), sn = int_at(sh, "count", -1);
		if (si >= 0 && sn >= 1 && si < sn && sn <= 1000000) {
			v->index = (unsigned int)si;
			v->count = (unsigned int)sn;
		}
	} else if (s && sscanf(s, "%u/%u", &i, &n) == 2 && n >= 1 && i < n) {
		v->index = i;
		v->count = n;
	}
}

static int view_of(shard_view *v, const char *dir)
{
	json_t *ds, *cfg_ds;
	int rc;

	memset(v, 0, sizeof *v);
	if ((rc = msb__merge_runinfo_read(&v->ri, dir)))
		return rc;
	ds = json_object_get(v->ri, "dataset");
	cfg_ds = json_object_get(json_object_get(v->ri, "config"), "dataset");
	read_shard(v, ds, cfg_ds);
	v->status = str_at(v->ri, "status");
	v->cfg_hash = str_at(v->ri, "config_hash");
	v->units = int_at(ds, "units", -1);
	v->sel_items = int_at(ds, "selection_items", -1);
	v->sel_hash = str_at(ds, "selection_hash");
	v->epochs = (int)int_at(json_object_get(v->ri, "model"), "epochs", 1);
	if (v->epochs < 1)
		v->epochs = 1;
	if (json_is_object(cfg_ds)) {
		v->selection = json_deep_copy(cfg_ds);
		if (!v->selection)
			return MSB_ENOMEM;
		json_object_del(v->selection, "shard");
	}
	return 0;
}

/* The first key whose value differs, as `key X vs Y` (values compact JSON, cut short). */
static void describe_difference(char *out, size_t size, json_t *a, json_t *b)
{
	json_t *objs[2] = { a, b };
	const char *key;
	json_t *val;
	int k;

	snprintf(out, size, "the recorded dataset settings differ");
	for (k = 0; k < 2; k++) {
		json_object_foreach(objs[k], key, val) {
			json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
			char *dx, *dy;
			if (x && y && json_equal(x, y))
				continue;
			dx = x ? json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
			dy = y ? json_dumps(y, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
			snprintf(out, size, "%s %.60s vs %.60s", key, dx ? dx : "(none)", dy ? dy : "(none)");
			msb__json_free(dx);
			msb__json_free(dy);
			return;
		}
	}
}

/* 1350 -> "1,350" */
static void thousands(char *out, size_t size, long long v)
{
	char digits[32];
	size_t n, i, o = 0;

	snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
	n = strlen(digits);
	if (v < 0 && o + 1 < size)
		out[o++] = '-';
	for (i = 0; i < n && o + 2 < size; i++) {
		out[o++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			out[o++] = ',';
	}
	out[o] = '\0';
}

static void compare_to_first(problems *p, const shard_view *v0, const shard_view *v, const char *d0,
    const char *d)
{
	if (v->count != v0->count)
		add(p, 1, "%s is shard %u/%u but %s is shard %u/%u (another shard count)", d, v->index,
		    v->count, d0, v0->index, v0->count);
	if (v->sel_hash && v0->sel_hash && strcmp(v->sel_hash, v0->sel_hash))
		add(p, 1, "%s: cut from another dataset selection than %s (selection hash %.12s vs %.12s)",
		    d, d0, v->sel_hash, v0->sel_hash);
	else if (v->sel_items >= 0 && v0->sel_items >= 0 && v->sel_items != v0->sel_items)
		add(p, 1, "%s: cut from a selection of %lld items, %s from one of %lld", d, v->sel_items,
		    d0, v0->sel_items);
	if (v->selection && v0->selection) {
		json_t *a = v->selection, *b = v0->selection;
		int equal;
		/* with the content hashes equal, a path written another way is the same data */
		if (v->sel_hash && v0->sel_hash && !strcmp(v->sel_hash, v0->sel_hash)) {
			json_t *ca = json_copy(a), *cb = json_copy(b);
			if (ca)
				json_object_del(ca, "source");
			if (cb)
				json_object_del(cb, "source");
			equal = !ca || !cb || json_equal(ca, cb);
			json_decref(ca);
			json_decref(cb);
		} else {
			equal = json_equal(a, b);
		}
		if (!equal) {
			char what[200];
			describe_difference(what, sizeof what, a, b);
			add(p, 1, "%s: another dataset selection than %s (%s)", d, d0, what);
		}
	}
	if (v->cfg_hash && v0->cfg_hash && strcmp(v->cfg_hash, v0->cfg_hash))
		add(p, 1, "%s: configuration %.12s differs from %.12s of %s", d, v->cfg_hash, v0->cfg_hash, d0);
	if (v->epochs != v0->epochs)
		add(p, 1, "%s: %d epochs, %s %d", d, v->epochs, d0, v0->epochs);
}

static void check_complete(problems *p, const shard_view *v, const msb_results *r, const char *d)
{
	if (!v->status || strcmp(v->status, "finished"))
		add(p, 0, "%s (shard %u/%u): status \"%s\", not finished", d, v->index, v->count,
		    v->status ? v->status : "unknown");
	else if (v->units >= 0 && (long long)r->n < v->units)
		add(p, 0, "%s (shard %u/%u): %zu of %lld units journaled", d, v->index, v->count, r->n,
		    v->units);
}

static void list_missing(problems *p, const unsigned char *have, unsigned int count)
{
	msb_buf b = MSB_BUF_INIT;
	unsigned int i, missing = 0;

	for (i = 0; i < count; i++) {
		if (have[i])
			continue;
		if (++missing <= 32)
			msb_buf_printf(&b, "%s%u", missing > 1 ? ", " : "", i);
	}
	if (!missing)
		return;
	if (missing > 32)
		msb_buf_printf(&b, " and %u more", missing - 32);
	add(p, 0, "missing shard%s %s of %u", missing > 1 ? "s" : "", b.failed ? "?" : b.ptr, count);
	msb_buf_dispose(&b);
}

static void fill_plan(msb__merge_plan *plan, const shard_view *v0, const unsigned char *have,
    const msb_results *const *rs, size_t n)
{
	char got[32], want[32];
	unsigned int i;
	size_t k;

	plan->shard_count = v0->count;
	plan->epochs = v0->epochs;
	plan->selection_items = v0->sel_items;
	plan->records_expected = v0->sel_items >= 0 ? v0->sel_items * v0->epochs : -1;
	if (v0->sel_hash && strlen(v0->sel_hash) == 64)
		memcpy(plan->selection_hash, v0->sel_hash, 65);
	for (i = 0; i < v0->count; i++)
		plan->shards += have[i] != 0;
	for (k = 0; k < n; k++)
		plan->records += rs[k]->n;
	thousands(got, sizeof got, (long long)plan->records);
	thousands(want, sizeof want, plan->records_expected);
	if (plan->records_expected >= 0)
		snprintf(plan->text, sizeof plan->text, "partial: %zu of %u shards, %s of %s %s",
		    plan->shards, plan->shard_count, got, want, plan->epochs > 1 ? "records" : "items");
	else
		snprintf(plan->text, sizeof plan->text, "partial: %zu of %u shards, %s %s", plan->shards,
		    plan->shard_count, got, plan->epochs > 1 ? "records" : "items");
}

int msb__merge_check(msb__merge_plan *plan, const char *const *dirs, msb_results *const *rs,
    size_t n, int allow_partial)
{
	problems p = { MSB_BUF_INIT, 0, 0 };
	shard_view *v = msb__calloc(n, sizeof *v);
	unsigned char *have = NULL;
	size_t *first = NULL;
	size_t i;
	int rc = 0;

	memset(plan, 0, sizeof *plan);
	if (!v)
		return MSB_ENOMEM;
	for (i = 0; i < n && !rc; i++) {
		int r = view_of(&v[i], dirs[i]);
		if (r == MSB_ENOMEM)
			rc = r;
		else if (r)
			add(&p, 1, "%s: no readable run.json (cannot tell which shard it is)", dirs[i]);
	}
	if (rc || p.n)
		goto out;
	have = msb__calloc(v[0].count, 1);
	first = msb__calloc(v[0].count, sizeof *first);
	if (!have || !first) {
		rc = MSB_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (i)
			compare_to_first(&p, &v[0], &v[i], dirs[0], dirs[i]);
		if (v[i].count == v[0].count) {
			if (have[v[i].index])
				add(&p, 1, "%s and %s are both shard %u/%u", dirs[first[v[i].index]], dirs[i],
				    v[i].index, v[i].count);
			have[v[i].index] = 1;
			first[v[i].index] = i;
		}
		check_complete(&p, &v[i], rs[i], dirs[i]);
	}
	if (!p.hard)
		list_missing(&p, have, v[0].count);
	fill_plan(plan, &v[0], have, (const msb_results *const *)rs, n);
	plan->partial = p.n > 0;
out:
	if (!rc && p.msg.failed)
		rc = MSB_ENOMEM;
	if (!rc && p.n && (p.hard || !allow_partial)) {
		if (p.n > MAX_LISTED)
			msb_buf_printf(&p.msg, "; and %zu more", p.n - MAX_LISTED);
		rc = msb__error_set(MSB_EMISMATCH, "cannot merge: %s%s", p.msg.ptr,
		    p.hard ? "" : " (allow partial to merge what is there)");
	}
	for (i = 0; i < n; i++) {
		json_decref(v[i].ri);
		json_decref(v[i].selection);
	}
	msb__free(v);
	msb__free(have);
	msb__free(first);
	msb_buf_dispose(&p.msg);
	return rc;
}
