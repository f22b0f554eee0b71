/*
 * cli/config/util.h - what the configuration code needs besides its tree:
 * its own error state, reading a file, and hiding secrets in run.json.
 * The library has the same helpers inside (msb__*), but the CLI links the
 * shared library and sees only its public API, so these are its own.
 */
#ifndef CLI_CONFIG_UTIL_H
#define CLI_CONFIG_UTIL_H

#include <stddef.h>

#if defined(__GNUC__)
#  define CFG__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define CFG__PRINTF(f, a)
#endif

/*
 * Record `code` with a formatted message as this thread's last
 * configuration error (cli_config_message) and return `code`. Never
 * allocates (messages are cut at 8 KiB).
 */
int cfg__error_set(int code, const char *fmt, ...) CFG__PRINTF(2, 3);

/* cfg__error_set(MSB_ENOMEM, "out of memory"). */
int cfg__nomem(void);

/*
 * The whole file at path, NUL-terminated; *len its length. New: free().
 * MSB_ENOTFOUND (no such file), MSB_EIO, MSB_ENOMEM, with the message set.
 */
int cfg__file_read(char **out, size_t *len, const char *path);

#endif
