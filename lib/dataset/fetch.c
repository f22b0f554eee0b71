/*
 * lib/dataset/fetch.c - download the MedSafetyBench files over HTTP(S)
 * with libcurl into a cache folder, verified against the manifest.
 * A download goes to "<file>.part" (resumed with a range request when
 * it is there) and is renamed into place only after its size and
 * SHA-256 matched: a file under its real name is always complete.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsafety/dataset.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/curlsym.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/init.h"
#include "core/sha256.h"
#include "dataset/manifest.h"

static const msb_dataset_fetch_options default_fetch = MSB_DATASET_FETCH_OPTIONS_INIT;

int msb_dataset_fetch_options_init(msb_dataset_fetch_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_fetch, version,
	    MSB_DATASET_FETCH_OPTIONS_VERSION, "msb_dataset_fetch_options");
}

size_t msb_dataset_manifest_count(void)
{
	return msb__manifest_count;
}

int msb_dataset_manifest_entry(const char **path, unsigned long long *size, const char **sha256,
    size_t i)
{
	if (i >= msb__manifest_count)
		return msb__error_set(MSB_EINVAL, "manifest entry %zu out of range (%zu files)", i,
		    msb__manifest_count);
	if (path)
		*path = msb__manifest[i].path;
	if (size)
		*size = msb__manifest[i].size;
	if (sha256)
		*sha256 = msb__manifest[i].sha256;
	return 0;
}

/* $XDG_CACHE_HOME/medsafety/medsafetybench, else ~/.cache/medsafety/medsafetybench. */
/* $XDG_CACHE_HOME/medsafety/NAME, else ~/.cache/medsafety/NAME. */
static int default_dir(msb_buf *b, const char *cache_name)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return msb_buf_printf(b, "%s/medsafety/%s", xdg, cache_name);
	if (home && *home)
		return msb_buf_printf(b, "%s/.cache/medsafety/%s", home, cache_name);
	return msb__error_set(MSB_EINVAL, "fetch: no cache folder (set XDG_CACHE_HOME or HOME, or name a folder)");
}

/* 1 when the file at path has exactly this size and SHA-256. */
static int file_matches(const char *path, const msb__manifest_entry *e, char got[65])
{
	char *data;
	size_t len;

	got[0] = '\0';
	if (msb__file_read(&data, &len, path))
		return 0;
	msb_sha256_hex(data, len, got);
	msb__free(data);
	return len == e->size && !strcmp(got, e->sha256);
}

typedef struct download {
	FILE *f;
	CURL *curl;
	long offset;    /* bytes already in the .part file */
	int checked;    /* the response code was looked at */
	int failed_io;
} download;

static size_t on_data(char *data, size_t size, size_t n, void *userdata)
{
	download *d = userdata;
	size_t len = size * n;

	if (!d->checked) {
		long code = 0;
		d->checked = 1;
		msb__curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &code);
		/* the server ignored the range: start the file again */
		if (d->offset > 0 && code == 200) {
			if (fflush(d->f) || ftruncate(fileno(d->f), 0) || fseek(d->f, 0, SEEK_SET)) {
				d->failed_io = 1;
				return 0;
			}
			d->offset = 0;
		}
	}
	if (fwrite(data, 1, len, d->f) != len) {
		d->failed_io = 1;
		return 0;
	}
	return len;
}

