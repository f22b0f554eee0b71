/* cli/rundir.c - ./medsafety-runs/YYYYMMDD-HHMMSS: a new folder per run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "rundir.h"

static int mkdir_parents(const char *path)
{
	char tmp[4096];
	char *p;

	if (strlen(path) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(tmp, path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

int cli_rundir_new(char *buf, size_t size, const char *base)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int i, n;

	if (!base)
		base = "./" CLI_RUNS_DIR;
	if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm)) {
		errno = EINVAL;
		return -1;
	}
	if (mkdir_parents(base) < 0)
		return -1;
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			n = snprintf(buf, size, "%s/%s", base, stamp);
		else
			n = snprintf(buf, size, "%s/%s-%d", base, stamp, i);
		if (n < 0 || (size_t)n >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		/* mkdir is the reservation: it fails when another run took the name */
		if (mkdir(buf, 0777) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}
