/* lib/core/alloc.c - the allocator hook and msb_free(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/init.h"

static void *libc_malloc(size_t size, void *ud) { (void)ud; return malloc(size); }
static void *libc_realloc(void *p, size_t size, void *ud) { (void)ud; return realloc(p, size); }
static void libc_free(void *p, void *ud) { (void)ud; free(p); }

static msb_allocator g_alloc = {
	MSB_ALLOCATOR_VERSION, libc_malloc, libc_realloc, libc_free, NULL
};
static int g_custom;

int msb_set_allocator(const msb_allocator *a)
{
	if (msb__init_count() > 0)
		return msb__error_set(MSB_ESTATE,
		    "msb_set_allocator: the library is initialised; call it before msb_init()");
	if (!a) {
		g_alloc.malloc = libc_malloc;
		g_alloc.realloc = libc_realloc;
		g_alloc.free = libc_free;
		g_alloc.userdata = NULL;
		g_custom = 0;
		return 0;
	}
	if (a->version < 1 || a->version > MSB_ALLOCATOR_VERSION)
		return msb__error_set(MSB_EVERSION,
		    "msb_set_allocator: unsupported allocator version %u", a->version);
	if (!a->malloc || !a->realloc || !a->free)
		return msb__error_set(MSB_EINVAL,
		    "msb_set_allocator: malloc, realloc and free must all be set");
	g_alloc = *a;
	g_custom = 1;
	return 0;
}

int msb__allocator_is_custom(void) { return g_custom; }

void *msb__malloc(size_t size)
{
	void *p = g_alloc.malloc(size ? size : 1, g_alloc.userdata);
	if (!p)
		msb__error_set(MSB_ENOMEM, "out of memory (%zu bytes)", size);
	return p;
}

void *msb__calloc(size_t n, size_t size)
{
	void *p;
	if (size && n > SIZE_MAX / size) {
		msb__error_set(MSB_ENOMEM, "allocation size overflow");
		return NULL;
	}
	p = msb__malloc(n * size);
	if (p)
		memset(p, 0, (n * size) > 0 ? n * size : 1);
	return p;
}

void *msb__realloc(void *ptr, size_t size)
{
	void *p = g_alloc.realloc(ptr, size ? size : 1, g_alloc.userdata);
	if (!p)
		msb__error_set(MSB_ENOMEM, "out of memory (%zu bytes)", size);
	return p;
}

void *msb__reallocarray(void *ptr, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		msb__error_set(MSB_ENOMEM, "allocation size overflow");
		return NULL;
	}
	return msb__realloc(ptr, n * size);
}

void msb__free(void *ptr)
{
	if (ptr)
		g_alloc.free(ptr, g_alloc.userdata);
}

void msb_free(void *ptr)
{
	msb__free(ptr);
}

char *msb__strndup(const char *s, size_t n)
{
	char *p = msb__malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *msb__strdup(const char *s)
{
	return msb__strndup(s, strlen(s));
}

int msb__strdup_opt(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = msb__strdup(s);
	return *out ? 0 : MSB_ENOMEM;
}
