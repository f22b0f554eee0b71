/*
 * cli/build.h - from the merged run configuration (file + flags) to the
 * library's objects: dataset, model backend, judge (or jury), runner
 * options. The configuration is the only input, so what run.json records
 * is exactly what ran.
 */
#ifndef MEDSAFETY_CLI_BUILD_H
#define MEDSAFETY_CLI_BUILD_H

#include <medsafety/medsafety.h>

#include "dataset_args.h"
#include "config/config.h"

/*
 * Fill dataset args from cfg's dataset section (strings borrowed from
 * cfg). Returns a CLI exit status (0, or 2 with one line printed).
 */
int cli_build_dataset_args(cli_dataset_args *a, const cli_config *cfg, const char *prog);

/* The model backend of model.spec (replay or openai/MODEL). Exit status. */
int cli_build_model(msb_backend **out, const cli_config *cfg, const char *prog);

/*
 * The judge: judge.spec, or for a list of judges a jury (jury.aggregate).
 * Exit status.
 */
int cli_build_judge(msb_judge **out, const cli_config *cfg, const char *prog);

/*
 * Runner options from run.* and model.* (system prompt, generation
 * settings). Strings borrowed from cfg. Exit status.
 */
int cli_build_eval_options(msb_eval_options *o, const cli_config *cfg, const char *prog);

/*
 * Fill in what the user left out, so that run.json shows what ran:
 * dataset.source "sample", model.spec "replay", judge "refusal",
 * model.base_url / judge base_url from OPENAI_BASE_URL for openai SPECs.
 * Exit status.
 */
int cli_build_defaults(cli_config *cfg, const char *prog);
/* An OpenAI-compatible backend for `model` with the HTTP settings of config `section` (e.g. "judge"). */
int cli_build_openai_backend(msb_backend **out, const cli_config *cfg, const char *section,
    const char *model, const char *prog);

/*
 * The model name of an HTTP SPEC (openai/MODEL, anthropic/MODEL,
 * azure/DEPLOYMENT; borrowed from spec) and its MSB_OPENAI_DIALECT_* in
 * *dialect (may be NULL); NULL when spec is none of them.
 */
const char *cli_http_spec(const char *spec, int *dialect);

/* The judge part of cli_build_defaults only. */
int cli_build_judge_defaults(cli_config *cfg, const char *prog);

/* One judge from section "judge" or "judge.N" (not a jury): as cli_build_judge. */
int cli_build_judge_section(msb_judge **out, const cli_config *cfg, const char *section,
    const char *prog);

#endif
