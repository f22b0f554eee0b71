/*
 * cli/preset.h - `--preset paper`: the paper's protocol (docs/reproduce-paper.md) as
 * defaults of a run configuration, taken from the upstream scripts at run time.
 */
#ifndef MEDSAFETY_CLI_PRESET_H
#define MEDSAFETY_CLI_PRESET_H

#include <medsafety/medsafety.h>
#include "config/config.h"

/*
 * When run.preset is "paper": load the protocol from run.paper_files (or
 * the folder of `medsafety dataset fetch paper-protocol`) and fill what
 * the configuration leaves unset: the target's system prompt,
 * temperature 0 and 512 tokens for the model and every judge, the
 * judges' system prompt. Exit status (2 with how to fetch the files).
 */
int cli_preset_apply(cli_config *cfg, const char *prog);

/*
 * For an LLM judge being built: with the paper preset and no template /
 * rubric / policy of the judge's own (section, e.g. "judge"), the
 * paper's template, rubric and per-dataset policies. Strings stay valid
 * until the process exits.
 */
void cli_preset_judge(const cli_config *cfg, const char *section, msb_llm_judge_options *o);

/*
 * The target's format for `medsafety run --preset paper`: exp01's model
 * family from run.paper_family, else from the model name (a name of no
 * family: the GPT format, with a note). For every family but GPT, the
 * model defaults to the /completions endpoint, plain prompt format, no
 * system prompt (the family's format holds its own). Call before
 * cli_preset_apply. Exit status.
 */
int cli_preset_target(cli_config *cfg, const char *prog);

/*
 * After cli_preset_apply and cli_build_model: with a family other than
 * GPT, replace *model by a backend that sends exp01's prompt of the
 * family (msb_paper_target_backend_new). Exit status.
 */
int cli_preset_model(msb_backend **model, const cli_config *cfg, const char *prog);

/* A text of the paper's protocol when the preset is on (after cli_preset_apply), else NULL. */
const char *cli_preset_text(const cli_config *cfg, int id);

#endif
