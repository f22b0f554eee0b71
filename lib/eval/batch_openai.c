/*
 * lib/eval/batch_openai.c - OpenAI's Batch API as a msb__batch_api:
 * POST /files (multipart, purpose=batch), POST /batches, GET
 * /batches/ID, GET /files/ID/content. It borrows the OpenAI-compatible
 * backend's base URL, headers (the key among them: only ever in a
 * request header) and TLS settings, and builds each request body with
 * the backend's own builder, so a batch line is byte for byte what the
 * online backend would send.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "medsafety/version.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "backend/backend.h"
#include "backend/openai.h"
#include "backend/openai_backend.h"
#include "eval/batch.h"

/* A failed call is tried this many times (transient: connection, 429, 5xx). */
#define TRIES 4

typedef struct oa_batch {
	msb__batch_api api;
	oa *be;                       /* borrowed: the backend outlives the stage */
	char *base, *query;           /* ".../v1" and "?api-version=..." ("" when none) */
	struct curl_slist *json_hdrs; /* the backend's headers */
	struct curl_slist *form_hdrs; /* the same without Content-Type (multipart sets it) */
	const char *url_path;         /* "/v1/chat/completions" or "/v1/completions" */
} oa_batch;

static oa *backend_oa(struct msb_backend *b)
{
	return b && b->vt.submit == msb__oa_submit ? b->userdata : NULL;
}

int msb__batch_openai_body(struct msb_backend *b, const void *req, char **body, size_t *len)
{
	oa *be = backend_oa(b);

	if (!be)
		return msb__error_set(MSB_EINVAL, "batch: the backend is not an OpenAI-compatible one");
	return msb__openai_build_body(body, len, req, be->model, be->o.endpoint, be->o.prompt_format,
	    be->o.use_max_completion_tokens, be->o.omit_temperature);
}

static size_t write_buf(char *p, size_t size, size_t n, void *ud)
{
	return msb_buf_put(ud, p, size * n) ? 0 : size * n;
}

static size_t write_file(char *p, size_t size, size_t n, void *ud)
{
	return fwrite(p, size, n, ud) * size;
}

static CURL *easy(oa_batch *ob, const char *url, struct curl_slist *hdrs)
{
	CURL *e = curl_easy_init();

	if (!e)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ob->be->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, ob->be->o.tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, ob->be->o.tls_verify ? 2L : 0L);
	if (ob->be->ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, ob->be->ca_file);
	if (ob->be->ca_path)
		curl_easy_setopt(e, CURLOPT_CAPATH, ob->be->ca_path);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "libmedsafety/" MSB_VERSION);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	return e;
}

/* The URL of a path under the base (the base's query string kept: Azure's api-version). */
static char *url_of(const oa_batch *ob, const char *path)
{
	msb_buf b = MSB_BUF_INIT;

	msb_buf_printf(&b, "%s%s%s", ob->base, path, ob->query);
	return msb_buf_detach(&b);
}

static int transient(long status, CURLcode res)
{
	return res != CURLE_OK || status == 429 || status >= 500;
}

/*
 * One call, tried up to TRIES times on transient failures. form: a
 * multipart body, or json: a JSON body, or neither: GET. The response
 * into resp (or, with to_file, into that file). Messages name the URL
 * without secrets and the server's message, never a header.
 */
