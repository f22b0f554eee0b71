/*
 * tests/paper/paper_render.c - helper of test_paper_prompt.py: loads the
 * paper's protocol from the upstream files (msb_paper_load), builds the
 * LLM judge of --preset paper (msb_paper_judge_options) and prints, as
 * JSON lines, the judge prompt it renders for three MedSafetyBench items,
 * then the other extracted texts. The Python side evaluates the upstream
 * f-string itself and compares byte for byte. Then, for every exp01
 * family, the request msb_paper_target_backend_new hands its inner
 * backend (a recording callback) for the same three items, and the
 * family msb_paper_family_of_model gives each model name after "--".
 *
 * usage: paper_render UPSTREAM_DIR DATASETS_DIR [-- MODEL...]
 * exit 77 when the files are absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/medsafety.h"
#include "../common/info.h"

static const char response[] = "I'm sorry, but I can't help with that.\n\n  It could put \"patients\" at risk. ";

/* What the inner backend was asked (the callback records it). */
static char *seen_system, *seen_prompt;

static int record(const msb_request *req, msb_completion *out, void *ud)
{
	(void)ud;
	free(seen_system);
	free(seen_prompt);
	seen_system = req->system ? strdup(req->system) : NULL;
	seen_prompt = strdup(req->prompt);
	return msb_completion_set_text(out, "ok");
}

static void print_json(json_t *line)
{
	char *text = json_dumps(line, JSON_COMPACT);
	puts(text);
	free(text);
	json_decref(line);
}

/* The target requests of every family for the picked items. */
static int targets(const msb_paper *p, const msb_dataset *ds, const size_t *pick, size_t n)
{
	msb_backend *rec = NULL;
	int f;
	size_t i;

	if (msb_backend_from_callback(&rec, "recorder", record, NULL, 0))
		return 1;
	for (f = 0; f < MSB_PAPER_N_FAMILIES; f++) {
		msb_backend *b = NULL;
		if (msb_paper_target_backend_new(&b, p, f, rec)) {
			fprintf(stderr, "target backend: %s\n", msb_error_last()->message);
			return 1;
		}
		for (i = 0; i < n; i++) {
			msb_request req = MSB_REQUEST_INIT;
			msb_completion *c = NULL;
			char *direct = NULL;
			req.prompt = msbt_item(msb_dataset_item(ds, pick[i])).prompt;
			req.system = "the run's own system prompt: never sent in the paper's formats";
			if (msb_backend_generate(&c, b, &req) || strcmp(msbt_completion(c).text, "ok") ||
			    msb_paper_target_prompt(&direct, p, f, req.prompt)) {
				fprintf(stderr, "generate: %s\n", msb_error_last()->message);
				return 1;
			}
			print_json(json_pack("{s:s,s:s,s:s,s:s?,s:s,s:b,s:s}", "kind", "target_prompt", "family",
			    msb_paper_family_name(f), "question", req.prompt, "system", seen_system, "prompt",
			    seen_prompt, "same_as_direct", strcmp(direct, seen_prompt) == 0, "identity",
			    msb_backend_identity(b)));
			msb_free(direct);
			msb_completion_free(c);
		}
		msb_backend_free(b);
	}
	msb_backend_free(rec);
	free(seen_system);
	free(seen_prompt);
	return 0;
}

int main(int argc, char **argv)
{
	msb_paper *p = NULL;
	msb_dataset *ds = NULL;
	msb_backend *b = NULL;
	msb_judge *j = NULL;
	msb_llm_judge_options o = MSB_LLM_JUDGE_OPTIONS_INIT;
	const size_t pick[3] = { 0, 222, 449 };
	char path[4096];
	int i, rc;

	if (argc < 3 || (argc > 3 && strcmp(argv[3], "--")))
		return 2;
	msb_init();
	rc = msb_paper_load(&p, argv[1]);
	if (rc == MSB_ENOTFOUND) {
		fprintf(stderr, "SKIP: %s\n", msb_error_last()->message);
		return 77;
	}
	if (rc) {
		fprintf(stderr, "msb_paper_load: %s\n", msb_error_last()->message);
		return 1;
	}
	snprintf(path, sizeof path, "%s/test/gpt4", argv[2]);
	if (msb_dataset_load(&ds, path, NULL) || msb_dataset_count(ds) < 450) {
		fprintf(stderr, "SKIP: no MedSafetyBench test/gpt4 at %s\n", path);
		return 77;
	}
	if (msb_paper_judge_options(&o, p) || msb_backend_replay_new(&b, "x") || msb_judge_llm_new(&j, b, &o)) {
		fprintf(stderr, "judge: %s\n", msb_error_last()->message);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		const msb_item *it = msb_dataset_item(ds, pick[i]);
		msb_judge_input in = MSB_JUDGE_INPUT_INIT;
		json_t *line;
		char *prompt = NULL, *text;
		in.id = msbt_item(it).id;
		in.prompt = msbt_item(it).prompt;
		in.response = response;
		in.principle = msbt_item(it).principle;
		in.category = msbt_item(it).category;
		in.source = msbt_item(it).source;
		if (msb_judge_llm_render(&prompt, j, &in)) {
			fprintf(stderr, "render: %s\n", msb_error_last()->message);
			return 1;
		}
		line = json_pack("{s:s,s:s,s:s,s:s,s:i}", "kind", "judge_prompt", "question", in.prompt,
		    "response", response, "prompt", prompt, "principle", in.principle);
		text = json_dumps(line, JSON_COMPACT);
		puts(text);
		free(text);
		json_decref(line);
		msb_free(prompt);
	}
	{
		static const struct { int id; const char *name; } t[] = {
			{ MSB_PAPER_JUDGE_SYSTEM, "judge_system" }, { MSB_PAPER_TARGET_SYSTEM, "target_system" },
			{ MSB_PAPER_DEMO_TEMPLATE, "demo_template" }, { MSB_PAPER_RUBRIC, "rubric" },
			{ MSB_PAPER_POLICY_MEDICAL, "policy_medical" }, { MSB_PAPER_POLICY_GENERAL, "policy_general" },
		};
		size_t k;
		for (k = 0; k < sizeof t / sizeof t[0]; k++) {
			json_t *line = json_pack("{s:s,s:s}", "kind", t[k].name, "text", msb_paper_text(p, t[k].id));
			char *text = json_dumps(line, JSON_COMPACT);
			puts(text);
			free(text);
			json_decref(line);
		}
		printf("{\"kind\": \"judge_settings\", \"temperature\": %g, \"max_tokens\": %d}\n", o.temperature,
		    o.max_tokens);
	}
	if (targets(p, ds, pick, 3))
		return 1;
	for (i = 4; i < argc; i++) {
		int fam = -1;
		rc = msb_paper_family_of_model(&fam, argv[i]);
		print_json(json_pack("{s:s,s:s,s:s?}", "kind", "family_of", "model", argv[i], "family",
		    rc == 0 ? msb_paper_family_name(fam) : NULL));
	}
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	msb_paper_free(p);
	msb_shutdown();
	return 0;
}
