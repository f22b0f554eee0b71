/*
 * lib/backend/openai_new.c - making the OpenAI-compatible backend: options,
 * URLs, identity (never the key), headers.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "medsafety/sys/backend.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/curlsym.h"
#include "core/error.h"
#include "core/init.h"
#include "core/redact.h"
#include "backend/openai.h"
#include "backend/openai_backend.h"

static int check_options(const msb_openai_options *o)
{
	if (!o->model || !*o->model)
		return msb__error_set(MSB_EINVAL, "openai backend: no model given");
	if (o->endpoint != MSB_OPENAI_CHAT && o->endpoint != MSB_OPENAI_COMPLETIONS)
		return msb__error_set(MSB_EINVAL, "openai backend: unknown endpoint %d", o->endpoint);
	if (!msb_prompt_format_name(o->prompt_format))
		return msb__error_set(MSB_EINVAL, "openai backend: unknown prompt format %d",
		    o->prompt_format);
	if (o->n_headers && !o->headers)
		return msb__error_set(MSB_EINVAL, "openai backend: n_headers > 0 but headers is NULL");
	if (o->api_key_env && msb__header_unsafe(o->api_key_env, strlen(o->api_key_env)))
		return msb__error_set(MSB_EINVAL, "openai backend: api_key_env holds a CR or LF");
	{
		size_t i;
		for (i = 0; i < o->n_headers; i++) {
			const char *h = o->headers[i];
			/* the name is never a secret; the value may be: name only the header */
			if (h && msb__header_unsafe(h, strlen(h))) {
				size_t n = strcspn(h, ":\r\n");
				return msb__error_set(MSB_EINVAL, "openai backend: header %zu (%.*s) "
				    "holds a CR or LF: it would inject headers", i, (int)(n < 64 ? n : 64), h);
			}
		}
	}
	if (o->connect_timeout_ms < 0 || o->timeout_ms < 0 || o->backoff_base_ms < 0 ||
	    o->backoff_max_ms < 0 || o->max_retry_after_ms < 0 || o->max_in_flight < 0 ||
	    o->requests_per_minute < 0 || o->tokens_per_minute < 0)
		return msb__error_set(MSB_EINVAL, "openai backend: negative time or limit option");
	return 0;
}

/* The provider's options against the HTTP options (both checked already for NULL). */
static int check_provider(const msb_openai_options *o, const msb_provider_options *p)
{
	if (p->dialect < MSB_OPENAI_DIALECT_OPENAI || p->dialect > MSB_OPENAI_DIALECT_AZURE)
		return msb__error_set(MSB_EINVAL, "http backend: unknown dialect %d", p->dialect);
	if (p->dialect == MSB_OPENAI_DIALECT_ANTHROPIC && o->endpoint != MSB_OPENAI_CHAT)
		return msb__error_set(MSB_EINVAL, "anthropic backend: only the messages endpoint "
		    "(MSB_OPENAI_CHAT) exists");
	if (p->dialect == MSB_OPENAI_DIALECT_AZURE && (!o->base_url || !*o->base_url))
		return msb__error_set(MSB_EINVAL, "azure backend: no base URL (the resource URL, "
		    "https://RESOURCE.openai.azure.com)");
	if (p->api_version && (msb__header_unsafe(p->api_version, strlen(p->api_version)) ||
	    strpbrk(p->api_version, " &#?")))
		return msb__error_set(MSB_EINVAL, "http backend: api_version holds a blank, CR, LF, "
		    "&, # or ?");
	return 0;
}

static const msb_provider_options default_provider = MSB_PROVIDER_OPTIONS_INIT;

int msb_provider_options_init(msb_provider_options *opts, unsigned int version)
{
	return msb__options_init(opts, sizeof *opts, &default_provider, version,
	    MSB_PROVIDER_OPTIONS_VERSION, "msb_provider_options");
}

/*
 * Apply defaults to zero fields, so that a zeroed struct works as well as
 * _INIT; from version 3 also TLS, HTTP/2 and retries, whose zero meant
 * "off" before. Afterwards tls_verify and http2 are plain 0/1 and
 * max_retries a count.
 */