static int download_one(const char *url, const char *part, const msb__manifest_entry *e, long timeout_ms)
{
	struct stat st;
	download d;
	CURLcode cc;
	char errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	int rc = 0;

	memset(&d, 0, sizeof d);
	if (stat(part, &st) == 0 && (unsigned long long)st.st_size < e->size)
		d.offset = (long)st.st_size;
	if ((rc = msb__http_init())) /* libcurl's global set-up, on the first download */
		return rc;
	d.f = fopen(part, d.offset > 0 ? "ab" : "wb");
	if (!d.f)
		return msb__error_set(MSB_EIO, "%s: cannot write: %s", part, strerror(errno));
	d.curl = msb__curl_easy_init();
	if (!d.curl) {
		fclose(d.f);
		return msb__error_set(MSB_ENOMEM, "fetch: cannot create a libcurl handle");
	}
	msb__curl_easy_setopt(d.curl, CURLOPT_URL, url);
	msb__curl_easy_setopt(d.curl, CURLOPT_WRITEFUNCTION, on_data);
	msb__curl_easy_setopt(d.curl, CURLOPT_WRITEDATA, &d);
	msb__curl_easy_setopt(d.curl, CURLOPT_ERRORBUFFER, errbuf);
	msb__curl_easy_setopt(d.curl, CURLOPT_FOLLOWLOCATION, 1L);
	msb__curl_easy_setopt(d.curl, CURLOPT_MAXREDIRS, 5L);
	msb__curl_easy_setopt(d.curl, CURLOPT_NOSIGNAL, 1L);
	msb__curl_easy_setopt(d.curl, CURLOPT_FAILONERROR, 1L);
	msb__curl_easy_setopt(d.curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	msb__curl_easy_setopt(d.curl, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
	msb__curl_easy_setopt(d.curl, CURLOPT_USERAGENT, "libmedsafety");
#if LIBCURL_VERSION_NUM >= 0x075500
	msb__curl_easy_setopt(d.curl, CURLOPT_PROTOCOLS_STR, "http,https");
	msb__curl_easy_setopt(d.curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	if (d.offset > 0)
		msb__curl_easy_setopt(d.curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)d.offset);
	cc = msb__curl_easy_perform(d.curl);
	msb__curl_easy_getinfo(d.curl, CURLINFO_RESPONSE_CODE, &code);
	msb__curl_easy_cleanup(d.curl);
	if (fclose(d.f) != 0 && !d.failed_io)
		d.failed_io = 1;
	if (d.failed_io)
		rc = msb__error_set(MSB_EIO, "%s: write failed", part);
	else if (cc == CURLE_RANGE_ERROR || (cc == CURLE_HTTP_RETURNED_ERROR && code == 416))
		/* a stale .part the server cannot continue: the next run starts afresh */
		rc = (unlink(part), msb__error_set(MSB_EHTTP, "GET %s: cannot resume (HTTP %ld); try again", url, code));
	else if (cc == CURLE_HTTP_RETURNED_ERROR)
		rc = msb__error_set(MSB_EHTTP, "GET %s: HTTP %ld", url, code);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		rc = msb__error_set(MSB_ETIMEOUT, "GET %s: timed out", url);
	else if (cc != CURLE_OK)
		rc = msb__error_set(MSB_EHTTP, "GET %s: %s", url, errbuf[0] ? errbuf : msb__curl_easy_strerror(cc));
	return rc;
}

static int fetch_entry(const char *base, const char *dir, const msb__manifest_entry *e,
    const msb_dataset_fetch_options *opts)
{
	msb_buf target = MSB_BUF_INIT, part = MSB_BUF_INIT, url = MSB_BUF_INIT, parent = MSB_BUF_INIT;
	char got[65];
	int rc;

	msb_buf_printf(&target, "%s/%s", dir, e->path);
	msb_buf_printf(&part, "%s.part", target.ptr ? target.ptr : "");
	msb_buf_printf(&url, "%s/%s", base, e->path);
	msb_buf_put(&parent, target.ptr ? target.ptr : "", target.ptr ? (size_t)(strrchr(target.ptr, '/') - target.ptr) : 0);
	if (target.failed || part.failed || url.failed || parent.failed) {
		rc = MSB_ENOMEM;
		goto out;
	}
	if (file_matches(target.ptr, e, got)) {
		if (opts->progress)
			opts->progress(e->path, e->size, 1, opts->userdata);
		rc = 0;
		goto out;
	}
	if ((rc = msb__mkdir_p(parent.ptr)))
		goto out;
	rc = download_one(url.ptr, part.ptr, e, opts->timeout_ms > 0 ? opts->timeout_ms : 300000L);
	if (rc) {
		/* keep a partial download for the next run to resume; an empty one is noise */
		struct stat st;
		if (stat(part.ptr, &st) == 0 && st.st_size == 0)
			unlink(part.ptr);
		goto out;
	}
	if (!file_matches(part.ptr, e, got)) {
		struct stat st;
		unsigned long long size = stat(part.ptr, &st) == 0 ? (unsigned long long)st.st_size : 0;
		unlink(part.ptr);
		rc = size != e->size
		    ? msb__error_set(MSB_ECHECKSUM, "%s: wrong size from %s: %llu bytes, expected %llu; deleted",
			  e->path, url.ptr, size, e->size)
		    : msb__error_set(MSB_ECHECKSUM, "%s: SHA-256 mismatch from %s: got %s, expected %s; deleted",
			  e->path, url.ptr, got, e->sha256);
		goto out;
	}
	if (rename(part.ptr, target.ptr) < 0) {
		rc = msb__error_set(MSB_EIO, "%s: cannot rename into place: %s", target.ptr, strerror(errno));
		goto out;
	}
	if (opts->progress)
		opts->progress(e->path, e->size, 0, opts->userdata);
out:
	msb_buf_dispose(&target);
	msb_buf_dispose(&part);
	msb_buf_dispose(&url);
	msb_buf_dispose(&parent);
	return rc;
}

int msb_dataset_fetch(char **out_dir, const msb_dataset_fetch_options *opts)
{
	char *dir = NULL;
	size_t n;
	int rc;

	if (out_dir)
		*out_dir = NULL;
	if ((rc = msb__check_version(opts, MSB_DATASET_FETCH_OPTIONS_VERSION, "msb_dataset_fetch_options")))
		return rc;
	if (msb__init_count() <= 0)
		return msb__error_set(MSB_ESTATE, "msb_dataset_fetch: call msb_init() first");
	rc = msb__fetch_files(out_dir ? &dir : NULL, opts, MSB_DATASET_FETCH_DEFAULT_BASE_URL,
	    "medsafetybench", msb__manifest, msb__manifest_count);
	if (rc || !out_dir)
		return rc;
	/* the loaders want the datasets/ folder inside it */
	n = strlen(dir) + sizeof "/datasets";
	if (!(*out_dir = msb__malloc(n))) {
		msb__free(dir);
		return MSB_ENOMEM;
	}
	snprintf(*out_dir, n, "%s/datasets", dir);
	msb__free(dir);
	return 0;
}

/*
 * Another set of files the same way (msb_paper_fetch): `files` under
 * `base` into opts->dir, default $XDG_CACHE_HOME/medsafety/<cache_name>
 * (else ~/.cache/medsafety/<cache_name>). *out_dir: the folder (new).
 */
int msb__fetch_files(char **out_dir, const msb_dataset_fetch_options *opts, const char *default_base,
    const char *cache_name, const msb__manifest_entry *files, size_t n)
{
	msb_buf dir = MSB_BUF_INIT, base = MSB_BUF_INIT;
	size_t i;
	int rc;

	if (out_dir)
		*out_dir = NULL;
	if ((rc = msb__check_version(opts, MSB_DATASET_FETCH_OPTIONS_VERSION, "msb_dataset_fetch_options")))
		return rc;
	if (!opts)
		opts = &default_fetch;
	if (msb__init_count() <= 0)
		return msb__error_set(MSB_ESTATE, "fetch: call msb_init() first");
	if (opts->dir && *opts->dir)
		rc = msb_buf_puts(&dir, opts->dir);
	else
		rc = default_dir(&dir, cache_name);
	if (!rc)
		rc = msb_buf_puts(&base, opts->base_url && *opts->base_url ? opts->base_url : default_base);
	if (rc)
		goto out;
	while (dir.len > 1 && dir.ptr[dir.len - 1] == '/')
		dir.ptr[--dir.len] = '\0';
	while (base.len && base.ptr[base.len - 1] == '/')
		base.ptr[--base.len] = '\0';
	if (strncmp(base.ptr, "http://", 7) && strncmp(base.ptr, "https://", 8)) {
		rc = msb__error_set(MSB_EINVAL, "fetch: base URL '%s' is not http:// or https://", base.ptr);
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = fetch_entry(base.ptr, dir.ptr, &files[i], opts)))
			goto out;
	if (out_dir && !(*out_dir = msb_buf_detach(&dir)))
		rc = MSB_ENOMEM;
out:
	msb_buf_dispose(&dir);
	msb_buf_dispose(&base);
	return rc;
}
