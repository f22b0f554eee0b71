/*
 * lib/eval/batch_http.h - the HTTP calls of the batch providers
 * (batch_openai.c, batch_anthropic.c): one blocking libcurl call, tried
 * again on transient failures, with the HTTP backend's headers (the key
 * among them: only ever in a request header), TLS settings and user agent.
 */
#ifndef MSB_EVAL_BATCH_HTTP_H
#define MSB_EVAL_BATCH_HTTP_H

#include <stdio.h>

#include "core/buf.h"
#include "core/curlsym.h"

struct oa;
struct msb_backend;
struct json_t;

typedef struct msb__batch_http {
	struct oa *be;                /* borrowed: the backend outlives the stage */
	char *base, *query;           /* URL prefix of every path, and "?..." after it ("" when none) */
	struct curl_slist *json_hdrs; /* the backend's headers */
	struct curl_slist *form_hdrs; /* the same without Content-Type (multipart sets it) */
} msb__batch_http;

/* The HTTP backend behind b (any dialect), or NULL when b is another backend. */
struct oa *msb__batch_http_backend(struct msb_backend *b);

/* Set h up over be with base[0..base_len) and query (NULL: ""). 0 or MSB_ENOMEM. */
int msb__batch_http_init(msb__batch_http *h, struct oa *be, const char *base, size_t base_len,
    const char *query);
void msb__batch_http_dispose(msb__batch_http *h);

/*
 * One call to base + path + query, tried up to 4 times on transient
 * failures (connection, 429, 5xx). form: a multipart body, or json: a
 * JSON body, or neither: GET. The response into resp (or, with to_file,
 * into that file). Errors name the path and the server's message, never
 * a header.
 */
int msb__batch_http_call(msb__batch_http *h, const char *path, const char *json,
    curl_mime *(*form)(CURL *, void *), void *form_ud, msb_buf *resp, FILE *to_file);

/* POST a JSON text to path; the answer parsed into *out (new reference). */
int msb__batch_http_post(msb__batch_http *h, const char *path, const char *json,
    struct json_t **out);

/* GET path; the answer parsed into *out (new reference). */
int msb__batch_http_get(msb__batch_http *h, const char *path, struct json_t **out);

/* GET path into the file at `path_out` (created, fsync'd). */
int msb__batch_http_download(msb__batch_http *h, const char *path, const char *path_out);

/*
 * An id a server gave goes into URL paths and file names in the run
 * folder: letters, digits and "_-.:" only, not starting with a dot (no
 * "../", no "/", no "?"), shorter than 128 bytes.
 */
int msb__batch_safe_id(const char *s);

/* Copy o's string member key into dst when it is a safe id; else MSB_EPARSE naming `what`. */
int msb__batch_copy_id(char dst[128], struct json_t *o, const char *key, const char *what);

#endif
