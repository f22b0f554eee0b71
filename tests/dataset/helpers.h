/* tests/dataset/helpers.h - small helpers shared by the dataset tests. */
#ifndef MSB_TEST_DATASET_HELPERS_H
#define MSB_TEST_DATASET_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh temporary folder (removed by rm_tree). */
static inline char *make_tmpdir(void)
{
	char *d = strdup("/tmp/msb-dataset-test-XXXXXX");
	if (!d || !mkdtemp(d)) {
		perror("mkdtemp");
		abort();
	}
	return d;
}

static inline void rm_tree(char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(dir);
}

/* Write len bytes to dir/name (creating dir/name's folders); returns the path (static buffer). */
static inline const char *write_file(const char *dir, const char *name, const char *data, size_t len)
{
	static char path[1024];
	char cmd[1200];
	FILE *f;
	char *slash;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	slash = strrchr(path, '/');
	*slash = '\0';
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
	if (system(cmd) != 0)
		abort();
	*slash = '/';
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
	return path;
}

static inline const char *fixture(const char *name)
{
	static char path[1024];
	const char *root = getenv("MSB_SOURCE_ROOT");
	snprintf(path, sizeof path, "%s/tests/fixtures/dataset/%s", root ? root : ".", name);
	return path;
}

#endif