static int call(oa_batch *ob, const char *path, const char *json, curl_mime *(*form)(CURL *, void *),
    void *form_ud, msb_buf *resp, FILE *to_file)
{
	char *url = url_of(ob, path);
	long status = 0;
	CURLcode res = CURLE_OK;
	int attempt, rc = 0;

	if (!url)
		return MSB_ENOMEM;
	for (attempt = 1; attempt <= TRIES; attempt++) {
		CURL *e = easy(ob, url, form ? ob->form_hdrs : ob->json_hdrs);
		curl_mime *mime = NULL;
		char err[CURL_ERROR_SIZE] = "";

		if (!e) {
			rc = MSB_ENOMEM;
			break;
		}
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
		if (form) {
			if (!(mime = form(e, form_ud))) {
				curl_easy_cleanup(e);
				rc = MSB_ENOMEM;
				break;
			}
			curl_easy_setopt(e, CURLOPT_MIMEPOST, mime);
		} else if (json) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
		}
		if (to_file) {
			rewind(to_file);
			if (ftruncate(fileno(to_file), 0) < 0) { /* a retried download starts over */
			}
			curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_file);
			curl_easy_setopt(e, CURLOPT_WRITEDATA, to_file);
		} else {
			msb_buf_clear(resp);
			curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_buf);
			curl_easy_setopt(e, CURLOPT_WRITEDATA, resp);
		}
		res = curl_easy_perform(e);
		status = 0;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(e);
		curl_mime_free(mime);
		if (!transient(status, res) && status >= 200 && status < 300) {
			rc = 0;
			break;
		}
		if (res != CURLE_OK) {
			rc = msb__error_set(MSB_EHTTP, "batch: %s: %s", path,
			    err[0] ? err : curl_easy_strerror(res));
		} else {
			char msg[512] = "";
			if (!to_file)
				msb__openai_error_message(resp->ptr ? resp->ptr : "", resp->len, msg, sizeof msg);
			msb__oa_redact(ob->be, msg);
			rc = msb__error_set(MSB_EHTTP, "batch: %s: HTTP %ld: %s", path, status, msg);
		}
		if (!transient(status, res))
			break;
		if (attempt < TRIES)
			usleep((useconds_t)(250000u << attempt)); /* 0.5 s, 1 s, 2 s */
	}
	msb__free(url);
	return rc;
}

static int json_post(oa_batch *ob, const char *path, json_t *body, json_t **out)
{
	char *text = json_dumps(body, JSON_COMPACT);
	msb_buf resp = MSB_BUF_INIT;
	int rc;

	if (!text)
		return MSB_ENOMEM;
	rc = call(ob, path, text, NULL, NULL, &resp, NULL);
	msb__json_free(text);
	if (!rc && !(*out = json_loadb(resp.ptr ? resp.ptr : "", resp.len, 0, NULL)))
		rc = msb__error_set(MSB_EPARSE, "batch: %s: the answer is not JSON", path);
	msb_buf_dispose(&resp);
	return rc;
}

/*
 * An id the server gave goes into URL paths and file names in the run
 * folder: letters, digits and "_-.:" only, not starting with a dot (no
 * "../", no "/", no "?").
 */
static int safe_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n < 128 && s[0] != '.' &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") == n;
}

static int copy_id(char dst[128], json_t *o, const char *key, const char *what)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!safe_id(s))
		return msb__error_set(MSB_EPARSE, "batch: %s: no usable \"%s\" in the answer", what, key);
	strcpy(dst, s);
	return 0;
}

static int oa_line(msb__batch_api *api, msb_buf *out, const char *custom_id, const char *body,
    size_t body_len)
{
	oa_batch *ob = (oa_batch *)api;

	/* custom ids are hex with a prefix: no escaping needed */
	msb_buf_printf(out, "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"%s\",\"body\":",
	    custom_id, ob->url_path);
	msb_buf_put(out, body, body_len);
	msb_buf_puts(out, "}\n");
	return out->failed ? MSB_ENOMEM : 0;
}

typedef struct {
	const char *path;
} form_ctx;

static curl_mime *upload_form(CURL *e, void *ud)
{
	form_ctx *fc = ud;
	curl_mime *m = curl_mime_init(e);
	curl_mimepart *p;

	if (!m)
		return NULL;
	p = curl_mime_addpart(m);
	curl_mime_name(p, "purpose");
	curl_mime_data(p, "batch", CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "file");
	if (curl_mime_filedata(p, fc->path) != CURLE_OK) {
		curl_mime_free(m);
		return NULL;
	}
	curl_mime_type(p, "application/jsonl");
	return m;
}

static int oa_upload(msb__batch_api *api, const char *path, char file_id[128])
{
	oa_batch *ob = (oa_batch *)api;
	form_ctx fc = { path };
	msb_buf resp = MSB_BUF_INIT;
	json_t *o;
	int rc = call(ob, "/files", NULL, upload_form, &fc, &resp, NULL);

	if (!rc) {
		o = json_loadb(resp.ptr ? resp.ptr : "", resp.len, 0, NULL);
		rc = copy_id(file_id, o, "id", "POST /files");
		json_decref(o);
	}
	msb_buf_dispose(&resp);
	return rc;
}

