/* lib/backend/names.c - names of the OpenAI engine's endpoints and dialects. */
#include "medsafety/openai.h"
#include "core/enumname.h"

static const char *const endpoints[] = { "chat", "completions" };
static const char *const dialects[] = { "openai", "anthropic", "azure" };

const char *msb_openai_endpoint_name(int endpoint)
{
	return msb__enum_name(endpoints, MSB__N(endpoints), endpoint);
}

int msb_openai_endpoint_from_name(const char *name)
{
	return msb__enum_from_name(endpoints, MSB__N(endpoints), name, "endpoint");
}

const char *msb_openai_dialect_name(int dialect)
{
	return msb__enum_name(dialects, MSB__N(dialects), dialect);
}

int msb_openai_dialect_from_name(const char *name)
{
	return msb__enum_from_name(dialects, MSB__N(dialects), name, "dialect");
}
