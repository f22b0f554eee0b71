/*
 * lib/core/curlsym.c - loading libcurl on first HTTP use (curlsym.h says
 * why). dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL) once under
 * pthread_once; the library stays loaded until the process ends (libcurl's
 * global state and its TLS library do not support being unloaded).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/curlsym.h"
#include "core/error.h"

/* The soname of libcurl's ABI 4 (every libcurl since 7.16). */
#define MSB__CURL_SONAME "libcurl.so.4"

struct msb__curl_api msb__curl;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_status = MSB_ESTATE; /* 0 once loaded */
static char g_why[512];           /* why loading failed, for every later call */

/* dlsym's void * to a function pointer (POSIX allows this conversion). */
static int resolve(void *lib, const char *name, void *slot, size_t size)
{
	void *p;

	dlerror();
	p = dlsym(lib, name);
	if (!p) {
		const char *e = dlerror();

		snprintf(g_why, sizeof g_why, "%s", e ? e : name);
		return -1;
	}
	memcpy(slot, &p, size);
	return 0;
}

static void load_once(void)
{
	struct msb__curl_api api;
	const char *file = secure_getenv("MSB_TEST_LIBCURL");
	void *lib;

	if (!file || !*file)
		file = MSB__CURL_SONAME;
	lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();

		snprintf(g_why, sizeof g_why, "%s", e ? e : file);
		g_status = MSB_EUNSUPPORTED;
		return;
	}
	memset(&api, 0, sizeof api);
#define MSB__CURL_RESOLVE(n) \
	if (resolve(lib, "curl_" #n, &api.n, sizeof api.n)) { \
		dlclose(lib); \
		g_status = MSB_EUNSUPPORTED; \
		return; \
	}
	MSB__CURL_FUNCTIONS(MSB__CURL_RESOLVE)
#undef MSB__CURL_RESOLVE
	msb__curl = api;
	__atomic_store_n(&g_status, 0, __ATOMIC_RELEASE);
}

int msb__curl_load(void)
{
	pthread_once(&g_once, load_once);
	if (g_status) /* pthread_once orders this read after load_once's writes */
		return msb__error_set(g_status, "HTTP is not available: cannot load libcurl (%s)", g_why);
	return 0;
}

int msb__curl_loaded(void)
{
	return __atomic_load_n(&g_status, __ATOMIC_ACQUIRE) == 0;
}
