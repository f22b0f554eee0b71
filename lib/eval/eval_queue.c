/*
 * lib/eval/eval_queue.c - layer 1 of the runner: work units (tasks) and
 * their FIFO queues. Uses nothing of the runner but the task's fields.
 */
#include <stddef.h>

#include "core/alloc.h"
#include "eval/eval_queue.h"

void msb__taskq_push(msb__taskq *q, msb__task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
}

msb__task *msb__taskq_pop(msb__taskq *q)
{
	msb__task *t = q->head;

	if (!t)
		return NULL;
	q->head = t->next;
	if (!q->head)
		q->tail = NULL;
	q->n--;
	t->next = NULL;
	return t;
}

void msb__taskq_splice(msb__taskq *dst, msb__taskq *src)
{
	if (!src->head)
		return;
	if (dst->tail)
		dst->tail->next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	dst->n += src->n;
	src->head = src->tail = NULL;
	src->n = 0;
}

void msb__task_free(msb__task *t)
{
	if (!t)
		return;
	msb_completion_free(t->c);
	msb_verdict_free(t->v);
	msb__free(t);
}
