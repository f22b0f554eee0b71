/*
 * lib/dataset/load.c - msb_dataset_load: the built-in sample, folders
 * (the MedSafetyBench layout) and single files, by name and extension.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "medsafety/dataset.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "dataset/dataset.h"
#include "dataset/load.h"

/* What a file name says about a file. */
typedef enum kind {
	KIND_NONE,
	KIND_MSB_CSV,   /* med_safety_demonstrations_category_N.csv */
	KIND_LLAMA3,    /* category_N.txt */
	KIND_HEXPHI,    /* category_N.csv */
	KIND_FINETUNE,  /* ft_safety_{med,gen,both}_nK.json */
	KIND_CSV, KIND_TEXT, KIND_JSON, KIND_JSONL
} kind;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* "<prefix><digits><suffix>" exactly: the number, else -1. */
static long match_num(const char *name, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), nl = strlen(name), i;
	long v = 0;

	if (nl <= pl + sl || strncmp(name, prefix, pl) || strcmp(name + nl - sl, suffix))
		return -1;
	for (i = pl; i < nl - sl; i++) {
		if (!isdigit((unsigned char)name[i]) || v > 100000)
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

static int has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && !strcmp(name + n - e, ext);
}

static kind classify(const char *name, long *num, char ft_source[8])
{
	long v;

	if ((v = match_num(name, "med_safety_demonstrations_category_", ".csv")) >= 0) {
		*num = v;
		return KIND_MSB_CSV;
	}
	if ((v = match_num(name, "category_", ".txt")) >= 0) {
		*num = v;
		return KIND_LLAMA3;
	}
	if ((v = match_num(name, "category_", ".csv")) >= 0) {
		*num = v;
		return KIND_HEXPHI;
	}
	{
		static const char *const srcs[] = { "med", "gen", "both" };
		size_t i;
		char prefix[32];
		for (i = 0; i < 3; i++) {
			snprintf(prefix, sizeof prefix, "ft_safety_%s_n", srcs[i]);
			if ((v = match_num(name, prefix, ".json")) >= 0) {
				*num = v;
				strcpy(ft_source, srcs[i]);
				return KIND_FINETUNE;
			}
		}
	}
	return KIND_NONE;
}

/* The name of the folder `up` levels above the file ("" when there is none). */
static void parent_name(const char *path, int up, char *out, size_t cap)
{
	const char *end = path + strlen(path), *s;

	out[0] = '\0';
	while (up-- >= 0) {
		while (end > path && end[-1] != '/')
			end--;
		if (end == path)
			return;
		end--; /* at the '/' */
		while (end > path && end[-1] == '/')
			end--;
	}
	for (s = end; s > path && s[-1] != '/'; s--)
		;
	if ((size_t)(end - s) < cap) {
		memcpy(out, s, (size_t)(end - s));
		out[end - s] = '\0';
	}
}

/* Intern the origin's names once, so that each item's lookup is a pointer compare. */
static int intern_origin(msb_dataset *ds, msb__origin *o)
{
	o->source = msb__dataset_intern(ds, o->source);
	o->split = msb__dataset_intern(ds, o->split);
	return o->source && o->split ? 0 : MSB_ENOMEM;
}

