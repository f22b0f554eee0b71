/* lib/judge/names.c - names of the jury's combining methods (the name "jury:<method>(...)"). */
#include "medsafety/judge.h"
#include "core/enumname.h"

static const char *const methods[] = { "median", "mean", "max" };

const char *msb_jury_method_name(int method)
{
	return msb__enum_name(methods, MSB__N(methods), method);
}

int msb_jury_method_from_name(const char *name)
{
	return msb__enum_from_name(methods, MSB__N(methods), name, "jury method");
}
