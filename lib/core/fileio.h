/* lib/core/fileio.h - whole-file reads and crash-safe (atomic) writes. */
#ifndef MSB_CORE_FILEIO_H
#define MSB_CORE_FILEIO_H

#include <stddef.h>

/*
 * Read a whole file. *out is NUL-terminated (the NUL is not counted in
 * *len); free with msb__free. Errors: MSB_ENOTFOUND, MSB_EIO, MSB_ENOMEM,
 * each message naming the path.
 */
int msb__file_read(char **out, size_t *len, const char *path);

/*
 * Write `len` bytes to `path` atomically: a temporary file in the same
 * folder, fsync, rename over `path`, fsync of the folder. A crash leaves
 * either the old or the new file, never a mix.
 */
int msb__file_write_atomic(const char *path, const void *data, size_t len);

/* Create a folder and its parents (mode 0777 & ~umask). EEXIST is fine. */
int msb__mkdir_p(const char *path);

/* 1 if path is a folder, 0 if not (or missing). */
int msb__is_dir(const char *path);

#endif
