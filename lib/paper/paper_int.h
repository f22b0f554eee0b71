/* lib/paper/paper_int.h - the protocol handle, shared by paper.c and target.c. */
#ifndef MSB_PAPER_INT_H
#define MSB_PAPER_INT_H

#include "medsafety/paper.h"

struct msb_paper {
	char *text[MSB_PAPER_N_TEXTS];
	char *family[MSB_PAPER_N_FAMILIES]; /* exp01's target prompt per family, placeholder {question} */
};

/* Replace every `from` in *s by `to` (*s is replaced). 0 or MSB_ENOMEM. */
int msb__paper_replace(char **s, const char *from, const char *to);

/* Fill p->family from exp01's source (the "lambda row:" formats, in file order). */
int msb__paper_load_families(msb_paper *p, const char *exp01);

#endif
