/*
 * lib/eval/eval_request.c - layer 3 of the runner: what a task sends, the
 * model request and the judge's input, built the same way by the stages,
 * the answers journal, the cache and the batch stages.
 */
#include "dataset/dataset.h"
#include "eval/eval_request.h"
#include "backend/completion.h"
#include "judge/verdict.h"

void msb__eval_build_request(const msb_eval *ev, const msb__task *t, msb_request *r)
{
	msb_request_init(r, MSB_REQUEST_VERSION);
	r->id = msb__item_id(t->item);
	r->system = ev->system_prompt[0] ? ev->system_prompt : NULL;
	r->prompt = msb__item_prompt(t->item);
	r->reference = msb__item_reference(t->item);
	r->max_tokens = ev->o.max_tokens;
	r->temperature = ev->o.temperature;
	r->top_p = ev->o.top_p;
	if (ev->o.has_seed || ev->o.epochs > 1) {
		r->has_seed = 1;
		r->seed = ev->o.seed + t->sample;
	}
	r->sample_index = t->sample;
}

void msb__eval_build_judge_input(const msb__task *t, msb_judge_input *in)
{
	msb_judge_input_init(in, MSB_JUDGE_INPUT_VERSION);
	in->id = msb__item_id(t->item);
	in->prompt = msb__item_prompt(t->item);
	in->response = msb__completion_text(t->c);
	in->principle = msb__item_principle(t->item);
	in->category = msb__item_category(t->item);
	in->source = msb__item_source(t->item);
}
