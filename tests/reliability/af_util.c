/* tests/reliability/af_util.c - see af_util.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "af_util.h"

const char *af_fixture(char *buf, size_t cap, const char *name)
{
	const char *root = getenv("MSB_SOURCE_ROOT");

	snprintf(buf, cap, "%s/tests/fixtures/reliability/%s", root ? root : ".", name);
	return buf;
}

int af_tmpdir(char *buf, size_t cap, const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, cap, "%s/msb-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
	return mkdtemp(buf) ? 0 : -1;
}

long af_dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

void af_rmtree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];
	struct stat st;

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			af_rmtree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}
