/*
 * bench/dataset_load.c - time msb_dataset_load on the whole
 * MedSafetyBench datasets/ folder and measure its memory.
 * Usage: dataset_load DATASETS_DIR [RUNS]   (see bench/dataset_load.sh)
 * Prints: items, file bytes, best and median load time (wall), median CPU time, the dataset's
 * own heap bytes (file buffers, arena, item and index arrays) and the peak RSS growth.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "medsafety/medsafety.h"
#include "core/clock.h"
#include "dataset/dataset.h"

/* bytes of the files a whole-folder load reads (the fine-tuning splits are not loaded) */
static unsigned long long file_bytes(const char *dir)
{
	unsigned long long total = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	char path[4096];
	struct stat st;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "train-splits-used-for-ft"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		total += S_ISDIR(st.st_mode) ? file_bytes(path) : (unsigned long long)st.st_size;
	}
	closedir(d);
	return total;
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* CPU time of the process: steadier than wall time on a machine shared with other jobs. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 10, i;
	double *ms, *cpu;
	long rss0, rss1;
	msb_dataset *ds;
	size_t items = 0, own = 0;
	unsigned long long bytes;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: dataset_load DATASETS_DIR [RUNS]\n");
		return 2;
	}
	ms = calloc((size_t)runs, sizeof *ms);
	cpu = calloc((size_t)runs, sizeof *cpu);
	bytes = file_bytes(argv[1]);
	msb_init();
	rss0 = max_rss_kb();
	for (i = 0; i < runs; i++) {
		double t0 = msb__now_ms(), c0 = cpu_ms();
		if (msb_dataset_load(&ds, argv[1], NULL)) {
			fprintf(stderr, "dataset_load: %s\n", msb_error_last()->message);
			return 1;
		}
		ms[i] = msb__now_ms() - t0;
		cpu[i] = cpu_ms() - c0;
		if (i == 0) {
			rss1 = max_rss_kb();
			items = msb_dataset_count(ds);
			own = ds->arena.total + ds->cap * sizeof *ds->items + ds->index_cap * sizeof *ds->index;
			own += ds->blob_bytes; /* the file buffers items point into */
		}
		msb_dataset_free(ds);
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
	qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
	printf("items %zu\n", items);
	printf("file_bytes %llu\n", bytes);
	printf("load_ms_best %.1f\n", ms[0]);
	printf("load_ms_median %.1f\n", ms[runs / 2]);
	printf("cpu_ms_median %.1f\n", cpu[runs / 2]);
	printf("dataset_bytes %zu (%.2fx the files)\n", own, (double)own / (double)bytes);
	printf("peak_rss_growth_bytes %ld (%.2fx the files; includes the largest file's read buffer)\n",
	    (rss1 - rss0) * 1024, (double)(rss1 - rss0) * 1024.0 / (double)bytes);
	free(ms);
	free(cpu);
	msb_shutdown();
	return 0;
}