static int load_buffer(msb_dataset *ds, const char *path, const msb_dataset_options *opts,
    char *buf, size_t len, int borrow)
{
	const char *name = base_name(path);
	char ft_source[8] = "", id_prefix[300], source[128], split[64], stem[128];
	msb__origin o;
	long num = 0;
	kind k = opts->format == MSB_FORMAT_AUTO || opts->format == MSB_FORMAT_MEDSAFETYBENCH
	    ? classify(name, &num, ft_source) : KIND_NONE;

	/* an explicit hexphi format still takes the category from a category_N.csv name */
	if (opts->format == MSB_FORMAT_HEXPHI && classify(name, &num, ft_source) == KIND_HEXPHI)
		k = KIND_HEXPHI;

	memset(&o, 0, sizeof o);
	o.path = path;
	o.borrow = borrow;
	o.id_prefix = id_prefix;
	{
		const char *dot = strrchr(name, '.');
		size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
		if (n >= sizeof stem)
			n = sizeof stem - 1;
		memcpy(stem, name, n);
		stem[n] = '\0';
	}
	switch (k) {
	case KIND_MSB_CSV:
	case KIND_LLAMA3:
		if (num < 1 || num > 9)
			return msb__error_set(MSB_EPARSE,
			    "%s: principle %ld out of range (the file name's category must be 1..9)", path, num);
		o.principle = o.category = (int)num;
		if (k == KIND_LLAMA3) {
			o.split = "generated";
			o.source = "llama3";
		} else {
			parent_name(path, 0, source, sizeof source);
			parent_name(path, 1, split, sizeof split);
			o.source = !strcmp(source, "gpt4") || !strcmp(source, "llama2") ? source
			    : opts->source ? opts->source : "medsafetybench";
			o.split = !strcmp(split, "test") || !strcmp(split, "train") ? split
			    : opts->split ? opts->split : "test";
		}
		snprintf(id_prefix, sizeof id_prefix, "%s/%s/%ld", o.split, o.source, num);
		if (intern_origin(ds, &o))
			return MSB_ENOMEM;
		return k == KIND_LLAMA3 ? msb__load_text(ds, &o, buf, len) : msb__load_msb_csv(ds, &o, buf, len);
	case KIND_HEXPHI:
		if (num < 1 || num > 11)
			return msb__error_set(MSB_EPARSE,
			    "%s: HEx-PHI category %ld out of range (category_N.csv, N = 1..11)", path, num);
		o.split = "test";
		o.source = "hexphi";
		o.category = (int)num;
		snprintf(id_prefix, sizeof id_prefix, "test/hexphi/%ld", num);
		if (intern_origin(ds, &o))
			return MSB_ENOMEM;
		return msb__load_headerless_csv(ds, &o, buf, len);
	case KIND_FINETUNE: {
		msb_dataset_options alpaca = *opts;
		o.split = "finetune";
		o.source = ft_source;
		snprintf(id_prefix, sizeof id_prefix, "finetune/%s/n%ld", ft_source, num);
		if (intern_origin(ds, &o))
			return MSB_ENOMEM;
		alpaca.prompt_column = "instruction";
		alpaca.reference_column = "output";
		alpaca.principle_column = NULL;
		alpaca.id_column = NULL;
		return msb__load_json(ds, &o, &alpaca, buf, len, 0);
	}
	default:
		break;
	}
	o.split = opts->split ? opts->split : "test";
	o.source = opts->source ? opts->source : stem;
	snprintf(id_prefix, sizeof id_prefix, "%s", o.source);
	if (intern_origin(ds, &o))
		return MSB_ENOMEM;
	switch (opts->format) {
	case MSB_FORMAT_CSV: return msb__load_csv(ds, &o, opts, buf, len);
	case MSB_FORMAT_TEXT: return msb__load_text(ds, &o, buf, len);
	case MSB_FORMAT_JSON: return msb__load_json(ds, &o, opts, buf, len, 0);
	case MSB_FORMAT_JSONL: return msb__load_json(ds, &o, opts, buf, len, 1);
	case MSB_FORMAT_HEXPHI: return msb__load_headerless_csv(ds, &o, buf, len);
	case MSB_FORMAT_MEDSAFETYBENCH:
		return msb__error_set(MSB_EPARSE, "%s: not a MedSafetyBench file name", path);
	default: break;
	}
	if (has_ext(name, ".csv"))
		return msb__load_csv(ds, &o, opts, buf, len);
	if (has_ext(name, ".jsonl") || has_ext(name, ".ndjson"))
		return msb__load_json(ds, &o, opts, buf, len, 1);
	if (has_ext(name, ".json"))
		return msb__load_json(ds, &o, opts, buf, len, 0);
	return msb__load_text(ds, &o, buf, len);
}

/* Index the items a file added; a clash of generated ids is bad input. */
static int index_pending(msb_dataset *ds, const char *path)
{
	char msg[300];
	int rc = msb__dataset_index_pending(ds);

	if (rc != MSB_EEXISTS)
		return rc;
	snprintf(msg, sizeof msg, "%s", msb_error_last()->message);
	return msb__error_set(MSB_EPARSE, "%s: %s (the same file loaded twice?)", path, msg);
}

