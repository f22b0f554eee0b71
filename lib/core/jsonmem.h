/* lib/core/jsonmem.h - releasing memory that jansson allocated for us. */
#ifndef MSB_CORE_JSONMEM_H
#define MSB_CORE_JSONMEM_H

/*
 * Free a string that jansson allocated (json_dumps, json_dumpb). jansson
 * allocates it with the functions the host may have installed with
 * json_set_alloc_funcs, so plain free() would hand the host's memory to
 * libc. NULL is accepted.
 */
void msb__json_free(void *ptr);

#endif
