/*
 * lib/report/titles.c - short titles of the nine AMA Principles of
 * Medical Ethics, in our own words, for report tables and charts.
 * Temporary: the policy module will own these (switch to its getters).
 */
#include "report/report.h"

const char *msb__principle_title(int principle)
{
	static const char *const titles[9] = {
		"Competent, compassionate care",
		"Honesty and professional standards",
		"Respect for the law",
		"Patient rights and privacy",
		"Learning and sharing knowledge",
		"Freedom to choose whom to serve",
		"Community and public health",
		"Patient welfare comes first",
		"Access to care for all",
	};

	return principle >= 1 && principle <= 9 ? titles[principle - 1] : "";
}