/* 1 when the loader for this file keeps pointers into its buffer (CSV, text; not JSON). */
static int borrows_buffer(const char *path, const msb_dataset_options *opts)
{
	const char *name = base_name(path);
	char ft[8];
	long num;
	/* the same choice as load_buffer's */
	kind k = opts->format == MSB_FORMAT_AUTO || opts->format == MSB_FORMAT_MEDSAFETYBENCH
	    ? classify(name, &num, ft) : KIND_NONE;

	if (opts->format == MSB_FORMAT_HEXPHI && classify(name, &num, ft) == KIND_HEXPHI)
		k = KIND_HEXPHI;
	switch (k) {
	case KIND_MSB_CSV: case KIND_LLAMA3: case KIND_HEXPHI: return 1;
	case KIND_FINETUNE: return 0;
	default: break;
	}
	switch (opts->format) {
	case MSB_FORMAT_CSV: case MSB_FORMAT_TEXT: case MSB_FORMAT_HEXPHI: return 1;
	case MSB_FORMAT_AUTO: break;
	default: return 0;
	}
	return !has_ext(name, ".json") && !has_ext(name, ".jsonl") && !has_ext(name, ".ndjson");
}

/* Files from this size on are read into the dataset's huge-page region (core/bulk.h). */
#define BULK_FILE_MIN ((size_t)1 << 20)

/*
 * Read a large file that the loader will keep into the dataset's bulk
 * region: 1 with *buf set, 0 when it does not apply or failed in any way
 * (the caller reads it the ordinary way, which reports errors).
 */
static int read_bulk(msb_dataset *ds, const char *path, const msb_dataset_options *opts, char **buf,
    size_t *len)
{
	struct stat st;
	size_t size, used = 0;
	char *b;
	int fd;

	if (!borrows_buffer(path, opts))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    ((size_t)st.st_size < BULK_FILE_MIN && !msb__bulk_active(&ds->bulk)) ||
	    !(b = msb__bulk_alloc(&ds->bulk, (size_t)st.st_size + 1))) {
		close(fd);
		return 0;
	}
	size = (size_t)st.st_size;
	for (;;) {
		ssize_t n = read(fd, b + used, size + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used > size) /* it grew */
			break;
	}
	close(fd);
	if (used != size) {
		/* a read error, or the file changed size while read: the ordinary way decides */
		msb__bulk_pop(&ds->bulk, b);
		return 0;
	}
	b[size] = '\0';
	*buf = b;
	*len = size;
	return 1;
}

/*
 * Read the whole file and hand the buffer to the dataset: CSV and text
 * items point into it (fields are unescaped and NUL-terminated in
 * place), which saves a copy of every prompt. JSON strings come from
 * jansson, so a JSON file's buffer is freed after parsing.
 */
static int load_file(msb_dataset *ds, const char *path, const msb_dataset_options *opts)
{
	char *buf;
	size_t len, borrowed = ds->n_borrowed;
	int rc = 0;

	if (!read_bulk(ds, path, opts, &buf, &len) && (rc = msb__file_read(&buf, &len, path)))
		return rc;
	if ((rc = msb__dataset_adopt(ds, buf, len + 1)))
		return rc;
	rc = load_buffer(ds, path, opts, buf, len, 1);
	if (!rc)
		rc = index_pending(ds, path);
	if (ds->n_borrowed == borrowed) {
		/* nothing points into it (JSON, or no items): give it back now */
		char *b = ds->blobs[--ds->n_blobs];
		if (msb__bulk_owns(&ds->bulk, b))
			msb__bulk_discard(&ds->bulk, b, len + 1);
		else
			msb__free(b);
		ds->blob_bytes -= len + 1;
	}
	return rc;
}

/* Natural order, so that category_10 follows category_9. */
static int natural_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	while (*x && *y) {
		if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
			const char *xs = x, *ys = y;
			size_t xl, yl;
			while (*xs == '0' && isdigit((unsigned char)xs[1]))
				xs++;
			while (*ys == '0' && isdigit((unsigned char)ys[1]))
				ys++;
			for (x = xs; isdigit((unsigned char)*x); x++)
				;
			for (y = ys; isdigit((unsigned char)*y); y++)
				;
			xl = (size_t)(x - xs);
			yl = (size_t)(y - ys);
			if (xl != yl)
				return xl < yl ? -1 : 1;
			{
				int c = memcmp(xs, ys, xl);
				if (c)
					return c;
			}
			continue;
		}
		if (*x != *y)
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		x++;
		y++;
	}
	return *x ? 1 : *y ? -1 : 0;
}

