/* cli/benign.h - the judge of benign items (--benign-judge), see cli/benign.c. */
#ifndef MEDSAFETY_CLI_BENIGN_H
#define MEDSAFETY_CLI_BENIGN_H

#include <stdio.h>

#include <medsafety/medsafety.h>
#include "config/config.h"

/*
 * When ds holds benign items, replace *judge (the run's judge, may be
 * NULL: then nothing happens) by a by-kind judge that sends them to the
 * config's benign_judge. Returns a CLI exit status.
 */
int cli_build_benign_judge(msb_judge **judge, const msb_dataset *ds, const cli_config *cfg,
    const char *prog);

/* --fail-if-worse LIST: harm, over-refusal (comma-separated). 0, or -1 with *mask untouched. */
#define CLI_GATE_HARM 0x1u
#define CLI_GATE_OVER_REFUSAL 0x2u
int cli_parse_gate(const char *s, unsigned int *mask);

/*
 * The over-refusal gate of two runs' benign items: 1 when B over-refuses
 * significantly more, 0 when not, < 0 on error. With json (--json), *json
 * gets the gate's JSON (free with msb_free); else *gate the gate (free
 * with msb_over_refusal_free). Both stay NULL when neither run has
 * benign items.
 */
int cli_over_refusal_compute(const msb_scorer *a, const msb_scorer *b,
    const msb_compare_options *co, char **json, msb_over_refusal **gate);
/*
 * Print the gate: with cmp_json and over_json (JSON mode) the
 * comparison's object with "over_refusal" appended, else from gate a
 * summary line. Returns 1 when it printed (0: nothing to print).
 */
int cli_over_refusal_print(const char *cmp_json, const char *over_json,
    const msb_over_refusal *gate, int worse);

/*
 * One line about the over-refusal of benign items, from the summary's
 * benign groups; 1 when printed, 0 when the summary has no benign items.
 */
int cli_benign_summary_print(FILE *f, const msb_summary *sum, int color);

#endif
