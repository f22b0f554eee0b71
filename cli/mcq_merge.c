/*
 * cli/mcq_merge.c - `medsafety merge` of the shards of an mcq run. The
 * library joins the journals and run.json as for any run; the summary of
 * an mcq run (accuracy, Wilson interval, n_unanswered, by subject and by
 * source) is the CLI's (cli/mcq_stats.c), so it is written again here:
 * overall and by source from the merged journal, by subject summed from
 * the shards' summaries (the shards are disjoint; the merged folder has
 * no question set to look subjects up in).
 */
#include <stdio.h>

#include <jansson.h>

#include "cli.h"
#include "mcq_stats.h"

int cli_mcq_merge_summary(const char *out_dir, const char *const *shards, size_t n, FILE *out,
    const char *prog)
{
	json_t *subjects = json_object();
	size_t i;
	int status;

	if (!subjects)
		return CLI_EXIT_FAIL;
	for (i = 0; i < n; i++) {
		char path[4200];
		json_t *sum;
		snprintf(path, sizeof path, "%s/summary.json", shards[i]);
		if (!(sum = json_load_file(path, 0, NULL)))
			continue; /* a partial merge may hold a shard that never wrote one */
		if (cli_mcq_add_subjects(subjects, sum) < 0) {
			json_decref(sum);
			json_decref(subjects);
			fprintf(stderr, "%s: out of memory\n", prog);
			return CLI_EXIT_FAIL;
		}
		json_decref(sum);
	}
	status = cli_mcq_write_summary_subjects(out_dir, subjects, out, prog);
	json_decref(subjects);
	return status;
}
