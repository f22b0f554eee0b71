/*
 * cli/status.c - `medsafety status DIR...`: one view of the shards of a
 * run while they run. Read-only on purpose: it opens run.json and
 * results.jsonl for reading, never writes, never locks, so it is safe
 * beside running shards and on a shared (network) file system. A torn
 * last line of a journal being written is simply not counted yet.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <medsafety/medsafety.h>

#include "cli.h"
#include "opts.h"

#define PROG "medsafety status"

/*
 * A shard whose run.json says "running" but that wrote nothing for this
 * long was most likely killed (a running shard writes its journal as
 * items finish, and run.json at its end): shown as "running?", "stale"
 * in --json. MEDSAFETY_STATUS_STALE_S overrides it (seconds).
 */
#define STALE_DEFAULT_S 900

typedef struct {
	const char *dir;
	int has_runinfo, has_shard;
	unsigned int index, count;
	char status[32];
	long long done, total, errors, unscored, resumed, sel_units;
	time_t last_write, session_start;
	double rate; /* records per second of this session; 0 unknown */
	int stale;   /* "running", but no write for a long time: probably killed */
} shard_status;

static void help(FILE *f)
{
	fputs("usage: medsafety status RUN... [--json]\n"
	      "\n"
	      "How far the shards of a run are (medsafety run --shard I/N --out RUN): per shard\n"
	      "the records journaled of its total, errors, unscored records, the status in\n"
	      "run.json and the last write; then the total with an ETA, and the shards of N\n"
	      "that are not among the folders given. Reads run.json and results.jsonl only:\n"
	      "safe while the shards run, on a shared file system too (never writes or locks).\n"
	      "A shard whose run.json says running but that wrote nothing for 15 minutes\n"
	      "(MEDSAFETY_STATUS_STALE_S) is shown as running?: probably killed.\n"
	      "\n"
	      "  --json       one JSON object: {\"shards\": [...], \"total\": {...}}\n"
	      "  -h, --help   this help\n"
	      "\n"
	      "examples:\n"
	      "  medsafety status runs/llama3/shard-*\n"
	      "  watch -n 60 medsafety status /shared/runs/llama3/shard-*\n"
	      "\n"
	      "exit status: 0 success, 2 bad usage or a folder that holds no run\n", f);
}

/* "2026-12-06T17:18:18Z" -> seconds since the epoch; 0 when not that shape. */
static time_t parse_utc(const char *s)
{
	struct tm tm;

	if (!s)
		return 0;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
	        &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void mtime_max(time_t *t, const char *dir, const char *name)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (stat(path, &st) == 0 && st.st_mtime > *t)
		*t = st.st_mtime;
}

/* run.json through the library's reader (msb_run_info; 0.1.0's shard "I/N" too). */
static void read_runinfo(shard_status *s)
{
	msb_run_info *ri = NULL;
	msb_run_fields f = { .version = MSB_RUN_FIELDS_VERSION };

	if (msb_run_info_open(&ri, s->dir) < 0 || msb_run_info_fields(&f, ri) < 0) {
		msb_run_info_free(ri);
		return;
	}
	s->has_runinfo = 1;
	snprintf(s->status, sizeof s->status, "%s", f.status ? f.status : "?");
	s->total = f.units;
	if (f.shard_recorded) {
		s->has_shard = 1;
		s->index = f.shard_index;
		s->count = f.shard_count;
	}
	s->sel_units = f.selection_items >= 0 ? f.selection_items * f.epochs : -1;
	s->resumed = f.resumed;
	s->session_start = parse_utc(f.session_start_time);
	msb_run_info_free(ri);
}

/* Exit status (message printed). */
static int read_shard(shard_status *s, const char *dir, time_t now)
{
	char path[4200];
	struct stat st;
	msb_results *r = NULL;
	size_t i, n;

	memset(s, 0, sizeof *s);
	s->dir = dir;
	s->total = s->sel_units = -1;
	snprintf(s->status, sizeof s->status, "not started");
	read_runinfo(s);
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	if (stat(path, &st) == 0) {
		if (msb_results_open(&r, path, MSB_RESULTS_NO_TEXT) < 0) {
			fprintf(stderr, "%s: %s\n", PROG, msb_error_last()->message);
			return CLI_EXIT_USAGE;
		}
		n = msb_results_count(r);
		s->done = (long long)n;
		s->errors = (long long)msb_results_error_count(r);
		for (i = 0; i < n; i++) {
			msb_record_info x = MSB_RECORD_INFO_INIT;
			if (msb_record_info_get(&x, msb_results_record(r, i)) == 0 && !x.score &&
			    !x.error_stage)
				s->unscored++;
		}
		msb_results_free(r);
	} else if (!s->has_runinfo) {
		fprintf(stderr, "%s: %s: no run here (neither run.json nor results.jsonl)\n", PROG, dir);
		return CLI_EXIT_USAGE;
	}
	mtime_max(&s->last_write, dir, "results.jsonl");
	mtime_max(&s->last_write, dir, "run.json");
	if (!strcmp(s->status, "running")) {
		const char *e = getenv("MEDSAFETY_STATUS_STALE_S");
		long limit = e && *e ? strtol(e, NULL, 10) : STALE_DEFAULT_S;
		s->stale = s->last_write && now - s->last_write > limit;
	}
	if (!strcmp(s->status, "running") && !s->stale && s->session_start && s->done > s->resumed) {
		/* run.json's start has whole seconds (truncated), so measure against the sub-second
		 * clock: the elapsed time is then positive as soon as a record exists, even in the
		 * start's own second (it overstates by under a second, so the rate errs low) */
		struct timespec ts;
		double elapsed;

		clock_gettime(CLOCK_REALTIME, &ts);
		elapsed = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - (double)s->session_start;
		if (elapsed > 0)
			s->rate = (double)(s->done - s->resumed) / elapsed;
	}
	return CLI_EXIT_OK;
}

