/*
 * lib/eval/batch_openai.c - OpenAI's Batch API as a msb__batch_api:
 * POST /files (multipart, purpose=batch), POST /batches, GET
 * /batches/ID, GET /files/ID/content. It borrows the OpenAI-compatible
 * backend's base URL, headers (the key among them: only ever in a
 * request header) and TLS settings, and builds each request body with
 * the backend's own builder, so a batch line is byte for byte what the
 * online backend would send.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/curlsym.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "backend/backend.h"
#include "backend/openai.h"
#include "backend/openai_backend.h"
#include "eval/batch.h"
#include "eval/batch_http.h"

typedef struct oa_batch {
	msb__batch_api api;
	msb__batch_http h;
	const char *url_path;         /* "/v1/chat/completions", "/v1/completions"; Azure: "/chat/completions" */
} oa_batch;

int msb__batch_openai_body(struct msb_backend *b, const void *req, char **body, size_t *len)
{
	oa *be = msb__batch_http_backend(b);

	if (!be)
		return msb__error_set(MSB_EINVAL, "batch: the backend is not an HTTP (openai/, "
		    "anthropic/, azure/) one");
	/* the bytes the online backend sends (msb__oa_submit), whatever the dialect */
	if (be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC)
		return msb__anthropic_build_body(body, len, req, be->model, be->o.omit_temperature);
	return msb__openai_build_body(body, len, req, be->model, be->o.endpoint, be->o.prompt_format,
	    be->o.use_max_completion_tokens, be->o.omit_temperature);
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
	curl_mime *m = msb__curl_mime_init(e);
	curl_mimepart *p;

	if (!m)
		return NULL;
	p = msb__curl_mime_addpart(m);
	msb__curl_mime_name(p, "purpose");
	msb__curl_mime_data(p, "batch", CURL_ZERO_TERMINATED);
	p = msb__curl_mime_addpart(m);
	msb__curl_mime_name(p, "file");
	if (msb__curl_mime_filedata(p, fc->path) != CURLE_OK) {
		msb__curl_mime_free(m);
		return NULL;
	}
	msb__curl_mime_type(p, "application/jsonl");
	return m;
}

static int oa_upload(msb__batch_api *api, const char *path, char file_id[128])
{
	oa_batch *ob = (oa_batch *)api;
	form_ctx fc = { path };
	msb_buf resp = MSB_BUF_INIT;
	json_t *o;
	int rc = msb__batch_http_call(&ob->h, "/files", NULL, upload_form, &fc, &resp, NULL);

	if (!rc) {
		o = json_loadb(resp.ptr ? resp.ptr : "", resp.len, 0, NULL);
		rc = msb__batch_copy_id(file_id, o, "id", "POST /files");
		json_decref(o);
	}
	msb_buf_dispose(&resp);
	return rc;
}

static int oa_create(msb__batch_api *api, const char *file_id, const char *path,
    char batch_id[128])
{
	oa_batch *ob = (oa_batch *)api;
	json_t *req = json_pack("{s:s, s:s, s:s}", "input_file_id", file_id, "endpoint", ob->url_path,
	    "completion_window", "24h");
	json_t *o = NULL;
	char *text;
	int rc;

	(void)path; /* uploaded before: the file id names it */
	if (!req)
		return MSB_ENOMEM;
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return MSB_ENOMEM;
	rc = msb__batch_http_post(&ob->h, "/batches", text, &o);
	msb__json_free(text);
	if (!rc)
		rc = msb__batch_copy_id(batch_id, o, "id", "POST /batches");
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
	json_t *o = NULL, *c;
	const char *s;
	int rc;

	memset(st, 0, sizeof *st);
	snprintf(path, sizeof path, "/batches/%s", batch_id);
	if ((rc = msb__batch_http_get(&ob->h, path, &o)))
		return rc;
	s = json_string_value(json_object_get(o, "status"));
	if (!s || strlen(s) >= sizeof st->status) {
		json_decref(o);
		return msb__error_set(MSB_EPARSE, "batch: GET %s: no status in the answer", path);
	}
	strcpy(st->status, s);
	if ((s = json_string_value(json_object_get(o, "output_file_id"))) && *s) {
		if (!msb__batch_safe_id(s)) {
			json_decref(o);
			return msb__error_set(MSB_EPARSE, "batch: GET %s: an unusable output_file_id", path);
		}
		strcpy(st->output_file, s);
	}
	if ((s = json_string_value(json_object_get(o, "error_file_id"))) && *s) {
		if (!msb__batch_safe_id(s)) {
			json_decref(o);
			return msb__error_set(MSB_EPARSE, "batch: GET %s: an unusable error_file_id", path);
		}
		strcpy(st->error_file, s);
	}
	c = json_object_get(o, "request_counts");
	st->total = count(c, "total");
	st->completed = count(c, "completed");
	st->failed = count(c, "failed");
	st->ended = !strcmp(st->status, "completed") || !strcmp(st->status, "failed") ||
	    !strcmp(st->status, "expired") || !strcmp(st->status, "cancelled");
	json_decref(o);
	return 0;
}