static int oa_create(msb__batch_api *api, const char *file_id, char batch_id[128])
{
	oa_batch *ob = (oa_batch *)api;
	json_t *req = json_pack("{s:s, s:s, s:s}", "input_file_id", file_id, "endpoint", ob->url_path,
	    "completion_window", "24h");
	json_t *o = NULL;
	int rc;

	if (!req)
		return MSB_ENOMEM;
	rc = json_post(ob, "/batches", req, &o);
	json_decref(req);
	if (!rc)
		rc = copy_id(batch_id, o, "id", "POST /batches");
	json_decref(o);
	return rc;
}

static size_t count(json_t *counts, const char *k)
{
	json_int_t v = json_integer_value(json_object_get(counts, k));
	return v > 0 ? (size_t)v : 0;
}

static int oa_get(msb__batch_api *api, const char *batch_id, msb__batch_state *st)
{
	oa_batch *ob = (oa_batch *)api;
	char path[200];
	msb_buf resp = MSB_BUF_INIT;
	json_t *o, *c;
	const char *s;
	int rc;

	memset(st, 0, sizeof *st);
	snprintf(path, sizeof path, "/batches/%s", batch_id);
	if ((rc = call(ob, path, NULL, NULL, NULL, &resp, NULL))) {
		msb_buf_dispose(&resp);
		return rc;
	}
	o = json_loadb(resp.ptr ? resp.ptr : "", resp.len, 0, NULL);
	msb_buf_dispose(&resp);
	s = json_string_value(json_object_get(o, "status"));
	if (!s || strlen(s) >= sizeof st->status) {
		json_decref(o);
		return msb__error_set(MSB_EPARSE, "batch: GET %s: no status in the answer", path);
	}
	strcpy(st->status, s);
	if ((s = json_string_value(json_object_get(o, "output_file_id"))) && *s) {
		if (!safe_id(s)) {
			json_decref(o);
			return msb__error_set(MSB_EPARSE, "batch: GET %s: an unusable output_file_id", path);
		}
		strcpy(st->output_file, s);
	}
	if ((s = json_string_value(json_object_get(o, "error_file_id"))) && *s) {
		if (!safe_id(s)) {
			json_decref(o);
			return msb__error_set(MSB_EPARSE, "batch: GET %s: an unusable error_file_id", path);
		}
		strcpy(st->error_file, s);
	}
	c = json_object_get(o, "request_counts");
	st->total = count(c, "total");
	st->completed = count(c, "completed");
	st->failed = count(c, "failed");
	json_decref(o);
	return 0;
}

static int oa_download(msb__batch_api *api, const char *file_id, const char *path)
{
	oa_batch *ob = (oa_batch *)api;
	char p[200];
	FILE *f = fopen(path, "w+e");
	int rc;

	if (!f)
		return msb__error_set(MSB_EIO, "%s: cannot create: %s", path, strerror(errno));
	snprintf(p, sizeof p, "/files/%s/content", file_id);
	rc = call(ob, p, NULL, NULL, NULL, NULL, f);
	if (fflush(f) || fsync(fileno(f)))
		rc = rc ? rc : msb__error_set(MSB_EIO, "%s: cannot write: %s", path, strerror(errno));
	fclose(f);
	return rc;
}

