/*
 * medsafety/common.h - conventions shared by every part of libmedsafety:
 * export macro, error codes, the thread-local last error, library
 * initialisation, the allocator hook and msb_free().
 *
 * Thread safety: every function here is thread-safe except
 * msb_set_allocator(), which must be called before the first msb_init().
 */
#ifndef MEDSAFETY_COMMON_H
#define MEDSAFETY_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#  if defined(MSB_BUILDING_LIBRARY)
#    define MSB_API __declspec(dllexport)
#  else
#    define MSB_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define MSB_API __attribute__((visibility("default")))
#else
#  define MSB_API
#endif

#if defined(__GNUC__) && !defined(MSB_NO_DEPRECATION_WARNINGS)
#  define MSB_DEPRECATED __attribute__((deprecated))
#else
#  define MSB_DEPRECATED
#endif

/**
 * Return codes. 0 is success; every failure is negative. The numbers are
 * part of the ABI: they are never renumbered or reused, only appended.
 */
typedef enum msb_error_code {
	MSB_OK = 0,
	MSB_ERROR = -1,         /**< generic failure */
	MSB_EINVAL = -2,        /**< invalid argument or option */
	MSB_ENOMEM = -3,        /**< out of memory */
	MSB_EIO = -4,           /**< file or socket I/O failed */
	MSB_EPARSE = -5,        /**< malformed input (file, response, config) */
	MSB_ENOTFOUND = -6,     /**< the thing asked for does not exist */
	MSB_ECANCELED = -7,     /**< the operation was cancelled */
	MSB_EHTTP = -8,         /**< an HTTP request failed or got an error status */
	MSB_ETIMEOUT = -9,      /**< a time limit was reached */
	MSB_EUSER = -10,        /**< a host callback reported failure */
	MSB_EEXISTS = -11,      /**< the target already exists */
	MSB_EVERSION = -12,     /**< unsupported struct/vtable version */
	MSB_ESTATE = -13,       /**< call not valid in the current state */
	MSB_ECHECKSUM = -14,    /**< data does not match its checksum */
	MSB_ELIMIT = -15,       /**< a size, budget or rate limit was exceeded */
	MSB_EUNSUPPORTED = -16, /**< feature or format not supported */
	MSB_EMISMATCH = -17     /**< inputs that must agree do not (config hash, shards) */
} msb_error_code;

/** The last error of the calling thread. */
typedef struct msb_error {
	int code;            /**< an msb_error_code, 0 when there was none */
	const char *message; /**< what went wrong and where; never NULL */
} msb_error;

/**
 * The last error set on this thread by a failing libmedsafety call.
 * Never NULL. Borrowed: valid until the next libmedsafety call on this
 * thread. Successful calls do not clear it; see msb_error_clear().
 */
MSB_API const msb_error *msb_error_last(void);

/** Reset this thread's last error to { 0, "no error" }. */
MSB_API void msb_error_clear(void);

/**
 * A static, human-readable description of an error code, e.g.
 * "out of memory". Never NULL (unknown codes give "unknown error").
 */
MSB_API const char *msb_strerror(int code);

/**
 * Initialise the library. Counted: each successful msb_init() needs one
 * msb_shutdown(). libcurl's global initialisation (curl_global_init)
 * happens on the first HTTP use when libcurl's is thread-safe (7.84 and
 * later), else in the first msb_init(). Thread-safe. Returns the new
 * count (>= 1) or a negative error code.
 */
MSB_API int msb_init(void);

/**
 * Undo one msb_init(). The last one releases global resources (libcurl).
 * Returns the remaining count (>= 0), or MSB_ESTATE when not initialised.
 */
MSB_API int msb_shutdown(void);

#define MSB_ALLOCATOR_VERSION 1

/**
 * Memory functions used for everything libmedsafety allocates itself
 * (not for memory that libcurl or jansson allocate internally:
 * the library never changes their global allocators).
 */
typedef struct msb_allocator {
	unsigned int version; /**< MSB_ALLOCATOR_VERSION */
	void *(*malloc)(size_t size, void *userdata);
	void *(*realloc)(void *ptr, size_t size, void *userdata);
	void (*free)(void *ptr, void *userdata);
	void *userdata;
} msb_allocator;

/**
 * Replace the allocator; NULL restores the C library's. Only allowed
 * while the library is not initialised (before the first msb_init() or
 * after the last msb_shutdown()): returns MSB_ESTATE otherwise, and
 * MSB_EINVAL when a function pointer is missing. The struct is copied.
 */
MSB_API int msb_set_allocator(const msb_allocator *allocator);

/**
 * Free memory the library handed to the caller (strings and arrays whose
 * documentation says "free with msb_free"). NULL is accepted.
 */
MSB_API void msb_free(void *ptr);

/*
 * Sub-structs shared by the info getters of a completion, a verdict and a
 * results record (added in 0.2): the one shape of "how did the call go".
 * They are members of versioned structs, never passed alone, so they
 * carry no version of their own, and they never grow: a field added later
 * goes into the versioned struct that holds them.
 */

/** An error of a call; all zero / NULL when there was none. */
typedef struct msb_error_info {
	int code;            /**< an msb_error_code, 0 when none */
	const char *kind;    /**< "http", "rate_limit", "parse", ... (docs/backends.md); NULL when none; borrowed */
	const char *message; /**< NULL when none; borrowed */
} msb_error_info;

/** What a call used. */
typedef struct msb_usage {
	long long prompt_tokens;     /**< -1 unknown */
	long long completion_tokens; /**< -1 unknown */
	int attempts;                /**< requests made, retries included */
	double latency_ms;           /**< wall time of the call, retries included */
} msb_usage;

/*
 * Secrets out of what a host records: the library's own
 * rules for run.json, messages and identities, for a host that writes its
 * configuration beside a run (the CLI's run.json "config", a notebook's
 * log), so that it hides exactly what the library hides. (Added after 0.2.0.)
 */

/**
 * A URL for display: "user:password@" removed and every query value
 * replaced by "<redacted>" (the names stay: "?api-key=<redacted>"; a bare
 * query word is replaced whole), the fragment dropped. Text that is not a
 * URL is returned as given. *out new: free with msb_free; NULL on error.
 * MSB_EINVAL (NULL out or url), MSB_ENOMEM.
 */
MSB_API int msb_redact_url(char **out, const char *url);

/**
 * 1 when the value of the HTTP header `name` may be shown (Accept,
 * Accept-Encoding, Accept-Language, Content-Type, Expect, User-Agent,
 * Cache-Control, Connection, OpenAI-Beta, anthropic-version, api-version,
 * HTTP-Referer, X-Title; ASCII case ignored, a ":..." suffix and blanks
 * before it ignored), else 0 (also for NULL): every other header value is
 * written "<redacted>".
 */
MSB_API int msb_redact_header_harmless(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_COMMON_H */
