/*
 * cli/rundir.c - ./medsafety-runs/YYYYMMDD-HHMMSS[-MODEL]: a new folder per
 * run, named by its time and model so that a listing tells runs apart.
 */
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

void cli_rundir_label(char *buf, size_t size, const char *spec)
{
	size_t n = 0;
	const char *s;

	if (!size)
		return;
	buf[0] = '\0';
	if (!spec)
		return;
	/* "openai/gpt-4o-mini": the model, not the protocol */
	if (!strncmp(spec, "openai/", 7))
		spec += 7;
	for (s = spec; *s && n + 1 < size && n < CLI_RUNDIR_LABEL_MAX; s++) {
		char c = *s;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-';
		if (!ok)
			c = '-';
		if (c == '-' && (n == 0 || buf[n - 1] == '-'))
			continue; /* no leading or doubled dashes */
		if (c == '.' && n == 0)
			continue; /* never a hidden folder, never ".." */
		buf[n++] = c;
	}
	while (n && (buf[n - 1] == '-' || buf[n - 1] == '.'))
		n--;
	buf[n] = '\0';
}

int cli_rundir_new(char *buf, size_t size, const char *base)
{
	return cli_rundir_new_for(buf, size, base, NULL);
}

int cli_rundir_new_for(char *buf, size_t size, const char *base, const char *model)
{
	char stamp[32 + CLI_RUNDIR_LABEL_MAX + 2], label[CLI_RUNDIR_LABEL_MAX + 1];
	time_t now = time(NULL);
	struct tm tm;
	int i, n;

	if (!base)
		base = "./" CLI_RUNS_DIR;
	if (!localtime_r(&now, &tm) || !strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm)) {
		errno = EINVAL;
		return -1;
	}
	cli_rundir_label(label, sizeof label, model);
	if (*label) {
		size_t len = strlen(stamp);
		snprintf(stamp + len, sizeof stamp - len, "-%s", label);
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
