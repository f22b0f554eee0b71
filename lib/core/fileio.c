/* lib/core/fileio.c - whole-file reads and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"

int msb__file_read(char **out, size_t *len, const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t cap, used = 0;
	int fd;

	*out = NULL;
	if (len)
		*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return msb__error_set(errno == ENOENT ? MSB_ENOTFOUND : MSB_EIO,
		    "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		return msb__error_set(MSB_EIO, "%s: cannot read: %s", path, strerror(e));
	}
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	buf = msb__malloc(cap);
	if (!buf) {
		close(fd);
		return MSB_ENOMEM;
	}
	for (;;) {
		ssize_t n;
		if (used + 1 >= cap) {
			char *nb = msb__realloc(buf, cap * 2);
			if (!nb) {
				msb__free(buf);
				close(fd);
				return MSB_ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			msb__free(buf);
			close(fd);
			return msb__error_set(MSB_EIO, "%s: read failed: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return 0;
}

static int fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd;

	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else {
		size_t n = (size_t)(slash - path);
		if (n >= sizeof dir)
			return 0;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* best effort */
	fsync(fd);
	close(fd);
	return 0;
}

int msb__file_write_atomic(const char *path, const void *data, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = msb__malloc(plen + 32);
	const char *p = data;
	int fd;

	if (!tmp)
		return MSB_ENOMEM;
	snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		msb__free(tmp);
		return msb__error_set(MSB_EIO, "%s: cannot create: %s", path, strerror(e));
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			close(fd);
			unlink(tmp);
			msb__free(tmp);
			return msb__error_set(MSB_EIO, "%s: write failed: %s", path, strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		int e = errno;
		unlink(tmp);
		msb__free(tmp);
		return msb__error_set(MSB_EIO, "%s: write failed: %s", path, strerror(e));
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		msb__free(tmp);
		return msb__error_set(MSB_EIO, "%s: cannot rename into place: %s", path, strerror(e));
	}
	msb__free(tmp);
	return fsync_dir_of(path);
}

int msb__mkdir_p(const char *path)
{
	char buf[4096];
	size_t n = strlen(path), i;

	if (n == 0 || n >= sizeof buf)
		return msb__error_set(MSB_EINVAL, "invalid folder path");
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST)
				return msb__error_set(MSB_EIO, "%s: cannot create folder: %s", buf,
				    strerror(errno));
			buf[i] = c;
		}
	}
	if (!msb__is_dir(path))
		return msb__error_set(MSB_EIO, "%s: exists and is not a folder", path);
	return 0;
}

int msb__is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
