/* lib/core/init.c - counted msb_init()/msb_shutdown() and the version. */
#include <pthread.h>

#include <curl/curl.h>

#include "medsafety/common.h"
#include "medsafety/version.h"
#include "core/error.h"
#include "core/init.h"

static pthread_mutex_t g_init_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_init_count;

int msb_init(void)
{
	int rc;

	pthread_mutex_lock(&g_init_lock);
	if (g_init_count == 0) {
		CURLcode cc = curl_global_init(CURL_GLOBAL_DEFAULT);
		if (cc != CURLE_OK) {
			pthread_mutex_unlock(&g_init_lock);
			return msb__error_set(MSB_ERROR, "msb_init: curl_global_init failed: %s",
			    curl_easy_strerror(cc));
		}
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
	if (rc == 0)
		curl_global_cleanup();
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
