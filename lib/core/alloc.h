/* lib/core/alloc.h - internal allocation helpers over the msb_allocator hook. */
#ifndef MSB_CORE_ALLOC_H
#define MSB_CORE_ALLOC_H

#include <stddef.h>

/*
 * All return NULL on failure and set the thread's last error to
 * MSB_ENOMEM, so callers can simply `return msb_error_last()->code`
 * or propagate MSB_ENOMEM.
 */
void *msb__malloc(size_t size);
void *msb__calloc(size_t n, size_t size);
void *msb__realloc(void *ptr, size_t size);
/* reallocarray: fails cleanly (MSB_ENOMEM) on n * size overflow */
void *msb__reallocarray(void *ptr, size_t n, size_t size);
void msb__free(void *ptr);
char *msb__strdup(const char *s);
char *msb__strndup(const char *s, size_t n);
/* duplicate NULL as NULL (returns 0), anything else like msb__strdup */
int msb__strdup_opt(char **out, const char *s);

/* 1 while an allocator other than libc's is installed */
int msb__allocator_is_custom(void);

#endif
