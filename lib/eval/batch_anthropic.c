/*
 * lib/eval/batch_anthropic.c - Anthropic's Message Batches as a
 * msb__batch_api (docs/batch.md). From Anthropic's public API reference
 * ("Message Batches": create, retrieve, results):
 *
 *   POST {base}/v1/messages/batches  {"requests": [{"custom_id", "params"}]}
 *        the requests inline (no file upload); at most 100,000 requests
 *        or 256 MB per batch; "params" is a Messages request body.
 *   GET  {base}/v1/messages/batches/ID  processing_status in_progress |
 *        canceling | ended; request_counts {processing, succeeded,
 *        errored, canceled, expired}; results_url once it ended.
 *   GET  {base}/v1/messages/batches/ID/results  JSONL, one line per
 *        request: {"custom_id", "result": {"type": "succeeded", "message":
 *        {a Messages response}}} or type errored (with an error),
 *        canceled, expired.
 *
 * The input file (OUT/batch/input-STAGE-N.jsonl) holds one request per
 * line as the API takes it; create joins the lines into the request
 * body. Headers (x-api-key, anthropic-version) are the online backend's.
 * The results are read from {base}/v1/messages/batches/ID/results, the
 * address results_url names on Anthropic's API: a URL taken from an
 * answer is never sent the key.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/jsonmem.h"
#include "backend/backend.h"
#include "backend/openai.h"
#include "backend/openai_backend.h"
#include "eval/batch.h"
#include "eval/batch_http.h"

typedef struct an_batch {
	msb__batch_api api;
	msb__batch_http h;            /* base ".../v1" */
} an_batch;

static int an_line(msb__batch_api *api, msb_buf *out, const char *custom_id, const char *body,
    size_t body_len)
{
	(void)api;
	/* custom ids are hex with a prefix (the API allows [A-Za-z0-9_-]{1,64}): no escaping */
	msb_buf_printf(out, "{\"custom_id\":\"%s\",\"params\":", custom_id);
	msb_buf_put(out, body, body_len);
	msb_buf_puts(out, "}\n");
	return out->failed ? MSB_ENOMEM : 0;
}

/* {"requests":[LINE,LINE,...]} of the input file's lines (each one JSON object). */
static int request_body(const char *path, msb_buf *b)
{
	FILE *f = fopen(path, "re");
	char chunk[65536];
	size_t n, i, start;
	int rc = 0;

	if (!f)
		return msb__error_set(MSB_EIO, "%s: cannot open: %s", path, strerror(errno));
	msb_buf_puts(b, "{\"requests\":[");
	start = b->len;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		msb_buf_put(b, chunk, n);
	if (ferror(f))
		rc = msb__error_set(MSB_EIO, "%s: cannot read: %s", path, strerror(errno));
	fclose(f);
	if (rc)
		return rc;
	if (b->failed)
		return MSB_ENOMEM;
	/* a raw newline only ends a line (JSON escapes those in strings): the separator */
	while (b->len > start && (b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == ','))
		b->len--;
	for (i = start; i < b->len; i++)
		if (b->ptr[i] == '\n')
			b->ptr[i] = ',';
	msb_buf_puts(b, "]}");
	return b->failed ? MSB_ENOMEM : 0;
}

static int an_create(msb__batch_api *api, const char *file_id, const char *path,
    char batch_id[128])
{
	an_batch *ab = (an_batch *)api;
	msb_buf body = MSB_BUF_INIT;
	json_t *o = NULL;
	int rc;

	(void)file_id; /* inline: nothing was uploaded */
	if (!(rc = request_body(path, &body)))
		rc = msb__batch_http_post(&ab->h, "/messages/batches", body.ptr, &o);
	msb_buf_dispose(&body);
	if (!rc)
		rc = msb__batch_copy_id(batch_id, o, "id", "POST /messages/batches");
	json_decref(o);
	return rc;
}

static size_t count(json_t *counts, const char *k)
{
	json_int_t v = json_integer_value(json_object_get(counts, k));
	return v > 0 ? (size_t)v : 0;
}

