/*
 * lib/eval/eval_options.h - layer 0 of the runner (eval_options.c): its
 * options by version, every default explicit. Includes no other layer.
 */
#ifndef MSB_EVAL_EVAL_OPTIONS_H
#define MSB_EVAL_EVAL_OPTIONS_H

#include "medsafety/eval.h"

/*
 * The run's options as the runner uses them (eval_options.c): *out = opts read
 * by its version (NULL: the defaults), every field explicit in version 1's
 * meaning (max_tokens <= 0 = the server's, top_p < 0 = left out, fsync 0 =
 * every write, cancel grace 0 = none). Strings are borrowed from opts.
 * 0 or MSB_EVERSION.
 */
int msb__eval_options_effective(msb_eval_options *out, const msb_eval_options *opts);

#endif
