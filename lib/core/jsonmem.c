/* lib/core/jsonmem.c - see jsonmem.h. */
#include <stdlib.h>

#include <jansson.h>

#include "core/jsonmem.h"

void msb__json_free(void *ptr)
{
	json_free_t fn = NULL;

	if (!ptr)
		return;
	json_get_alloc_funcs(NULL, &fn);
	(fn ? fn : free)(ptr);
}