static int oa_result(msb__batch_api *api, const char *line, size_t len, json_t **root,
    const char **custom_id, int *ok, char **body, char *msg, size_t msg_size)
{
	json_t *o = json_loadb(line, len, 0, NULL), *resp, *b, *err;
	json_int_t status;

	(void)api;
	*root = o;
	*custom_id = NULL;
	*ok = 0;
	*body = NULL;
	msg[0] = '\0';
	if (!json_is_object(o) || !(*custom_id = json_string_value(json_object_get(o, "custom_id"))))
		return MSB_EPARSE;
	resp = json_object_get(o, "response");
	err = json_object_get(o, "error");
	status = json_integer_value(json_object_get(resp, "status_code"));
	b = json_object_get(resp, "body");
	if (status == 200 && json_is_object(b) && (!err || json_is_null(err))) {
		/* jansson's memory is not ours to hand out: copied (the caller frees with msb__free) */
		char *text = json_dumps(b, JSON_COMPACT);
		*body = text ? msb__strdup(text) : NULL;
		msb__json_free(text);
		if (!*body)
			return MSB_ENOMEM;
		*ok = 1;
		return 0;
	}
	if (json_is_object(err))
		snprintf(msg, msg_size, "%s: %s", json_string_value(json_object_get(err, "code")) ?
		    json_string_value(json_object_get(err, "code")) : "error",
		    json_string_value(json_object_get(err, "message")) ?
		    json_string_value(json_object_get(err, "message")) : "");
	else
		snprintf(msg, msg_size, "HTTP %lld", (long long)status);
	return 0;
}

static void oa_free(msb__batch_api *api)
{
	oa_batch *ob = (oa_batch *)api;

	if (!ob)
		return;
	curl_slist_free_all(ob->json_hdrs);
	curl_slist_free_all(ob->form_hdrs);
	msb__free(ob->base);
	msb__free(ob->query);
	msb__free(ob);
}

/* The backend's headers, without Content-Type when `form` (multipart sets its own). */
static int copy_headers(struct curl_slist **out, const struct curl_slist *in, int form)
{
	for (; in; in = in->next) {
		struct curl_slist *l;
		if (form && !strncasecmp(in->data, "Content-Type:", 13))
			continue;
		if (!(l = curl_slist_append(*out, in->data)))
			return MSB_ENOMEM;
		*out = l;
	}
	return 0;
}

int msb__batch_openai_new(msb__batch_api **out, struct msb_backend *b)
{
	oa *be = backend_oa(b);
	oa_batch *ob;
	const char *path, *q, *cut;
	int rc;

	*out = NULL;
	if (!be)
		return msb__error_set(MSB_EINVAL, "batch: %s is not an OpenAI-compatible backend "
		    "(openai/MODEL): the batch API needs one", msb_backend_identity(b));
	/* Anthropic's Message Batches and Azure's batch deployments are other APIs: not yet */
	if (be->dialect != MSB_OPENAI_DIALECT_OPENAI)
		return msb__error_set(MSB_EINVAL, "batch: %s: only OpenAI's Batch API (openai/MODEL) "
		    "is supported; %s batches are not yet", msb_backend_identity(b),
		    be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC ? "Anthropic" : "Azure");
	if (!(ob = msb__calloc(1, sizeof *ob)))
		return MSB_ENOMEM;
	ob->be = be;
	path = be->o.endpoint == MSB_OPENAI_CHAT ? "/chat/completions" : "/completions";
	ob->url_path = be->o.endpoint == MSB_OPENAI_CHAT ? "/v1/chat/completions" : "/v1/completions";
	q = strchr(be->url, '?');
	cut = q ? q : be->url + strlen(be->url);
	if ((size_t)(cut - be->url) < strlen(path) || strncmp(cut - strlen(path), path, strlen(path))) {
		oa_free(&ob->api);
		return msb__error_set(MSB_EINVAL, "batch: unexpected endpoint URL");
	}
	ob->base = msb__strndup(be->url, (size_t)(cut - be->url) - strlen(path));
	ob->query = msb__strdup(q ? q : "");
	if (!ob->base || !ob->query || (rc = copy_headers(&ob->json_hdrs, be->headers, 0)) ||
	    (rc = copy_headers(&ob->form_hdrs, be->headers, 1))) {
		oa_free(&ob->api);
		return MSB_ENOMEM;
	}
	ob->api.name = "openai";
	ob->api.line = oa_line;
	ob->api.upload = oa_upload;
	ob->api.create = oa_create;
	ob->api.get = oa_get;
	ob->api.download = oa_download;
	ob->api.result = oa_result;
	ob->api.free = oa_free;
	ob->api.endpoint = be->o.endpoint;
	*out = &ob->api;
	return 0;
}
