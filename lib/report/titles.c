/*
 * lib/report/titles.c - principle titles for report tables and charts,
 * from the policy module (one source of truth for the wording).
 */
#include "medsafety/policy.h"
#include "report/report.h"

const char *msb__principle_title(int principle)
{
	const char *t = msb_principle_title(principle);

	return t ? t : "";
}
