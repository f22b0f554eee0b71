/*
 * lib/eval/batch_http.c - the batch providers' HTTP calls (batch_http.h):
 * blocking libcurl easy calls with the HTTP backend's headers and TLS
 * settings. A batch API is called a handful of times per batch (create,
 * polls, downloads): no need for the backend's multi handle.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "medsafety/version.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/curlsym.h"
#include "core/error.h"
#include "backend/backend.h"
#include "backend/openai.h"
#include "backend/openai_backend.h"
#include "eval/batch_http.h"

/* A failed call is tried this many times (transient: connection, 429, 5xx). */
#define TRIES 4

oa *msb__batch_http_backend(struct msb_backend *b)
{
	return b && b->vt.submit == msb__oa_submit ? b->userdata : NULL;
}

static size_t write_buf(char *p, size_t size, size_t n, void *ud)
{
	return msb_buf_put(ud, p, size * n) ? 0 : size * n;
}

static size_t write_file(char *p, size_t size, size_t n, void *ud)
{
	return fwrite(p, size, n, ud) * size;
}

static CURL *easy(msb__batch_http *h, const char *url, struct curl_slist *hdrs)
{
	CURL *e = msb__curl_easy_init();

	if (!e)
		return NULL;
	msb__curl_easy_setopt(e, CURLOPT_URL, url);
	msb__curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	msb__curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	msb__curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, h->be->o.connect_timeout_ms);
	msb__curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->be->o.tls_verify ? 1L : 0L);
	msb__curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->be->o.tls_verify ? 2L : 0L);
	if (h->be->ca_file)
		msb__curl_easy_setopt(e, CURLOPT_CAINFO, h->be->ca_file);
	if (h->be->ca_path)
		msb__curl_easy_setopt(e, CURLOPT_CAPATH, h->be->ca_path);
	msb__curl_easy_setopt(e, CURLOPT_USERAGENT, "libmedsafety/" MSB_VERSION);
	msb__curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	return e;
}

/* The URL of a path under the base (the base's query string kept: Azure's api-version). */
static char *url_of(const msb__batch_http *h, const char *path)
{
	msb_buf b = MSB_BUF_INIT;

	msb_buf_printf(&b, "%s%s%s", h->base, path, h->query);
	return msb_buf_detach(&b);
}

static int transient(long status, CURLcode res)
{
	return res != CURLE_OK || status == 429 || status >= 500;
}

int msb__batch_http_call(msb__batch_http *h, const char *path, const char *json,
    curl_mime *(*form)(CURL *, void *), void *form_ud, msb_buf *resp, FILE *to_file)
{
	char *url = url_of(h, path);
	msb_buf scratch = MSB_BUF_INIT;
	long status = 0;
	CURLcode res = CURLE_OK;
	int attempt, rc = 0;

	if (!url)
		return MSB_ENOMEM;
	if (!resp)
		resp = &scratch; /* a download's error body */
	for (attempt = 1; attempt <= TRIES; attempt++) {
		CURL *e = easy(h, url, form ? h->form_hdrs : h->json_hdrs);
		curl_mime *mime = NULL;
		char err[CURL_ERROR_SIZE] = "";

		if (!e) {
			rc = MSB_ENOMEM;
			break;
		}
		msb__curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
		if (form) {
			if (!(mime = form(e, form_ud))) {
				msb__curl_easy_cleanup(e);
				rc = MSB_ENOMEM;
				break;
			}
			msb__curl_easy_setopt(e, CURLOPT_MIMEPOST, mime);
		} else if (json) {
			msb__curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
		}
		if (to_file) {
			rewind(to_file);
			if (ftruncate(fileno(to_file), 0) < 0) { /* a retried download starts over */
			}
			msb__curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_file);
			msb__curl_easy_setopt(e, CURLOPT_WRITEDATA, to_file);
		} else {
			msb_buf_clear(resp);
			msb__curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_buf);
			msb__curl_easy_setopt(e, CURLOPT_WRITEDATA, resp);
		}
		res = msb__curl_easy_perform(e);
		status = 0;
		msb__curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		msb__curl_easy_cleanup(e);
		msb__curl_mime_free(mime);
		if (!transient(status, res) && status >= 200 && status < 300) {
			rc = 0;
			break;
		}
		if (res != CURLE_OK) {
			rc = msb__error_set(MSB_EHTTP, "batch: %s: %s", path,
			    err[0] ? err : msb__curl_easy_strerror(res));
		} else {
			char msg[512] = "";
			if (!to_file)
				msb__openai_error_message(resp->ptr ? resp->ptr : "", resp->len, msg, sizeof msg);
			msb__oa_redact(h->be, msg);
			rc = msb__error_set(MSB_EHTTP, "batch: %s: HTTP %ld: %s", path, status, msg);
		}
		if (!transient(status, res))
			break;
		if (attempt < TRIES)
			usleep((useconds_t)(250000u << attempt)); /* 0.5 s, 1 s, 2 s */
	}
	msb_buf_dispose(&scratch);
	msb__free(url);
	return rc;
}

