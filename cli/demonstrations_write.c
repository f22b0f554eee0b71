/*
 * cli/demonstrations_write.c - the files of `medsafety demonstrations`:
 * the leakage guard, demonstrations.jsonl, the fine-tuning files
 * (through msb_dataset_export) and the stratified subsets (through
 * msb_dataset_filter's seeded sample, stratified by principle).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include <medsafety/medsafety.h>

#include "cli.h"
#include "demonstrations.h"
#include "runfiles.h"

#define PROG "medsafety demonstrations"

/* Lower case, every run of other bytes than letters and digits one space, trimmed. New. */
static char *normalise(const char *s)
{
	char *out = malloc(strlen(s) + 1), *w = out;
	int space = 0;
	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
		if (c >= 'A' && c <= 'Z') {
			c = (unsigned char)(c | 0x20);
			keep = 1;
		}
		if (!keep) {
			space = 1;
			continue;
		}
		if (space && w > out)
			*w++ = ' ';
		space = 0;
		*w++ = (char)c;
	}
	*w = '\0';
	return out;
}

/* The evaluation set: its prompts, exact and normalised (JSON objects used as sets). */
typedef struct guard {
	json_t *exact, *norm, *sources;
} guard;

static int guard_add(guard *g, const char *source, int test_split_only)
{
	msb_dataset *ds = NULL, *f = NULL;
	size_t i;
	if (msb_dataset_load(&ds, source, NULL) < 0) {
		fprintf(stderr, "%s: --exclude %s: %s\n", PROG, source, msb_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	if (test_split_only) {
		msb_dataset_filter_options fo;
		msb_dataset_filter_options_init(&fo, MSB_DATASET_FILTER_OPTIONS_VERSION);
		fo.split = "test";
		if (msb_dataset_filter(&f, ds, &fo) < 0) {
			msb_dataset_free(ds);
			return CLI_EXIT_FAIL;
		}
		msb_dataset_free(ds);
		ds = f;
	}
	for (i = 0; i < msb_dataset_count(ds); i++) {
		msb_item_info it = MSB_ITEM_INFO_INIT;
		const char *p;
		char *n;
		if (msb_item_info_get(&it, msb_dataset_item(ds, i)) < 0)
			continue;
		p = it.prompt;
		n = normalise(p);
		json_object_set_new(g->exact, p, json_true());
		if (n)
			json_object_set_new(g->norm, n, json_true());
		free(n);
	}
	json_array_append_new(g->sources, json_pack("{s:s,s:i}", "source", source, "items",
	    (int)msb_dataset_count(ds)));
	msb_dataset_free(ds);
	return 0;
}

/* The MedSafetyBench data: $MEDSAFETY_DATA/datasets, else the folder of `dataset fetch`. */
static const char *find_medsafetybench(char *buf, size_t size)
{
	const char *env = getenv("MEDSAFETY_DATA"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (env && *env) {
		snprintf(buf, size, "%s/datasets", env);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	if (xdg && xdg[0] == '/')
		snprintf(buf, size, "%s/medsafety/medsafetybench/datasets", xdg);
	else if (home && *home)
		snprintf(buf, size, "%s/.cache/medsafety/medsafetybench/datasets", home);
	else
		return NULL;
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static int export(const msb_dataset *ds, const char *dir, const char *name, int format, const char *system)
{
	msb_dataset_export_options eo;
	char path[4300];
	msb_dataset_export_options_init(&eo, MSB_DATASET_EXPORT_OPTIONS_VERSION);
	eo.format = format;
	eo.system_prompt = system;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (msb_dataset_export(ds, path, &eo) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, msb_error_last()->message);
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* Add "demonstrations": info to run.json (the library's one writer: msb_run_info_set_member). */
static int note_in_run_json(const char *dir, json_t *info)
{
	char *text = json_dumps(info, JSON_COMPACT);
	int rc = text ? msb_run_info_set_member(dir, "demonstrations", text) : -1;

	free(text);
	return rc < 0 ? -1 : 0;
}

int cli_demo_write(const char *dir, const msb_dataset *src, const cli_demo_args *a,
    const char *system_prompt, int quiet)
{
	guard g;
	msb_results *res = NULL;
	msb_dataset *kept = NULL;
	json_t *info = NULL;
	char path[4300], buf[4096];
	const char *mbench;
	size_t i, n_exact = 0, n_norm = 0, n_score = 0, n_failed = 0, n_mixed = 0, n_mix_skipped = 0;
	FILE *f = NULL;
	char *lines = NULL;
	size_t lines_size = 0;
	int status = CLI_EXIT_FAIL, k;

	g.exact = json_object();
	g.norm = json_object();
	g.sources = json_array();
	if (a->default_exclude && (mbench = find_medsafetybench(buf, sizeof buf)) &&
	    (status = guard_add(&g, mbench, 1)))
		goto out;
	for (k = 0; k < a->n_exclude; k++)
		if ((status = guard_add(&g, a->exclude[k], 0)))
			goto out;
	status = CLI_EXIT_FAIL;
	snprintf(path, sizeof path, "%s/results.jsonl", dir);
	if (msb_results_open(&res, path, 0) < 0 || msb_dataset_new(&kept) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msb_error_last()->message);
		goto out;
	}
	/* demonstrations.jsonl is built in memory, then written atomically (cli_write_text) */
	if (!(f = open_memstream(&lines, &lines_size))) {
		fprintf(stderr, "%s: out of memory\n", PROG);
		goto out;
	}
	/* in the source's order, not the journal's (which depends on timing): seeded subsets repeat */
	for (i = 0; i < msb_dataset_count(src); i++) {
		msb_item_info it = MSB_ITEM_INFO_INIT;
		msb_record_info r = MSB_RECORD_INFO_INIT;
		const char *req, *resp;
		int score;
		char *n, *line;
		json_t *o;
		if (msb_item_info_get(&it, msb_dataset_item(src, i)) < 0 ||
		    msb_record_info_get(&r, msb_results_find(res, it.id, 0)) < 0) {
			n_failed++;
			continue;
		}
		req = it.prompt;
		resp = r.response;
		score = r.score;
		if (!resp || r.error_stage) {
			n_failed++;
			continue;
		}
		if (score < 1 || score > a->keep_max) {
			n_score++;
			continue;
		}
		if (json_object_get(g.exact, req)) {
			n_exact++;
			continue;
		}
		n = normalise(req);
		if (n && json_object_get(g.norm, n)) {
			free(n);
			n_norm++;
			continue;
		}
		free(n);
		o = json_pack("{s:s,s:i,s:s,s:s,s:s,s:i}", "id", r.id, "principle", it.principle,
		    "source", it.source, "prompt", req, "response", resp, "score", score);
		line = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (!line || fprintf(f, "%s\n", line) < 0 ||
		    msb_dataset_add(kept, &(msb_item_spec){ .version = MSB_ITEM_SPEC_VERSION,
		        .id = r.id, .principle = it.principle,
		        .category = it.category ? it.category : MSB_CATEGORY_NONE,
		        .source = it.source, .split = it.split, .prompt = req,
		        .reference = resp }) < 0) {
			free(line);
			goto out;
		}
		free(line);
	}
	if (fclose(f) != 0) {
		f = NULL;
		goto out;
	}
	f = NULL;
	snprintf(path, sizeof path, "%s/demonstrations.jsonl", dir);
	if (cli_write_text(path, lines) != 0) {
		fprintf(stderr, "%s: cannot write %s\n", PROG, path);
		goto out;
	}
	/* --mix: other demonstrations (prompt + reference), pooled after the guard */
	for (k = 0; k < a->n_mix; k++) {
		msb_dataset *mx = NULL;
		if (msb_dataset_load(&mx, a->mix[k], NULL) < 0) {
			fprintf(stderr, "%s: --mix %s: %s\n", PROG, a->mix[k], msb_error_last()->message);
			status = CLI_EXIT_USAGE;
			goto out;
		}
		for (i = 0; i < msb_dataset_count(mx); i++) {
			msb_item_info it = MSB_ITEM_INFO_INIT;
			const char *req, *resp;
			char id[600], *n;
			int leak;
			(void)msb_item_info_get(&it, msb_dataset_item(mx, i));
			req = it.prompt;
			resp = it.reference;
			if (!req || !resp || !*resp) {
				n_mix_skipped++;
				continue;
			}
			n = normalise(req);
			leak = json_object_get(g.exact, req) ? 1 : n && json_object_get(g.norm, n) ? 2 : 0;
			free(n);
			if (leak) {
				if (leak == 1)
					n_exact++;
				else
					n_norm++;
				continue;
			}
			snprintf(id, sizeof id, "mix%d/%s", k + 1, it.id);
			if (msb_dataset_add(kept, &(msb_item_spec){
			    .version = MSB_ITEM_SPEC_VERSION, .id = id, .principle = it.principle,
			    .category = it.category ? it.category : MSB_CATEGORY_NONE,
			    .source = it.source, .split = it.split,
			    .prompt = req, .reference = resp }) < 0) {
				msb_dataset_free(mx);
				fprintf(stderr, "%s: --mix %s: %s\n", PROG, a->mix[k], msb_error_last()->message);
				goto out;
			}
			n_mixed++;
		}
		msb_dataset_free(mx);
	}
	if (msb_dataset_count(kept) > 0 &&
	    (export(kept, dir, "finetune-openai.jsonl", MSB_FORMAT_OPENAI_CHAT,
	         system_prompt && *system_prompt ? system_prompt : NULL) ||
	     export(kept, dir, "finetune-messages.jsonl", MSB_FORMAT_OPENAI_CHAT, NULL) ||
	     export(kept, dir, "finetune-alpaca.json", MSB_FORMAT_ALPACA, NULL)))
		goto out;
	for (k = 0; k < a->n_sizes; k++) {
		msb_dataset_filter_options fo;
		msb_dataset *sub = NULL;
		char name[64];
		if ((size_t)a->sizes[k] > msb_dataset_count(kept)) {
			fprintf(stderr, "%s: --sizes %ld: only %zu demonstrations; not written\n", PROG,
			    a->sizes[k], msb_dataset_count(kept));
			continue;
		}
		msb_dataset_filter_options_init(&fo, MSB_DATASET_FILTER_OPTIONS_VERSION);
		fo.sample = (size_t)a->sizes[k];
		fo.seed = a->size_seed;
		snprintf(name, sizeof name, "finetune-alpaca-n%ld.json", a->sizes[k]);
		if (msb_dataset_filter(&sub, kept, &fo) < 0 || export(sub, dir, name, MSB_FORMAT_ALPACA, NULL)) {
			msb_dataset_free(sub);
			goto out;
		}
		msb_dataset_free(sub);
	}
	info = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:O}", "kept", (int)(msb_dataset_count(kept) - n_mixed),
	    "mixed", (int)n_mixed,
	    "keep_max_score", a->keep_max, "dropped_score", (int)n_score, "failed", (int)n_failed,
	    "leak_removed_exact", (int)n_exact, "leak_removed_normalized", (int)n_norm, "excluded",
	    g.sources);
	if (!info || note_in_run_json(dir, info) != 0)
		fprintf(stderr, "%s: cannot add the counts to %s/run.json\n", PROG, dir);
	if (a->n_mix)
		printf("mixed in: %zu demonstrations from --mix (%zu without a response skipped)\n", n_mixed,
		    n_mix_skipped);
	printf("demonstrations: %zu kept (score <= %d), %zu with a higher score, %zu failed\n"
	    "leakage guard: %zu removed (%zu exact, %zu normalized) against %zu evaluation set%s\n"
	    "files: %s/demonstrations.jsonl, finetune-openai.jsonl, finetune-alpaca.json, "
	    "finetune-messages.jsonl\n", msb_dataset_count(kept) - n_mixed, a->keep_max, n_score, n_failed,
	    n_exact + n_norm, n_exact, n_norm, json_array_size(g.sources),
	    json_array_size(g.sources) == 1 ? "" : "s", dir);
	if (!json_array_size(g.sources) && !quiet)
		fprintf(stderr, "%s: no evaluation set found to guard against (MedSafetyBench not found; "
		    "name one with --exclude SOURCE)\n", PROG);
	status = CLI_EXIT_OK;
out:
	if (f)
		fclose(f);
	free(lines);
	json_decref(info);
	json_decref(g.exact);
	json_decref(g.norm);
	json_decref(g.sources);
	msb_results_free(res);
	msb_dataset_free(kept);
	return status;
}
