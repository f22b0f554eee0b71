/* lib/core/error.h - setting the thread-local last error. */
#ifndef MSB_CORE_ERROR_H
#define MSB_CORE_ERROR_H

#if defined(__GNUC__)
#  define MSB__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define MSB__PRINTF(f, a)
#endif

/*
 * Record `code` with a formatted message as this thread's last error and
 * return `code`, so that `return msb__error_set(MSB_EINVAL, "...")` reads
 * naturally. Never allocates (messages are truncated at 8 KiB).
 */
int msb__error_set(int code, const char *fmt, ...) MSB__PRINTF(2, 3);

/*
 * Prefix the current last error's message with "prefix: " (e.g. a file
 * name) and return its code.
 */
int msb__error_prefix(const char *fmt, ...) MSB__PRINTF(1, 2);

/* The current last error's code (0 when none). */
int msb__error_code(void);

#endif
