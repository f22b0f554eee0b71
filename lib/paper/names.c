/* lib/paper/names.c - names of the paper's texts (msb_paper_text_id). */
#include "medsafety/paper.h"
#include "core/enumname.h"

static const char *const texts[] = { "judge_template", "rubric", "policy_medical",
	"policy_general", "judge_system", "target_system", "demo_template" };

const char *msb_paper_text_id_name(int id)
{
	return msb__enum_name(texts, MSB__N(texts), id);
}

int msb_paper_text_id_from_name(const char *name)
{
	return msb__enum_from_name(texts, MSB__N(texts), name, "paper text");
}
