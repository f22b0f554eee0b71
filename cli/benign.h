/* cli/benign.h - the judge of benign items (--benign-judge), see cli/benign.c. */
#ifndef MEDSAFETY_CLI_BENIGN_H
#define MEDSAFETY_CLI_BENIGN_H

#include <medsafety/medsafety.h>

/*
 * When ds holds benign items, replace *judge (the run's judge, may be
 * NULL: then nothing happens) by a by-kind judge that sends them to the
 * config's benign_judge. Returns a CLI exit status.
 */
int cli_build_benign_judge(msb_judge **judge, const msb_dataset *ds, const msb_config *cfg,
    const char *prog);

#endif
