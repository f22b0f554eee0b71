/* lib/mcq/load.h - the file loaders of msb_mcq_load (internal). */
#ifndef MSB_MCQ_LOAD_H
#define MSB_MCQ_LOAD_H

#include "mcq/mcq.h"

/* Read `path`, detect the format unless opts->format names one, append to set. */
int msb__mcq_load_file(msb_mcq_set *set, const char *path, const msb_mcq_load_options *opts);

#endif