static int an_get(msb__batch_api *api, const char *batch_id, msb__batch_state *st)
{
	an_batch *ab = (an_batch *)api;
	char path[200];
	json_t *o = NULL, *c;
	const char *s;
	size_t succeeded, errored, canceled, expired;
	int rc;

	memset(st, 0, sizeof *st);
	snprintf(path, sizeof path, "/messages/batches/%s", batch_id);
	if ((rc = msb__batch_http_get(&ab->h, path, &o)))
		return rc;
	s = json_string_value(json_object_get(o, "processing_status"));
	if (!s || strlen(s) >= sizeof st->status) {
		json_decref(o);
		return msb__error_set(MSB_EPARSE, "batch: GET %s: no processing_status in the answer",
		    path);
	}
	strcpy(st->status, s);
	st->ended = !strcmp(s, "ended");
	c = json_object_get(o, "request_counts");
	succeeded = count(c, "succeeded");
	errored = count(c, "errored");
	canceled = count(c, "canceled");
	expired = count(c, "expired");
	st->total = count(c, "processing") + succeeded + errored + canceled + expired;
	st->completed = succeeded;
	st->failed = errored + canceled + expired;
	/* the results (every request's, failed ones too) once the batch ended */
	if (st->ended && json_is_string(json_object_get(o, "results_url")))
		strcpy(st->output_file, batch_id);
	json_decref(o);
	return 0;
}

static int an_download(msb__batch_api *api, const char *batch_id, const char *path)
{
	an_batch *ab = (an_batch *)api;
	char p[200];

	snprintf(p, sizeof p, "/messages/batches/%s/results", batch_id);
	return msb__batch_http_download(&ab->h, p, path);
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static int an_result(msb__batch_api *api, const char *line, size_t len, json_t **root,
    const char **custom_id, int *ok, char **body, char *msg, size_t msg_size)
{
	json_t *o = json_loadb(line, len, 0, NULL), *res, *m, *err;
	const char *type;

	(void)api;
	*root = o;
	*custom_id = NULL;
	*ok = 0;
	*body = NULL;
	msg[0] = '\0';
	if (!json_is_object(o) || !(*custom_id = json_string_value(json_object_get(o, "custom_id"))))
		return MSB_EPARSE;
	res = json_object_get(o, "result");
	type = json_string_value(json_object_get(res, "type"));
	m = json_object_get(res, "message");
	if (type && !strcmp(type, "succeeded") && json_is_object(m)) {
		/* jansson's memory is not ours to hand out: copied (the caller frees with msb__free) */
		char *text = json_dumps(m, JSON_COMPACT);
		*body = text ? msb__strdup(text) : NULL;
		msb__json_free(text);
		if (!*body)
			return MSB_ENOMEM;
		*ok = 1;
		return 0;
	}
	/* errored: {"type": "error", "error": {"type", "message"}} (or the inner object alone) */
	err = json_object_get(res, "error");
	if (json_is_object(json_object_get(err, "error")))
		err = json_object_get(err, "error");
	if (json_is_object(err))
		snprintf(msg, msg_size, "%s: %s: %s", type ? type : "error", str(err, "type"),
		    str(err, "message"));
	else
		snprintf(msg, msg_size, "%s", type ? type : "no result");
	return 0;
}

static void an_free(msb__batch_api *api)
{
	an_batch *ab = (an_batch *)api;

	if (!ab)
		return;
	msb__batch_http_dispose(&ab->h);
	msb__free(ab);
}

int msb__batch_anthropic_new(msb__batch_api **out, struct msb_backend *b)
{
	oa *be = msb__batch_http_backend(b);
	const char *q, *cut, *tail = "/messages";
	an_batch *ab;
	int rc;

	*out = NULL;
	if (!be || be->dialect != MSB_OPENAI_DIALECT_ANTHROPIC)
		return msb__error_set(MSB_EINVAL, "batch: %s is not an Anthropic backend "
		    "(anthropic/MODEL)", msb_backend_identity(b));
	/* the online URL is ".../v1/messages" (a query string after it kept) */
	q = strchr(be->url, '?');
	cut = q ? q : be->url + strlen(be->url);
	if ((size_t)(cut - be->url) < strlen(tail) || strncmp(cut - strlen(tail), tail, strlen(tail)))
		return msb__error_set(MSB_EINVAL, "batch: unexpected endpoint URL");
	if (!(ab = msb__calloc(1, sizeof *ab)))
		return MSB_ENOMEM;
	if ((rc = msb__batch_http_init(&ab->h, be, be->url, (size_t)(cut - be->url) - strlen(tail),
	    q))) {
		msb__free(ab);
		return rc;
	}
	ab->api.name = "anthropic";
	ab->api.line = an_line;
	ab->api.upload = NULL; /* the requests go inline */
	ab->api.create = an_create;
	ab->api.get = an_get;
	ab->api.download = an_download;
	ab->api.result = an_result;
	ab->api.free = an_free;
	ab->api.endpoint = be->o.endpoint;
	ab->api.dialect = MSB_OPENAI_DIALECT_ANTHROPIC;
	/* 100,000 requests or 256 MB per batch: the lines plus the wrapper's bytes */
	ab->api.max_lines = 100000;
	ab->api.max_bytes = 256000000u - 64;
	*out = &ab->api;
	return 0;
}