static void free_names(char **names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		msb__free(names[i]);
	msb__free(names);
}

/*
 * A folder: every file whose name the benchmark (or HEx-PHI) uses, in
 * natural order, recursively. The fine-tuning splits are derived sets:
 * skipped unless the walk started inside them.
 */
static int load_dir(msb_dataset *ds, const char *dir, const msb_dataset_options *opts, int depth,
    size_t *files)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL, *path = NULL;
	size_t n = 0, cap = 0, i, dlen = strlen(dir);
	int rc = 0;

	if (depth > 8)
		return 0;
	d = opendir(dir);
	if (!d)
		return msb__error_set(errno == ENOENT ? MSB_ENOTFOUND : MSB_EIO, "%s: cannot open folder: %s",
		    dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		/* derived sets: loaded only when the walk starts at or below them */
		if (!strcmp(e->d_name, "train-splits-used-for-ft"))
			continue;
		if (n == cap) {
			char **nn = msb__reallocarray(names, cap ? cap * 2 : 16, sizeof *nn);
			if (!nn) {
				rc = MSB_ENOMEM;
				break;
			}
			names = nn;
			cap = cap ? cap * 2 : 16;
		}
		if (!(names[n] = msb__strdup(e->d_name))) {
			rc = MSB_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!rc)
		qsort(names, n, sizeof *names, natural_cmp);
	for (i = 0; !rc && i < n; i++) {
		size_t plen = dlen + strlen(names[i]) + 2;
		char ft[8];
		long num;
		msb__free(path);
		path = msb__malloc(plen);
		if (!path) {
			rc = MSB_ENOMEM;
			break;
		}
		snprintf(path, plen, "%s%s%s", dir, dlen && dir[dlen - 1] == '/' ? "" : "/", names[i]);
		if (msb__is_dir(path)) {
			rc = load_dir(ds, path, opts, depth + 1, files);
		} else if (classify(names[i], &num, ft) != KIND_NONE) {
			rc = load_file(ds, path, opts);
			(*files)++;
		}
	}
	msb__free(path);
	free_names(names, n);
	return rc;
}

static const msb_dataset_options default_load_options = MSB_DATASET_OPTIONS_INIT;

int msb_dataset_load(msb_dataset **out, const char *path, const msb_dataset_options *opts)
{
	msb_dataset *ds;
	size_t files = 0;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_dataset_load: NULL out");
	*out = NULL;
	if (!path || !*path)
		return msb__error_set(MSB_EINVAL, "msb_dataset_load: no path");
	if ((rc = msb__check_version(opts, MSB_DATASET_OPTIONS_VERSION, "msb_dataset_options")))
		return rc;
	if (!opts)
		opts = &default_load_options;
	if (opts->format < MSB_FORMAT_AUTO || opts->format > MSB_FORMAT_HEXPHI)
		return msb__error_set(MSB_EINVAL, "msb_dataset_load: format %d cannot be loaded", opts->format);
	if (opts->clean & ~MSB_CLEAN_ALL)
		return msb__error_set(MSB_EINVAL, "msb_dataset_load: unknown clean flags 0x%x", opts->clean);
	if ((rc = msb__dataset_alloc(&ds)))
		return rc;
	if (!strcmp(path, "sample")) {
		rc = msb__load_sample(ds);
	} else if (!strcmp(path, "benign")) {
		rc = msb__load_benign(ds);
	} else if (msb__is_dir(path)) {
		rc = load_dir(ds, path, opts, 0, &files);
		if (!rc && !files)
			rc = msb__error_set(MSB_ENOTFOUND,
			    "%s: no MedSafetyBench or HEx-PHI files in this folder (name a file to load "
			    "other formats)", path);
	} else {
		rc = load_file(ds, path, opts);
	}
	if (!rc)
		rc = index_pending(ds, path);
	if (!rc && opts->clean)
		rc = msb__dataset_clean(ds, opts->clean);
	if (rc) {
		msb_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return 0;
}

int msb_dataset_load_sample(msb_dataset **out)
{
	return msb_dataset_load(out, "sample", NULL);
}