static int call_json(msb__batch_http *h, const char *path, const char *json, json_t **out)
{
	msb_buf resp = MSB_BUF_INIT;
	int rc = msb__batch_http_call(h, path, json, NULL, NULL, &resp, NULL);

	*out = NULL;
	if (!rc && !(*out = json_loadb(resp.ptr ? resp.ptr : "", resp.len, 0, NULL)))
		rc = msb__error_set(MSB_EPARSE, "batch: %s: the answer is not JSON", path);
	msb_buf_dispose(&resp);
	return rc;
}

int msb__batch_http_post(msb__batch_http *h, const char *path, const char *json, json_t **out)
{
	return call_json(h, path, json, out);
}

int msb__batch_http_get(msb__batch_http *h, const char *path, json_t **out)
{
	return call_json(h, path, NULL, out);
}

int msb__batch_http_download(msb__batch_http *h, const char *path, const char *path_out)
{
	FILE *f = fopen(path_out, "w+e");
	int rc;

	if (!f)
		return msb__error_set(MSB_EIO, "%s: cannot create: %s", path_out, strerror(errno));
	rc = msb__batch_http_call(h, path, NULL, NULL, NULL, NULL, f);
	if (fflush(f) || fsync(fileno(f)))
		rc = rc ? rc : msb__error_set(MSB_EIO, "%s: cannot write: %s", path_out, strerror(errno));
	fclose(f);
	return rc;
}

int msb__batch_safe_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n < 128 && s[0] != '.' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") == n;
}

int msb__batch_copy_id(char dst[128], json_t *o, const char *key, const char *what)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!msb__batch_safe_id(s))
		return msb__error_set(MSB_EPARSE, "batch: %s: no usable \"%s\" in the answer", what, key);
	strcpy(dst, s);
	return 0;
}

/* The backend's headers, without Content-Type when `form` (multipart sets its own). */
static int copy_headers(struct curl_slist **out, const struct curl_slist *in, int form)
{
	for (; in; in = in->next) {
		struct curl_slist *l;
		if (form && !strncasecmp(in->data, "Content-Type:", 13))
			continue;
		if (!(l = msb__curl_slist_append(*out, in->data)))
			return MSB_ENOMEM;
		*out = l;
	}
	return 0;
}

int msb__batch_http_init(msb__batch_http *h, oa *be, const char *base, size_t base_len,
    const char *query)
{
	memset(h, 0, sizeof *h);
	h->be = be;
	h->base = msb__strndup(base, base_len);
	h->query = msb__strdup(query ? query : "");
	if (!h->base || !h->query || copy_headers(&h->json_hdrs, be->headers, 0) ||
	    copy_headers(&h->form_hdrs, be->headers, 1)) {
		msb__batch_http_dispose(h);
		return MSB_ENOMEM;
	}
	return 0;
}

void msb__batch_http_dispose(msb__batch_http *h)
{
	msb__curl_slist_free_all(h->json_hdrs);
	msb__curl_slist_free_all(h->form_hdrs);
	msb__free(h->base);
	msb__free(h->query);
	memset(h, 0, sizeof *h);
}
