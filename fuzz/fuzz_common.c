/* fuzz/fuzz_common.c - the counting allocator and scratch files of fuzz/fuzz.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "medsafety/common.h"
#include "fuzz.h"

static long g_live;
static int g_ready;
static char g_dir[64];
static char g_path[256];

static void *count_malloc(size_t size, void *ud)
{
	void *p = malloc(size);
	(void)ud;
	if (p)
		__atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
	return p;
}

static void *count_realloc(void *ptr, size_t size, void *ud)
{
	void *p = realloc(ptr, size);
	(void)ud;
	if (p && !ptr)
		__atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
	return p;
}

static void count_free(void *ptr, void *ud)
{
	(void)ud;
	if (ptr)
		__atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);
	free(ptr);
}

static void remove_scratch(void)
{
	if (g_path[0])
		unlink(g_path);
	if (g_dir[0])
		rmdir(g_dir);
}

void msb_fuzz_setup(void)
{
	static const msb_allocator a = {
		MSB_ALLOCATOR_VERSION, count_malloc, count_realloc, count_free, NULL
	};

	if (g_ready)
		return;
	g_ready = 1;
	if (msb_set_allocator(&a) != 0 || msb_init() < 1) {
		fprintf(stderr, "fuzz: cannot initialise libmedsafety: %s\n", msb_error_last()->message);
		abort();
	}
}

long msb_fuzz_live(void)
{
	return __atomic_load_n(&g_live, __ATOMIC_RELAXED);
}

void msb_fuzz_check_leaks(const char *target)
{
	long live = msb_fuzz_live();

	if (live != 0) {
		fprintf(stderr, "%s: %ld library allocation(s) still live after the input: a leak\n",
		    target, live);
		abort();
	}
}

char *msb_fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

const char *msb_fuzz_file(const uint8_t *data, size_t size, const char *name)
{
	FILE *f;

	if (!g_dir[0]) {
		/* a private folder, so that parallel fuzzers never share a file */
		/* memory-backed when there is one: a file is written per input */
		const char *tmp = getenv("TMPDIR");
		if (!tmp || strlen(tmp) >= 40)
			tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(g_dir, sizeof g_dir, "%s/msb-fuzz-XXXXXX", tmp);
		if (!mkdtemp(g_dir)) {
			g_dir[0] = '\0';
			return NULL;
		}
		atexit(remove_scratch);
	}
	if (g_path[0] && strcmp(strrchr(g_path, '/') + 1, name))
		unlink(g_path); /* one scratch file at a time */
	snprintf(g_path, sizeof g_path, "%s/%s", g_dir, name);
	f = fopen(g_path, "wb");
	if (!f)
		return NULL;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return NULL;
	}
	return fclose(f) == 0 ? g_path : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	msb_fuzz_setup();
	return 0;
}
