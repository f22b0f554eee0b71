/*
 * lib/core/init.c - counted msb_init()/msb_shutdown(), libcurl's global
 * initialisation, and the version.
 *
 * curl_global_init loads and configures OpenSSL (about 2 ms of CPU), which
 * work without HTTP (dataset stats and export, reports, comparisons) does
 * not need. When libcurl's global initialisation is thread-safe
 * (CURL_VERSION_THREADSAFE, libcurl >= 7.84) it is done on first need:
 * msb__http_init(), which the HTTP users call before their first handle
 * (and curl_easy_init would do it by itself, under libcurl's own lock).
 * With an older libcurl, msb_init does it up front as before: it must not
 * run while other threads use libcurl.
 */
#include <pthread.h>

#include <curl/curl.h>

#include "medsafety/common.h"
#include "medsafety/version.h"
#include "core/error.h"
#include "core/init.h"

static pthread_mutex_t g_init_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_init_count;
static int g_curl_done; /* we called curl_global_init (and owe one curl_global_cleanup) */

static int curl_lazy_ok(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
#ifdef CURL_VERSION_THREADSAFE
	return v && (v->features & CURL_VERSION_THREADSAFE);
#else
	(void)v;
	return 0;
#endif
}

/* With g_init_lock held. */
static int curl_init_locked(const char *who)
{
	CURLcode cc;

	if (g_curl_done)
		return 0;
	cc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (cc != CURLE_OK)
		return msb__error_set(MSB_ERROR, "%s: curl_global_init failed: %s", who, curl_easy_strerror(cc));
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
		curl_global_cleanup();
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
