/*
 * lib/core/curlsym.h - libcurl, loaded on first HTTP use.
 *
 * libmedsafety does not link libcurl: libcurl brings about 28 shared
 * libraries (TLS, Kerberos, LDAP, SSH, IDN, ...) whose mapping and
 * relocation cost every process about 10 ms at start, HTTP or not
 * (docs/performance.md, "dataset stats on the whole folder"). The HTTP
 * users call msb__curl_load() before their first libcurl call; it
 * dlopen()s libcurl.so.4 once and resolves the functions below into
 * msb__curl. After it returned 0, msb__curl_X(...) calls curl_X.
 *
 * curl_easy_setopt and curl_easy_getinfo keep libcurl's compile-time type
 * checks (curl/typecheck-gcc.h, GCC only): the macros below expand
 * libcurl's own checking macro, whose final call resolves to a local
 * pointer of the same name.
 */
#ifndef MSB_CORE_CURLSYM_H
#define MSB_CORE_CURLSYM_H

#include <curl/curl.h>

/* X(name): the libcurl functions libmedsafety calls, without "curl_". */
#define MSB__CURL_FUNCTIONS(X) \
	X(global_init) X(global_cleanup) \
	X(easy_init) X(easy_setopt) X(easy_getinfo) X(easy_perform) X(easy_cleanup) \
	X(easy_strerror) X(easy_escape) X(easy_header) X(free) X(getdate) \
	X(slist_append) X(slist_free_all) \
	X(multi_init) X(multi_setopt) X(multi_add_handle) X(multi_remove_handle) \
	X(multi_socket_action) X(multi_info_read) \
	X(multi_cleanup) X(multi_strerror) \
	X(url) X(url_set) X(url_get) X(url_cleanup) \
	X(mime_init) X(mime_addpart) X(mime_name) X(mime_data) X(mime_filedata) \
	X(mime_type) X(mime_free)

/* Each member has the very type of libcurl's declaration (its header). */
struct msb__curl_api {
#define MSB__CURL_MEMBER(n) __typeof__(curl_##n) *n;
	MSB__CURL_FUNCTIONS(MSB__CURL_MEMBER)
#undef MSB__CURL_MEMBER
};

/* Filled by the first successful msb__curl_load(); read-only afterwards. */
extern struct msb__curl_api msb__curl;

/*
 * Load libcurl and resolve its functions, once per process (thread-safe;
 * cheap after the first call). 0, or MSB_EUNSUPPORTED with dlerror()'s
 * text when libcurl.so.4 or one of its functions cannot be found (the
 * same error on every later call). For tests only, the environment
 * variable MSB_TEST_LIBCURL names another file to load instead
 * (secure_getenv: ignored in set-uid programs); docs/architecture.md.
 */
int msb__curl_load(void);
/* 1 once libcurl was loaded in this process (no loading). */
int msb__curl_loaded(void);

#define msb__curl_global_init (msb__curl.global_init)
#define msb__curl_global_cleanup (msb__curl.global_cleanup)
#define msb__curl_easy_init (msb__curl.easy_init)
#define msb__curl_easy_perform (msb__curl.easy_perform)
#define msb__curl_easy_cleanup (msb__curl.easy_cleanup)
#define msb__curl_easy_strerror (msb__curl.easy_strerror)
#define msb__curl_easy_escape (msb__curl.easy_escape)
#define msb__curl_easy_header (msb__curl.easy_header)
#define msb__curl_free (msb__curl.free)
#define msb__curl_getdate (msb__curl.getdate)
#define msb__curl_slist_append (msb__curl.slist_append)
#define msb__curl_slist_free_all (msb__curl.slist_free_all)
#define msb__curl_multi_init (msb__curl.multi_init)
#define msb__curl_multi_setopt (msb__curl.multi_setopt)
#define msb__curl_multi_add_handle (msb__curl.multi_add_handle)
#define msb__curl_multi_remove_handle (msb__curl.multi_remove_handle)
#define msb__curl_multi_socket_action (msb__curl.multi_socket_action)
#define msb__curl_multi_info_read (msb__curl.multi_info_read)
#define msb__curl_multi_cleanup (msb__curl.multi_cleanup)
#define msb__curl_multi_strerror (msb__curl.multi_strerror)
#define msb__curl_url (msb__curl.url)
#define msb__curl_url_set (msb__curl.url_set)
#define msb__curl_url_get (msb__curl.url_get)
#define msb__curl_url_cleanup (msb__curl.url_cleanup)
#define msb__curl_mime_init (msb__curl.mime_init)
#define msb__curl_mime_addpart (msb__curl.mime_addpart)
#define msb__curl_mime_name (msb__curl.mime_name)
#define msb__curl_mime_data (msb__curl.mime_data)
#define msb__curl_mime_filedata (msb__curl.mime_filedata)
#define msb__curl_mime_type (msb__curl.mime_type)
#define msb__curl_mime_free (msb__curl.mime_free)

/*
 * curl_easy_setopt/getinfo through the table, with libcurl's type checks:
 * `curl_easy_setopt(h, o, v)` below is libcurl's checking macro (with GCC)
 * or a plain call (other compilers); either way its call of the function
 * finds the local pointer, which shadows the declaration on purpose.
 */
#define MSB__CURL_SHADOWED(fn, ...) __extension__({ \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wshadow\"") \
	__typeof__(curl_##fn) *const curl_##fn = msb__curl.fn; \
	_Pragma("GCC diagnostic pop") \
	curl_##fn(__VA_ARGS__); })
#define msb__curl_easy_setopt(h, opt, val) MSB__CURL_SHADOWED(easy_setopt, h, opt, val)
#define msb__curl_easy_getinfo(h, info, out) MSB__CURL_SHADOWED(easy_getinfo, h, info, out)

#endif