static void fill_defaults(msb_openai_options *o, unsigned int version)
{
	if (version >= 3) {
		o->tls_verify = !o->insecure_skip_verify;
		o->http2 = o->http2 >= 0;
		if (!o->max_retries)
			o->max_retries = msb__openai_default_options.max_retries;
	} else {
		o->tls_verify = o->tls_verify != 0;
		o->http2 = o->http2 != 0;
	}
	if (!o->connect_timeout_ms)
		o->connect_timeout_ms = msb__openai_default_options.connect_timeout_ms;
	if (!o->timeout_ms)
		o->timeout_ms = msb__openai_default_options.timeout_ms;
	if (o->max_retries < 0)
		o->max_retries = 0;
	if (!o->backoff_base_ms)
		o->backoff_base_ms = msb__openai_default_options.backoff_base_ms;
	if (!o->backoff_max_ms)
		o->backoff_max_ms = msb__openai_default_options.backoff_max_ms;
	if (o->backoff_max_ms < o->backoff_base_ms)
		o->backoff_max_ms = o->backoff_base_ms;
	if (!o->max_retry_after_ms)
		o->max_retry_after_ms = msb__openai_default_options.max_retry_after_ms;
	if (!o->max_in_flight)
		o->max_in_flight = MSB__OA_DEFAULT_WINDOW; /* until the host tells its concurrency */
	if (!o->max_response_bytes)
		o->max_response_bytes = msb__openai_default_options.max_response_bytes;
}

/* A URL without its user:password part and query values (for messages and the identity). */
static int strip_userinfo(char **out, const char *url)
{
	CURLU *u = msb__curl_url();
	char *clean = NULL, *scheme = NULL;
	int rc = 0;

	*out = NULL;
	if (!u)
		return MSB_ENOMEM;
	if (msb__curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    msb__curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		rc = msb__error_set(MSB_EINVAL, "openai backend: invalid base URL");
	} else if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		rc = msb__error_set(MSB_EINVAL, "openai backend: the base URL must be http or https");
	} else {
		msb__curl_url_set(u, CURLUPART_USER, NULL, 0);
		msb__curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		/* query values may be keys (Azure's ?api-key=): names only */
		if (msb__curl_url_get(u, CURLUPART_URL, &clean, 0) != CURLUE_OK)
			rc = msb__error_set(MSB_EINVAL, "openai backend: invalid base URL");
		else if (!(*out = msb__redact_url(clean)))
			rc = MSB_ENOMEM;
	}
	msb__curl_free(clean);
	msb__curl_free(scheme);
	msb__curl_url_cleanup(u);
	return rc;
}

/*
 * The endpoint's URL: the path goes before a query string, so that bases
 * such as ".../deployments/NAME?api-version=..." work.
 */
static int make_urls(oa *be, const char *base, const char *api_version)
{
	const char *path = be->o.endpoint == MSB_OPENAI_CHAT ? "/chat/completions" : "/completions";
	const char *q = strchr(base, '?');
	size_t n = q ? (size_t)(q - base) : strlen(base);
	msb_buf b = MSB_BUF_INIT;
	int rc;

	while (n > 0 && base[n - 1] == '/')
		n--;
	msb_buf_put(&b, base, n);
	if (be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC) {
		/* https://api.anthropic.com or .../v1 both work */
		msb_buf_puts(&b, n >= 3 && !memcmp(base + n - 3, "/v1", 3) ? "/messages" : "/v1/messages");
	} else if (be->dialect == MSB_OPENAI_DIALECT_AZURE) {
		char *dep = msb__curl_easy_escape(NULL, be->model, 0);
		if (!dep) {
			msb_buf_dispose(&b);
			return MSB_ENOMEM;
		}
		msb_buf_printf(&b, "/openai/deployments/%s/chat/completions?api-version=%s", dep,
		    api_version && *api_version ? api_version : MSB_AZURE_API_VERSION_DEFAULT);
		msb__curl_free(dep);
		if (q)
			msb_buf_printf(&b, "&%s", q + 1);
		q = NULL;
	} else {
		msb_buf_puts(&b, path);
	}
	if (q)
		msb_buf_puts(&b, q);
	if (!(be->url = msb_buf_detach(&b)))
		return MSB_ENOMEM;
	if ((rc = strip_userinfo(&be->display_url, be->url)))
		return rc;
	/* the identity names the base as given, trailing slashes aside */
	msb_buf_put(&b, base, n);
	if (q)
		msb_buf_puts(&b, q);
	if (!(be->base_clean = msb_buf_detach(&b)))
		return MSB_ENOMEM;
	{
		char *clean;
		if ((rc = strip_userinfo(&clean, be->base_clean)))
			return rc;
		msb__free(be->base_clean);
		be->base_clean = clean;
	}
	return 0;
}