static void utc(char *out, size_t size, time_t t)
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm)) {
		snprintf(out, size, "-");
		return;
	}
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void duration(char *out, size_t size, double s)
{
	if (s < 0 || !isfinite(s))
		snprintf(out, size, "unknown");
	else if (s < 90)
		snprintf(out, size, "%.0fs", s);
	else if (s < 5400)
		snprintf(out, size, "%.0fm", s / 60);
	else if (s < 172800)
		snprintf(out, size, "%.1fh", s / 3600);
	else
		snprintf(out, size, "%.1fd", s / 86400);
}

typedef struct {
	long long done, total, errors, unscored;
	int total_known, running, stale;
	double rate, eta;
	unsigned int count;   /* N, when every shard agrees on it; 0 otherwise */
	unsigned char *have;  /* which of 0..N-1 were given */
	size_t missing;
} totals;

static void add_up(totals *t, const shard_status *s, size_t n)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->total_known = 1;
	t->count = n && s[0].has_shard ? s[0].count : 0;
	for (i = 0; i < n; i++) {
		t->done += s[i].done;
		t->errors += s[i].errors;
		t->unscored += s[i].unscored;
		if (s[i].total >= 0)
			t->total += s[i].total;
		else
			t->total_known = 0;
		t->rate += s[i].rate;
		t->running += !strcmp(s[i].status, "running") && !s[i].stale;
		t->stale += s[i].stale;
		if (!s[i].has_shard || s[i].count != t->count)
			t->count = 0;
	}
	if (t->count) {
		t->have = calloc(t->count, 1);
		for (i = 0; t->have && i < n; i++)
			t->have[s[i].index] = 1;
		for (i = 0; t->have && i < t->count; i++)
			t->missing += !t->have[i];
		/* the whole selection is the total when shards are missing from the list */
		if (s[0].sel_units >= 0) {
			t->total = s[0].sel_units;
			t->total_known = 1;
		}
	}
	if (t->total_known && t->done >= t->total)
		t->eta = 0;
	else if (t->total_known && t->rate > 0)
		t->eta = (double)(t->total - t->done) / t->rate;
	else
		t->eta = -1;
}

