/*
 * lib/core/init.c - counted msb_init()/msb_shutdown(), libcurl's global
 * initialisation, and the version.
 *
 * libcurl is loaded on first HTTP use (core/curlsym.c), and its global
 * initialisation (curl_global_init, which also loads and configures
 * OpenSSL's TLS side: about 2 ms of CPU) happens then too:
 * msb__http_init(), which the HTTP users (backends, dataset fetch) call
 * before their first handle. Work without HTTP (dataset stats and export,
 * reports, comparisons) neither loads nor initialises libcurl.
 * curl_global_init is thread-safe with libcurl 7.84 and later
 * (CURL_VERSION_THREADSAFE). When built against older libcurl headers,
 * msb_init loads and initialises libcurl up front as before: it must not
 * run while other threads use libcurl. (Built against newer headers but
 * run with a libcurl older than 7.84, the first HTTP use is that moment.)
 */
#include <pthread.h>

#include "medsafety/common.h"
#include "medsafety/version.h"
#include "core/curlsym.h"
#include "core/error.h"
#include "core/init.h"

static pthread_mutex_t g_init_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_init_count;
static int g_curl_done; /* we called curl_global_init (and owe one curl_global_cleanup) */

/* 1: curl_global_init waits for the first HTTP use (libcurl headers >= 7.84). */
static int curl_lazy_ok(void)
{
#ifdef CURL_VERSION_THREADSAFE
	return 1;
#else
	return 0;
#endif
}

/* With g_init_lock held. */
static int curl_init_locked(const char *who)
{
	CURLcode cc;
	int rc;

	if (g_curl_done)
		return 0;
	if ((rc = msb__curl_load())) /* the error says libcurl could not be loaded, and why */
		return rc;
	cc = msb__curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cc != CURLE_OK)
		return msb__error_set(MSB_ERROR, "%s: curl_global_init failed: %s", who, msb__curl_easy_strerror(cc));
	g_curl_done = 1;
	return 0;
}

int msb__http_init(void)
{
	int rc;

	pthread_mutex_lock(&g_init_lock);
	rc = g_init_count > 0 ? curl_init_locked("msb_init (HTTP)")
	    : msb__error_set(MSB_ESTATE, "call msb_init() first");
	pthread_mutex_unlock(&g_init_lock);
	return rc;
}

int msb__http_initialised(void)
{
	int done;

	pthread_mutex_lock(&g_init_lock);
	done = g_curl_done;
	pthread_mutex_unlock(&g_init_lock);
	return done;
}

int msb_init(void)
{
	int rc;

	pthread_mutex_lock(&g_init_lock);
	if (g_init_count == 0 && !curl_lazy_ok() && (rc = curl_init_locked("msb_init"))) {
		pthread_mutex_unlock(&g_init_lock);
		return rc;
	}
	rc = ++g_init_count;
	pthread_mutex_unlock(&g_init_lock);
	return rc;
}

int msb_shutdown(void)
{
	int rc;

	pthread_mutex_lock(&g_init_lock);
	if (g_init_count == 0) {
		pthread_mutex_unlock(&g_init_lock);
		return msb__error_set(MSB_ESTATE, "msb_shutdown: the library is not initialised");
	}
	rc = --g_init_count;
	if (rc == 0 && g_curl_done) {
		msb__curl_global_cleanup();
		g_curl_done = 0;
	}
	pthread_mutex_unlock(&g_init_lock);
	return rc;
}

int msb__init_count(void)
{
	int n;

	pthread_mutex_lock(&g_init_lock);
	n = g_init_count;
	pthread_mutex_unlock(&g_init_lock);
	return n;
}

const char *msb_version(void)
{
	return MSB_VERSION;
}

int msb_version_number(void)
{
	return MSB_VERSION_NUMBER;
}