static int make_identity(oa *be, const char *api_version)
{
	msb_buf b = MSB_BUF_INIT;

	if (be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC)
		msb_buf_printf(&b, "anthropic:%s@%s", be->model, be->base_clean);
	else if (be->dialect == MSB_OPENAI_DIALECT_AZURE)
		/* the api-version changes the API: it belongs to the model part (the config hash) */
		msb_buf_printf(&b, "azure[%s]:%s@%s", api_version && *api_version ? api_version :
		    MSB_AZURE_API_VERSION_DEFAULT, be->model, be->base_clean);
	else if (be->o.endpoint == MSB_OPENAI_CHAT)
		msb_buf_printf(&b, "openai:%s@%s", be->model, be->base_clean);
	else
		msb_buf_printf(&b, "openai-completions[%s]:%s@%s",
		    msb_prompt_format_name(be->o.prompt_format), be->model, be->base_clean);
	be->identity = msb_buf_detach(&b);
	return be->identity ? 0 : MSB_ENOMEM;
}

static int add_header(oa *be, const char *h)
{
	struct curl_slist *l = msb__curl_slist_append(be->headers, h);
	if (!l)
		return MSB_ENOMEM;
	be->headers = l;
	return 0;
}

static int host_is(const char *url, const char *host)
{
	size_t n = strlen(host);

	return !strncasecmp(url, host, n) && (url[n] == '\0' || url[n] == '/' || url[n] == ':' ||
	    url[n] == '?');
}

/* https://NAME.SUFFIX (SUFFIX such as ".openai.azure.com"), NAME one DNS label. */
static int host_under(const char *url, const char *suffix)
{
	const char *h, *end;
	size_t n = strlen(suffix), len;

	if (strncasecmp(url, "https://", 8))
		return 0;
	h = url + 8;
	end = h + strcspn(h, "/:?#@");
	if (*end == '@') /* user:password@: not a plain host */
		return 0;
	len = (size_t)(end - h);
	return len > n && !strncasecmp(end - n, suffix, n) && !memchr(h, '.', len - n);
}

/*
 * The provider's own API: the one kind of host that gets the dialect's
 * default key variable without it being named (OPENAI_API_KEY to OpenAI,
 * ANTHROPIC_API_KEY to Anthropic, AZURE_OPENAI_API_KEY to Azure resources).
 */
static int is_provider_host(int dialect, const char *url)
{
	if (dialect == MSB_OPENAI_DIALECT_ANTHROPIC)
		return host_is(url, "https://api.anthropic.com");
	if (dialect == MSB_OPENAI_DIALECT_AZURE)
		return host_under(url, ".openai.azure.com") ||
		    host_under(url, ".cognitiveservices.azure.com");
	return host_is(url, "https://api.openai.com");
}

static const char *default_key_env(int dialect)
{
	return dialect == MSB_OPENAI_DIALECT_ANTHROPIC ? "ANTHROPIC_API_KEY" :
	    dialect == MSB_OPENAI_DIALECT_AZURE ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY";
}

/*
 * The key from the environment, blanks around it trimmed; NULL when there
 * is none. A CR, LF or NUL inside would split the Authorization header.
 */
static int read_key(oa *be, const char **out_key, size_t *out_len)
{
	const char *key = getenv(be->key_env);
	size_t len;

	*out_key = NULL;
	*out_len = 0;
	if (!key)
		return 0;
	while (*key && strchr(" \t\r\n", *key))
		key++;
	len = strlen(key);
	while (len > 0 && strchr(" \t\r\n", key[len - 1]))
		len--;
	if (msb__header_unsafe(key, len))
		return msb__error_set(MSB_EINVAL, "openai backend: the API key in %s holds a CR, LF "
		    "or NUL byte: it would inject headers", be->key_env);
	*out_key = key;
	*out_len = len;
	return 0;
}

