/* lib/stats/names.c - names of group kinds and unpaired kinds (summary.json, compare JSON). */
#include "medsafety/stats.h"
#include "core/enumname.h"

static const char *const group_kinds[] = { "overall", "principle", "source", "split",
	"category" };
static const char *const unpaired[] = { "only_a", "only_b", "unscored" };

int msb_group_kind_from_name(const char *name)
{
	return msb__enum_from_name(group_kinds, MSB__N(group_kinds), name, "group kind");
}

const char *msb_unpaired_kind_name(int kind)
{
	return msb__enum_name(unpaired, MSB__N(unpaired), kind);
}

int msb_unpaired_kind_from_name(const char *name)
{
	return msb__enum_from_name(unpaired, MSB__N(unpaired), name, "unpaired kind");
}
