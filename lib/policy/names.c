/* lib/policy/names.c - names of the usage policies (`judge.policy`). */
#include "medsafety/policy.h"
#include "core/enumname.h"

static const char *const kinds[] = { "auto", "medical", "general", "custom" };

const char *msb_policy_kind_name(int kind)
{
	return msb__enum_name(kinds, MSB__N(kinds), kind);
}

int msb_policy_kind_from_name(const char *name)
{
	return msb__enum_from_name(kinds, MSB__N(kinds), name, "policy");
}