static int print_json(const shard_status *s, size_t n, const totals *t, time_t now)
{
	json_t *o = json_object(), *arr = json_array(), *tot = json_object(), *miss = json_array();
	char when[32];
	size_t i;
	int rc = CLI_EXIT_OK;

	for (i = 0; i < n; i++) {
		json_t *x = json_object();
		utc(when, sizeof when, s[i].last_write);
		json_object_set_new(x, "run", json_string(s[i].dir));
		json_object_set_new(x, "shard", s[i].has_shard ?
		    json_pack("{s:I,s:I}", "index", (json_int_t)s[i].index, "count", (json_int_t)s[i].count) : json_null());
		json_object_set_new(x, "status", json_string(s[i].status));
		json_object_set_new(x, "stale", json_boolean(s[i].stale));
		json_object_set_new(x, "done", json_integer(s[i].done));
		json_object_set_new(x, "total", s[i].total >= 0 ? json_integer(s[i].total) : json_null());
		json_object_set_new(x, "errors", json_integer(s[i].errors));
		json_object_set_new(x, "unscored", json_integer(s[i].unscored));
		json_object_set_new(x, "last_write", s[i].last_write ? json_string(when) : json_null());
		json_object_set_new(x, "age_s", s[i].last_write ?
		    json_integer((json_int_t)(now - s[i].last_write)) : json_null());
		json_object_set_new(x, "rate_per_s", json_real(s[i].rate));
		json_array_append_new(arr, x);
	}
	for (i = 0; t->have && i < t->count; i++)
		if (!t->have[i])
			json_array_append_new(miss, json_integer((json_int_t)i));
	json_object_set_new(tot, "done", json_integer(t->done));
	json_object_set_new(tot, "total", t->total_known ? json_integer(t->total) : json_null());
	json_object_set_new(tot, "errors", json_integer(t->errors));
	json_object_set_new(tot, "unscored", json_integer(t->unscored));
	json_object_set_new(tot, "shards", json_integer((json_int_t)n));
	json_object_set_new(tot, "shard_count", t->count ? json_integer(t->count) : json_null());
	json_object_set_new(tot, "missing_shards", miss);
	json_object_set_new(tot, "running", json_integer(t->running));
	json_object_set_new(tot, "stale", json_integer(t->stale));
	json_object_set_new(tot, "rate_per_s", json_real(t->rate));
	json_object_set_new(tot, "eta_s", t->eta >= 0 ? json_integer((json_int_t)ceil(t->eta)) : json_null());
	json_object_set_new(o, "shards", arr);
	json_object_set_new(o, "total", tot);
	if (json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		rc = CLI_EXIT_FAIL;
	putchar('\n');
	json_decref(o);
	return rc;
}

static void print_table(const shard_status *s, size_t n, const totals *t, time_t now)
{
	char when[32], age[32], shard[32], frac[48], eta[32];
	size_t i, w = 3;

	for (i = 0; i < n; i++)
		if (strlen(s[i].dir) > w)
			w = strlen(s[i].dir);
	if (w > 60)
		w = 60;
	printf("%-*s  %-7s  %15s  %6s  %8s  %-11s  %s\n", (int)w, "run", "shard", "done/total", "errors",
	    "unscored", "status", "last write");
	for (i = 0; i < n; i++) {
		utc(when, sizeof when, s[i].last_write);
		duration(age, sizeof age, (double)(now - s[i].last_write));
		if (s[i].has_shard)
			snprintf(shard, sizeof shard, "%u/%u", s[i].index, s[i].count);
		else
			snprintf(shard, sizeof shard, "-");
		if (s[i].total >= 0)
			snprintf(frac, sizeof frac, "%lld/%lld", s[i].done, s[i].total);
		else
			snprintf(frac, sizeof frac, "%lld/?", s[i].done);
		printf("%-*.*s  %-7s  %15s  %6lld  %8lld  %-11s  %s", (int)w, (int)w, s[i].dir, shard, frac,
		    s[i].errors, s[i].unscored, s[i].stale ? "running?" : s[i].status, when);
		if (s[i].last_write)
			printf(" (%s ago)", age);
		putchar('\n');
	}
	if (t->total_known)
		snprintf(frac, sizeof frac, "%lld/%lld (%.1f%%)", t->done, t->total,
		    t->total ? 100.0 * (double)t->done / (double)t->total : 100.0);
	else
		snprintf(frac, sizeof frac, "%lld/?", t->done);
	if (t->eta == 0)
		snprintf(eta, sizeof eta, "done");
	else if (t->eta > 0)
		duration(eta, sizeof eta, t->eta);
	else
		snprintf(eta, sizeof eta, t->running ? "unknown" : "unknown (no shard running)");
	printf("total: %s, %lld errors, %lld unscored, %zu shard%s", frac, t->errors, t->unscored, n,
	    n == 1 ? "" : "s");
	if (t->count)
		printf(" of %u", t->count);
	printf(", %d running, ETA %s\n", t->running, eta);
	if (t->stale)
		printf("%d shard%s marked running? wrote nothing for a long time: probably killed; "
		    "rerun with --resume\n", t->stale, t->stale == 1 ? "" : "s");
	if (t->missing) {
		unsigned int k, listed = 0;
		printf("missing shards:");
		for (k = 0; k < t->count && listed < 32; k++)
			if (!t->have[k])
				printf("%s %u", listed++ ? "," : "", k);
		if (t->missing > listed)
			printf(" and %zu more", t->missing - listed);
		printf(" (of %u)\n", t->count);
	}
}

int cli_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	shard_status *s;
	totals t;
	time_t now;
	size_t n, i;
	int c, json = 0, status = CLI_EXIT_OK;

	cli_getopt_reset();
	while ((c = cli_getopt(argc, argv, "h", opts, "status")) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			help(stdout);
			return CLI_EXIT_OK;
		default:
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage_error("status", "give the run folders (e.g. runs/shard-*)");
	n = (size_t)(argc - optind);
	s = calloc(n, sizeof *s);
	if (!s) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		return CLI_EXIT_FAIL;
	}
	now = time(NULL);
	for (i = 0; i < n && !status; i++)
		status = read_shard(&s[i], argv[optind + (int)i], now);
	if (!status) {
		add_up(&t, s, n);
		if (json)
			status = print_json(s, n, &t, now);
		else
			print_table(s, n, &t, now);
		free(t.have);
	}
	free(s);
	return status;
}
