/*
 * lib/dataset/csv.h - an RFC 4180 CSV reader (internal).
 *
 * One pass over a whole-file buffer that it modifies in place: quoted
 * fields are unescaped where they stand and every field is
 * NUL-terminated, so loaders copy each field once (into the dataset
 * arena) and nothing is allocated per field. Accepts CRLF or LF, quoted
 * fields with commas, doubled quotes and newlines. Lines that are
 * entirely empty are skipped.
 */
#ifndef MSB_DATASET_CSV_H
#define MSB_DATASET_CSV_H

#include <stddef.h>

typedef struct msb__csv_field {
	char *ptr; /* NUL-terminated, inside the buffer */
	size_t len;
} msb__csv_field;

typedef struct msb__csv {
	const char *path;     /* for messages */
	char *p, *end;
	size_t line;          /* 1-based line of the next record */
	size_t record_line;   /* line where the last record started */
	msb__csv_field *fields;
	size_t nfields, cap;
} msb__csv;

/* buf[len] must be writable (msb__file_read leaves a NUL there). */
void msb__csv_init(msb__csv *c, const char *path, char *buf, size_t len);
/* Read the next record into c->fields: 1 read, 0 at the end, or MSB_EPARSE / MSB_ENOMEM. */
int msb__csv_next(msb__csv *c);
void msb__csv_dispose(msb__csv *c);

#endif
