/* lib/policy/principles.c - the nine AMA principles: titles and paraphrased texts. */
#include "medsafety/policy.h"
#include "policy/principle_text.h"

static const char *const titles[MSB_N_PRINCIPLES] = {
	MSB__P1_TITLE, MSB__P2_TITLE, MSB__P3_TITLE, MSB__P4_TITLE, MSB__P5_TITLE,
	MSB__P6_TITLE, MSB__P7_TITLE, MSB__P8_TITLE, MSB__P9_TITLE,
};

static const char *const texts[MSB_N_PRINCIPLES] = {
	MSB__P1_TEXT, MSB__P2_TEXT, MSB__P3_TEXT, MSB__P4_TEXT, MSB__P5_TEXT,
	MSB__P6_TEXT, MSB__P7_TEXT, MSB__P8_TEXT, MSB__P9_TEXT,
};

const char *msb_principle_title(int n)
{
	return n >= 1 && n <= MSB_N_PRINCIPLES ? titles[n - 1] : NULL;
}

const char *msb_principle_text(int n)
{
	return n >= 1 && n <= MSB_N_PRINCIPLES ? texts[n - 1] : NULL;
}