static int oa_download(msb__batch_api *api, const char *file_id, const char *path)
{
	oa_batch *ob = (oa_batch *)api;
	char p[200];

	snprintf(p, sizeof p, "/files/%s/content", file_id);
	return msb__batch_http_download(&ob->h, p, path);
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
	msb__batch_http_dispose(&ob->h);
	msb__free(ob);
}

/*
 * Azure OpenAI's Batch API is OpenAI's under the resource: the backend's
 * ".../openai/deployments/DEP/chat/completions?api-version=V" gives the
 * base ".../openai" and the query "?api-version=V" of /files and
 * /batches; lines and batches name the endpoint "/chat/completions" and
 * each body's "model" is the deployment (a Global-Batch one).
 */
static const char *azure_cut(const char *url, const char *end)
{
	const char *p = NULL, *q = url;

	while ((q = strstr(q, "/deployments/")) && q < end)
		p = q++;
	return p;
}

int msb__batch_openai_new(msb__batch_api **out, struct msb_backend *b)
{
	oa *be = msb__batch_http_backend(b);
	oa_batch *ob;
	const char *path, *q, *cut, *base_end;
	int rc;

	*out = NULL;
	if (!be || be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC)
		return msb__error_set(MSB_EINVAL, "batch: %s is not an OpenAI-compatible backend "
		    "(openai/MODEL or azure/DEPLOYMENT)", msb_backend_identity(b));
	if (!(ob = msb__calloc(1, sizeof *ob)))
		return MSB_ENOMEM;
	q = strchr(be->url, '?');
	cut = q ? q : be->url + strlen(be->url);
	if (be->dialect == MSB_OPENAI_DIALECT_AZURE) {
		ob->url_path = "/chat/completions";
		base_end = azure_cut(be->url, cut);
	} else {
		path = be->o.endpoint == MSB_OPENAI_CHAT ? "/chat/completions" : "/completions";
		ob->url_path = be->o.endpoint == MSB_OPENAI_CHAT ? "/v1/chat/completions" :
		    "/v1/completions";
		base_end = (size_t)(cut - be->url) >= strlen(path) &&
		    !strncmp(cut - strlen(path), path, strlen(path)) ? cut - strlen(path) : NULL;
	}
	if (!base_end) {
		msb__free(ob);
		return msb__error_set(MSB_EINVAL, "batch: unexpected endpoint URL");
	}
	if ((rc = msb__batch_http_init(&ob->h, be, be->url, (size_t)(base_end - be->url), q))) {
		msb__free(ob);
		return rc;
	}
	ob->api.name = be->dialect == MSB_OPENAI_DIALECT_AZURE ? "azure" : "openai";
	ob->api.line = oa_line;
	ob->api.upload = oa_upload;
	ob->api.create = oa_create;
	ob->api.get = oa_get;
	ob->api.download = oa_download;
	ob->api.result = oa_result;
	ob->api.free = oa_free;
	ob->api.endpoint = be->o.endpoint;
	ob->api.dialect = be->dialect;
	/* OpenAI: 50,000 requests and 200 MB per input file; Azure: 100,000 and 200 MB */
	ob->api.max_lines = be->dialect == MSB_OPENAI_DIALECT_AZURE ? 100000 : 50000;
	ob->api.max_bytes = 200000000u;
	*out = &ob->api;
	return 0;
}

int msb__batch_api_new(msb__batch_api **out, struct msb_backend *b)
{
	oa *be = msb__batch_http_backend(b);

	*out = NULL;
	if (!be)
		return msb__error_set(MSB_EINVAL, "batch: %s is not an HTTP backend (openai/MODEL, "
		    "anthropic/MODEL or azure/DEPLOYMENT): the batch APIs need one",
		    msb_backend_identity(b));
	return be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC ? msb__batch_anthropic_new(out, b) :
	    msb__batch_openai_new(out, b);
}

int msb__batch_parse(const msb__batch_api *api, msb_completion *c, const char *body, size_t len)
{
	msb__oa_outcome o;
	msb__oa_error_info err;

	memset(&o, 0, sizeof o);
	if (api->dialect == MSB_OPENAI_DIALECT_ANTHROPIC)
		return msb__anthropic_parse(c, body, len, &o, &err);
	return msb__openai_parse(c, body, len, api->endpoint, &o, &err);
}
