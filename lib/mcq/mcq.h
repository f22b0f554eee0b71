/* lib/mcq/mcq.h - multiple-choice questions (internal). */
#ifndef MSB_MCQ_MCQ_H
#define MSB_MCQ_MCQ_H

#include <stddef.h>

#include "medsafety/mcq.h"

/* msb__mcq_letters results */
#define MSB__MCQ_NONE     0 /* no letter at all */
#define MSB__MCQ_FOUND    1 /* exactly one letter, *index set */
#define MSB__MCQ_CONFLICT 2 /* several letters, or one beyond the options */

/* Passes 1 and 2 of answer.c; *index = -1 unless FOUND. Never fails. */
int msb__mcq_letters(const char *text, int n_options, int *index);

/*
 * Pass 3: the text of exactly one option (match.c). 1 found, 0 not,
 * MSB_ENOMEM. *index = -1 unless found.
 */
int msb__mcq_match_text(const char *text, const char *const *options, int n_options, int *index);

/* One question; every string is owned by the set (one allocation each). */
typedef struct msb__mcq_question {
	char *id, *question, *context, *subject, *source;
	char *options[MSB_MCQ_MAX_OPTIONS];
	int n_options;
	int answer;
} msb__mcq_question;

struct msb_mcq_set {
	msb__mcq_question *q;
	size_t n, cap;
	int refs; /* the caller's and every judge's (atomic) */
};

/* Take a reference (a judge over the set holds one); msb_mcq_set_free releases it. */
msb_mcq_set *msb__mcq_set_ref(msb_mcq_set *set);

/* Append a zeroed question; NULL on ENOMEM (error set). */
msb__mcq_question *msb__mcq_push(msb_mcq_set *set);
/* Duplicate into *dst; MSB_ENOMEM. NULL s gives "". */
int msb__mcq_dup(char **dst, const char *s);
/* Question i's id and subject (borrowed), NULL when i is out of range. */
const char *msb__mcq_id(const msb_mcq_set *set, size_t i);
const char *msb__mcq_subject(const msb_mcq_set *set, size_t i);
/* New empty set (NULL on ENOMEM). */
msb_mcq_set *msb__mcq_set_new(void);

#endif
