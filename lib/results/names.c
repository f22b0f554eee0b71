/* lib/results/names.c - names of a run's stages (results.jsonl's error.stage). */
#include "medsafety/results.h"
#include "core/enumname.h"

static const char *const stages[] = { "model", "judge" };

const char *msb_stage_name(int stage)
{
	return msb__enum_name(stages, MSB__N(stages), stage);
}

int msb_stage_from_name(const char *name)
{
	return msb__enum_from_name(stages, MSB__N(stages), name, "stage");
}