static int make_headers(oa *be, const msb_openai_options *o, const char *api_version,
    int read_env)
{
	const char *key = NULL;
	size_t i, key_len = 0;
	int rc;

	if ((rc = add_header(be, "Content-Type: application/json")) ||
	    (rc = add_header(be, "Accept: application/json")) ||
	    /* no 100-continue round trip before large bodies */
	    (rc = add_header(be, "Expect:")))
		return rc;
	if (be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC) {
		char h[160];
		snprintf(h, sizeof h, "anthropic-version: %.128s", api_version && *api_version ?
		    api_version : MSB_ANTHROPIC_VERSION_DEFAULT);
		if ((rc = add_header(be, h)))
			return rc;
	}
	for (i = 0; i < o->n_headers; i++) {
		if (!o->headers[i] || !strchr(o->headers[i], ':'))
			return msb__error_set(MSB_EINVAL,
			    "openai backend: extra header %zu is not \"Name: value\"", i);
		if ((rc = add_header(be, o->headers[i])))
			return rc;
	}
	if (read_env && (rc = read_key(be, &key, &key_len)))
		return rc;
	if (key && key_len) {
		msb_buf b = MSB_BUF_INIT;
		char *h;
		if (!(be->key = msb__malloc(key_len + 1)))
			return MSB_ENOMEM;
		memcpy(be->key, key, key_len);
		be->key[key_len] = '\0';
		/* the key's header differs per dialect; its value is never written anywhere */
		msb_buf_printf(&b, be->dialect == MSB_OPENAI_DIALECT_ANTHROPIC ? "x-api-key: %s" :
		    be->dialect == MSB_OPENAI_DIALECT_AZURE ? "api-key: %s" : "Authorization: Bearer %s",
		    be->key);
		if (!(h = msb_buf_detach(&b)))
			return MSB_ENOMEM;
		rc = add_header(be, h);
		explicit_bzero(h, strlen(h));
		msb__free(h);
	}
	return rc;
}

/*
 * Copy a CA file or folder name ("" is none), checked now so that a typo
 * fails here with its name rather than as a TLS error on every request.
 */
static int copy_ca(char **out, const char *path, const char *what, int mode)
{
	if (!path || !*path)
		return 0;
	if (access(path, mode))
		return msb__error_set(MSB_EINVAL, "openai backend: %s %s: %s", what, path,
		    strerror(errno));
	if (!(*out = msb__strdup(path)))
		return MSB_ENOMEM;
	return 0;
}

int msb_backend_openai_new(msb_backend **out, const msb_openai_options *opts)
{
	return msb_backend_provider_new(out, opts, NULL);
}

