/* lib/dataset/load.h - the loaders behind msb_dataset_load (internal). */
#ifndef MSB_DATASET_LOAD_H
#define MSB_DATASET_LOAD_H

#include <stddef.h>

#include "medsafety/dataset.h"

/* Where an item comes from: names the loaders put into items. */
typedef struct msb__origin {
	const char *path;      /* for messages */
	const char *split;
	const char *source;
	const char *id_prefix; /* ids are "<id_prefix>/<row>" unless an id column gives them */
	int principle;         /* from the file name; 0 when unknown */
	int category;
	int borrow;            /* the buffer belongs to the dataset: items point into it */
} msb__origin;

/*
 * Each takes a whole-file buffer (buf[len] writable, NUL), which it may
 * modify, and appends items to ds. Errors name the file and line.
 */
/* MedSafetyBench demonstrations CSV: the header ",harmful_medical_request,safe_response", or the first release's headerless one-column form. */
int msb__load_msb_csv(msb_dataset *ds, const msb__origin *o, char *buf, size_t len);
/* Headerless, one prompt per row (HEx-PHI category_N.csv). */
int msb__load_headerless_csv(msb_dataset *ds, const msb__origin *o, char *buf, size_t len);
/* Any CSV with a header row; columns mapped by name. */
int msb__load_csv(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len);
/* One prompt per line; blank lines skipped; ids use the 0-based line number. */
int msb__load_text(msb_dataset *ds, const msb__origin *o, char *buf, size_t len);
/* A JSON array of objects (jsonl = 0) or one object per line (jsonl = 1). */
int msb__load_json(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len, int jsonl);

/* Parse a principle/category cell: "" or "0".."max" (optionally "principle 3"-free digits only). */
int msb__parse_principle(const char *path, size_t line, const char *s, size_t len, int max, int *out);

/* Append one item with a generated or given id; checks given ids for duplicates. */
int msb__load_add(msb_dataset *ds, const msb__origin *o, size_t line, const char *id, size_t row,
    int principle, int category, const char *prompt, size_t prompt_len, const char *ref,
    size_t ref_len);

/* The built-in sample set. */
int msb__load_sample(msb_dataset *ds);

/* The built-in benign set (lib/dataset/benign*.c), appended to ds. */
int msb__load_benign(msb_dataset *ds);
/* The item appended last is one of XSTest's safe prompts: benign, its note as rationale (may be NULL). */
int msb__load_set_xstest(msb_dataset *ds, const char *note);
/* The rationale of the item appended last (copied). */
int msb__load_set_rationale(msb_dataset *ds, const char *s);
/* Set the kind of the item appended last from a "kind" cell; MSB_EPARSE names the line. */
int msb__load_set_kind(msb_dataset *ds, const char *path, size_t line, const char *s, size_t len);

/* Apply MSB_CLEAN_* flags to a freshly loaded dataset, recording the counts. */
int msb__dataset_clean(msb_dataset *ds, unsigned int flags);

#endif
