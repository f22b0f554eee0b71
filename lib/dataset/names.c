/* lib/dataset/names.c - names of the dataset formats (`--format`, export formats). */
#include "medsafety/dataset.h"
#include "core/enumname.h"

static const char *const formats[] = { "auto", "medsafetybench", "csv", "text", "json", "jsonl",
	"hexphi", "openai-chat", "alpaca" };

const char *msb_format_name(int format)
{
	return msb__enum_name(formats, MSB__N(formats), format);
}

int msb_format_from_name(const char *name)
{
	return msb__enum_from_name(formats, MSB__N(formats), name, "dataset format");
}

/* msb_clean_counter starts at 1 (MSB_CLEANED_TOKENS) */
static const char *const clean_counters[] = { NULL, "tokens", "quotes", "duplicates" };

const char *msb_clean_counter_name(int counter)
{
	return msb__enum_name(clean_counters, MSB__N(clean_counters), counter);
}

int msb_clean_counter_from_name(const char *name)
{
	return msb__enum_from_name(clean_counters, MSB__N(clean_counters), name, "clean counter");
}
