/* lib/judge/judge.h - the judge handle (internal). */
#ifndef MSB_JUDGE_JUDGE_H
#define MSB_JUDGE_JUDGE_H

#include <pthread.h>

#include "medsafety/sys/judge.h"

struct msb_judge {
	int refcount; /* atomic */
	msb_judge_vtable vt;
	void *userdata;
	pthread_mutex_t lock;
	char *name;
};

msb_judge *msb__judge_ref(msb_judge *j);
int msb__judge_input_check(const msb_judge_input *in);
/* Make the verdict carry the error when rc < 0; returns the final status. */
int msb__verdict_settle(msb_verdict *v, int rc);

#endif
