/* lib/mcq/names.c - names of the question-set formats (`medsafety mcq --format`). */
#include "medsafety/mcq.h"
#include "core/enumname.h"

static const char *const formats[] = { "auto", "medqa", "medmcqa", "pubmedqa", "mmlu",
	"generic" };

const char *msb_mcq_format_name(int format)
{
	return msb__enum_name(formats, MSB__N(formats), format);
}

int msb_mcq_format_from_name(const char *name)
{
	return msb__enum_from_name(formats, MSB__N(formats), name, "question-set format");
}

static const char *const cops[] = { "auto", "one", "zero" };

const char *msb_mcq_cop_name(int cop)
{
	return msb__enum_name(cops, MSB__N(cops), cop);
}

int msb_mcq_cop_from_name(const char *name)
{
	return msb__enum_from_name(cops, MSB__N(cops), name, "MedMCQA cop base");
}
