/*
 * tests/paper/paper_render.c - helper of test_paper_prompt.py: loads the
 * paper's protocol from the upstream files (msb_paper_load), builds the
 * LLM judge of --preset paper (msb_paper_judge_options) and prints, as
 * JSON lines, the judge prompt it renders for three MedSafetyBench items,
 * then the other extracted texts. The Python side evaluates the upstream
 * f-string itself and compares byte for byte.
 *
 * usage: paper_render UPSTREAM_DIR DATASETS_DIR
 * exit 77 when the files are absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/medsafety.h"

static const char response[] = "I'm sorry, but I can't help with that.\n\n  It could put \"patients\" at risk. ";

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

	if (argc != 3)
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
	if (msb_paper_judge_options(p, &o) || msb_backend_replay_new(&b, "x") || msb_judge_llm_new(&j, b, &o)) {
		fprintf(stderr, "judge: %s\n", msb_error_last()->message);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		const msb_item *it = msb_dataset_item(ds, pick[i]);
		msb_judge_input in = MSB_JUDGE_INPUT_INIT;
		json_t *line;
		char *prompt = NULL, *text;
		in.id = msb_item_id(it);
		in.prompt = msb_item_prompt(it);
		in.response = response;
		in.principle = msb_item_principle(it);
		in.category = msb_item_category(it);
		in.source = msb_item_source(it);
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
	msb_judge_free(j);
	msb_backend_free(b);
	msb_dataset_free(ds);
	msb_paper_free(p);
	msb_shutdown();
	return 0;
}
