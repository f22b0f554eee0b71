/* cli/config/fileio.c - reading a configuration file whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/util.h"

int cfg__file_read(char **out, size_t *len, const char *path)
{
	struct stat st;
	FILE *f;
	char *buf, *nb;
	size_t cap, used = 0, n;

	*out = NULL;
	*len = 0;
	if (!(f = fopen(path, "rb")))
		return cfg__error_set(errno == ENOENT ? MSB_ENOTFOUND : MSB_EIO,
		    "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || S_ISDIR(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
		fclose(f);
		return cfg__error_set(MSB_EIO, "%s: cannot read: %s", path, strerror(e));
	}
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	if (!(buf = malloc(cap))) {
		fclose(f);
		return cfg__nomem();
	}
	for (;;) {
		if (used + 1 >= cap) {
			if (!(nb = realloc(buf, cap * 2))) {
				free(buf);
				fclose(f);
				return cfg__nomem();
			}
			buf = nb;
			cap *= 2;
		}
		n = fread(buf + used, 1, cap - used - 1, f);
		used += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return cfg__error_set(MSB_EIO, "%s: read failed", path);
	}
	fclose(f);
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}