int msb_backend_provider_new(msb_backend **out, const msb_openai_options *opts,
    const msb_provider_options *provider)
{
	msb_backend_vtable vt;
	oa *be;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_backend_openai_new: NULL out");
	*out = NULL;
	if ((rc = msb__check_version(opts, MSB_OPENAI_OPTIONS_VERSION, "msb_openai_options")))
		return rc;
	if (!opts)
		return msb__error_set(MSB_EINVAL, "openai backend: no model given");
	if (!provider)
		provider = &default_provider;
	else if ((rc = msb__check_version(provider, MSB_PROVIDER_OPTIONS_VERSION,
	    "msb_provider_options")))
		return rc;
	if (msb__init_count() <= 0)
		return msb__error_set(MSB_ESTATE, "openai backend: call msb_init() first");
	if ((rc = msb__http_init())) /* libcurl's global set-up, on the first HTTP backend */
		return rc;
	if ((rc = check_options(opts)) || (rc = check_provider(opts, provider)))
		return rc;
	be = msb__calloc(1, sizeof *be);
	if (!be)
		return MSB_ENOMEM;
	be->epfd = be->evfd = -1;
	be->dialect = provider->dialect;
	if (pthread_mutex_init(&be->in_lock, NULL)) {
		msb__free(be);
		return msb__error_set(MSB_ERROR, "openai backend: cannot create a mutex");
	}
	/* an older struct is shorter; be->o is zeroed, so later fields stay 0 */
	memcpy(&be->o, opts, opts->version >= 3 ? sizeof *opts : opts->version == 2 ?
	    offsetof(msb_openai_options, insecure_skip_verify) : offsetof(msb_openai_options, ca_file));
	be->explicit_max = be->o.max_in_flight; /* 0: follow the host's concurrency */
	fill_defaults(&be->o, opts->version);
	be->o.base_url = be->o.model = be->o.api_key_env = NULL;
	be->o.headers = NULL;
	if ((rc = copy_ca(&be->ca_file, be->o.ca_file, "ca_file", R_OK)) ||
	    (rc = copy_ca(&be->ca_path, be->o.ca_path, "ca_path", R_OK | X_OK)))
		goto fail;
	be->o.ca_file = be->o.ca_path = NULL;
	be->rng = (unsigned int)time(NULL) ^ (unsigned int)(size_t)be ^ 0x9e3779b9u;
	if (!be->rng)
		be->rng = 1;
	msb__aimd_init(&be->aimd, be->o.max_in_flight);
	msb__bucket_init(&be->rpm, be->o.requests_per_minute, msb__now_ms());
	msb__bucket_init(&be->tpm, be->o.tokens_per_minute, msb__now_ms());
	{
		int dialect = be->dialect;
		const char *api_version = provider->api_version;
		const char *base = opts->base_url ? opts->base_url :
		    dialect == MSB_OPENAI_DIALECT_ANTHROPIC ? MSB_ANTHROPIC_BASE_URL_DEFAULT :
		    "https://api.openai.com/v1";
		/* the default variable goes to its provider only: a local server never gets it unasked */
		int named = opts->api_key_env && *opts->api_key_env;
		if (!(be->model = msb__strdup(opts->model)) ||
		    !(be->key_env = msb__strdup(named ? opts->api_key_env : default_key_env(dialect)))) {
			rc = MSB_ENOMEM;
			goto fail;
		}
		if ((rc = make_urls(be, base, api_version)) || (rc = make_identity(be, api_version)) ||
		    (rc = make_headers(be, opts, api_version, named || is_provider_host(dialect, base))))
			goto fail;
	}
	be->timer_due = -1;
	be->epfd = epoll_create1(EPOLL_CLOEXEC);
	be->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (be->epfd < 0 || be->evfd < 0) {
		rc = msb__error_set(MSB_EIO, "openai backend: cannot create an event loop: %s",
		    strerror(errno));
		goto fail;
	}
	{
		struct epoll_event ev;
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.fd = be->evfd;
		epoll_ctl(be->epfd, EPOLL_CTL_ADD, be->evfd, &ev);
	}
	if (!(be->multi = msb__curl_multi_init())) {
		rc = MSB_ENOMEM;
		goto fail;
	}
	msb__curl_multi_setopt(be->multi, CURLMOPT_SOCKETFUNCTION, msb__oa_socket_cb);
	msb__curl_multi_setopt(be->multi, CURLMOPT_SOCKETDATA, be);
	msb__curl_multi_setopt(be->multi, CURLMOPT_TIMERFUNCTION, msb__oa_timer_cb);
	msb__curl_multi_setopt(be->multi, CURLMOPT_TIMERDATA, be);
	msb__curl_multi_setopt(be->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	/* keep one idle connection per request in flight, so keep-alive is never lost */
	msb__curl_multi_setopt(be->multi, CURLMOPT_MAXCONNECTS, (long)be->o.max_in_flight + 4);

	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.submit = msb__oa_submit;
	vt.poll = msb__oa_poll;
	vt.wakeup = msb__oa_wakeup;
	vt.capacity = msb__oa_capacity;
	vt.identity = msb__oa_identity;
	vt.free = msb__oa_free;
	vt.fd = msb__oa_fd;
	vt.timeout = msb__oa_timeout;
	vt.set_concurrency = msb__oa_set_concurrency;
	vt.cancel = msb__oa_cancel;
	vt.dead = msb__oa_dead;
	if ((rc = msb_backend_new(out, &vt, be)))
		goto fail;
	return 0;
fail:
	msb__oa_free(be);
	return rc;
}
