/*
 * lib/runfolder/reader.c - the one streaming reader of the run folder's
 * JSON-lines files (results.jsonl, answers.jsonl): line numbers, a reason
 * for every bad line, a torn last line never passed on.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "medsafety/common.h"
#include "core/error.h"
#include "core/lines.h"
#include "runfolder/runfolder.h"

typedef struct {
	const char *path;
	int kind;
	msb__rf_fn fn;
	void *ud;
	size_t no, next_off;
} each_ctx;

static int one_line(const char *text, size_t len, size_t off, void *ud)
{
	each_ctx *c = ud;
	json_error_t jerr;
	msb__rf_line l;
	int rc;

	memset(&jerr, 0, sizeof jerr);
	/* empty lines (one byte each) are not passed on by msb__lines_each: count them here */
	c->no += 1 + (off > c->next_off ? off - c->next_off : 0);
	c->next_off = off + len + 1;
	memset(&l, 0, sizeof l);
	l.text = text;
	l.len = len;
	l.off = off;
	l.no = c->no;
	l.obj = json_loadb(text, len, 0, &jerr);
	/* a line jansson could not hold in memory is not a corrupt line: fail, do not skip it */
	if (!l.obj && json_error_code(&jerr) == json_error_out_of_memory)
		return msb__error_set(MSB_ENOMEM, "%s:%zu: out of memory reading the line", c->path, l.no);
	if (!l.obj)
		l.bad = "not JSON";
	else if (!json_is_object(l.obj))
		l.bad = "not a JSON object";
	else if (c->kind == MSB__RF_RECORD)
		l.bad = msb__rf_record_invalid(l.obj);
	if (l.bad) {
		json_decref(l.obj);
		l.obj = NULL;
	}
	rc = c->fn(&l, c->ud);
	json_decref(l.obj);
	return rc;
}

int msb__rf_each(int fd, const char *path, int kind, off_t *good_end, msb__rf_fn fn, void *ud)
{
	each_ctx c;
	off_t end = 0;
	int rc;

	memset(&c, 0, sizeof c);
	c.path = path;
	c.kind = kind;
	c.fn = fn;
	c.ud = ud;
	rc = msb__lines_each(&end, fd, path, one_line, &c);
	if (good_end)
		*good_end = end;
	return rc;
}

int msb__rf_each_path(const char *path, int kind, msb__rf_fn fn, void *ud)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return msb__error_set(errno == ENOENT ? MSB_ENOTFOUND : MSB_EIO, "%s: cannot open: %s",
		    path, strerror(errno));
	rc = msb__rf_each(fd, path, kind, NULL, fn, ud);
	close(fd);
	return rc;
}
