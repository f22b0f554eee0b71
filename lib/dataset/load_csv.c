/* lib/dataset/load_csv.c - CSV loaders: MedSafetyBench, headerless (HEx-PHI), generic. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "medsafety/common.h"
#include "core/error.h"
#include "dataset/csv.h"
#include "dataset/dataset.h"
#include "dataset/load.h"
#include "dataset/text.h"

static int column_count_error(const msb__csv *c, size_t want)
{
	return msb__error_set(MSB_EPARSE, "%s:%zu: expected %zu column%s, found %zu", c->path,
	    c->record_line, want, want == 1 ? "" : "s", c->nfields);
}

static int load_rows(msb_dataset *ds, const msb__origin *o, msb__csv *c, int first_is_data,
    size_t ncols, size_t prompt_col, size_t ref_col)
{
	size_t row = 0;
	int rc = first_is_data ? 1 : msb__csv_next(c);

	for (; rc == 1; rc = msb__csv_next(c), row++) {
		const msb__csv_field *f = c->fields;
		if (c->nfields != ncols)
			return column_count_error(c, ncols);
		rc = msb__load_add(ds, o, c->record_line, NULL, row, o->principle, o->category,
		    f[prompt_col].ptr, f[prompt_col].len, ref_col < ncols ? f[ref_col].ptr : NULL,
		    ref_col < ncols ? f[ref_col].len : 0);
		if (rc)
			return rc;
	}
	return rc;
}

/*
 * Check the text, then read its first record into c: 1, 0 (no record) or an
 * error. c is initialised either way, so msb__csv_dispose is always right.
 */
static int first_record(msb__csv *c, const msb__origin *o, char *buf, size_t len)
{
	size_t skip = 0;
	int rc = msb__text_check(o->path, buf, len, &skip);

	msb__csv_init(c, o->path, buf + skip, len - skip);
	return rc ? rc : msb__csv_next(c);
}

int msb__load_msb_csv(msb_dataset *ds, const msb__origin *o, char *buf, size_t len)
{
	msb__csv c;
	int rc = first_record(&c, o, buf, len);

	if (rc == 1) {
		if (c.nfields == 3 && !strcmp(c.fields[1].ptr, "harmful_medical_request") &&
		    !strcmp(c.fields[2].ptr, "safe_response"))
			rc = load_rows(ds, o, &c, 0, 3, 1, 2);
		else if (c.nfields == 1) /* the first release: headerless, prompts only */
			rc = load_rows(ds, o, &c, 1, 1, 0, (size_t)-1);
		else
			rc = msb__error_set(MSB_EPARSE,
			    "%s:%zu: not a MedSafetyBench file: expected the header "
			    "',harmful_medical_request,safe_response' or one column",
			    o->path, c.record_line);
	}
	msb__csv_dispose(&c);
	return rc < 0 ? rc : 0;
}

int msb__load_headerless_csv(msb_dataset *ds, const msb__origin *o, char *buf, size_t len)
{
	msb__csv c;
	int rc = first_record(&c, o, buf, len);

	if (rc == 1)
		rc = load_rows(ds, o, &c, 1, 1, 0, (size_t)-1);
	msb__csv_dispose(&c);
	return rc < 0 ? rc : 0;
}

static const char *const prompt_names[] = { "prompt", "harmful_medical_request", "request",
	"instruction", "question", "text", "input", NULL };
static const char *const ref_names[] = { "reference", "safe_response", "response", "output",
	"answer", NULL };
static const char *const principle_names[] = { "principle", NULL };
static const char *const category_names[] = { "category", NULL };
static const char *const id_names[] = { "id", NULL };
static const char *const kind_names[] = { "kind", NULL };
/* XSTest's layout (id_v2,type,prompt,focus,note): its safe prompts load as benign items */
static const char *const xstest_id_names[] = { "id_v2", NULL };
static const char *const xstest_type_names[] = { "type", NULL };

/* The column named `want` (exact, then case-insensitive), else the first default found; -1 none. */
static long find_column(const msb__csv *c, const char *want, const char *const *defaults)
{
	size_t i, d;

	if (want) {
		for (i = 0; i < c->nfields; i++)
			if (!strcmp(c->fields[i].ptr, want))
				return (long)i;
		for (i = 0; i < c->nfields; i++)
			if (!strcasecmp(c->fields[i].ptr, want))
				return (long)i;
		return -1;
	}
	for (d = 0; defaults[d]; d++)
		for (i = 0; i < c->nfields; i++)
			if (!strcasecmp(c->fields[i].ptr, defaults[d]))
				return (long)i;
	return -1;
}

int msb__load_csv(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    char *buf, size_t len)
{
	msb__csv c;
	size_t ncols, row = 0;
	long pc, rfc, prc, cc, idc, kc, xid = -1, xtype = -1, xnote = -1;
	char xid_buf[300];
	int rc = first_record(&c, o, buf, len);

	if (rc != 1)
		goto out;
	ncols = c.nfields;
	pc = find_column(&c, opts->prompt_column, prompt_names);
	rfc = find_column(&c, opts->reference_column, ref_names);
	prc = find_column(&c, opts->principle_column, principle_names);
	cc = find_column(&c, NULL, category_names);
	idc = find_column(&c, opts->id_column, id_names);
	kc = find_column(&c, NULL, kind_names);
	if (idc < 0 && (xid = find_column(&c, NULL, xstest_id_names)) >= 0 &&
	    (xtype = find_column(&c, NULL, xstest_type_names)) >= 0) {
		static const char *const note_names[] = { "note", NULL };
		xnote = find_column(&c, NULL, note_names);
	}
	if (pc < 0) {
		rc = opts->prompt_column
		    ? msb__error_set(MSB_EPARSE, "%s:%zu: missing column '%s' (the prompt column)", o->path,
			  c.record_line, opts->prompt_column)
		    : msb__error_set(MSB_EPARSE,
			  "%s:%zu: no prompt column (looked for prompt, harmful_medical_request, request, "
			  "instruction, question, text, input); name one with the prompt column option",
			  o->path, c.record_line);
		goto out;
	}
	if ((opts->reference_column && rfc < 0) || (opts->principle_column && prc < 0) ||
	    (opts->id_column && idc < 0)) {
		const char *name = opts->reference_column && rfc < 0 ? opts->reference_column
		    : opts->principle_column && prc < 0               ? opts->principle_column
								       : opts->id_column;
		rc = msb__error_set(MSB_EPARSE, "%s:%zu: missing column '%s'", o->path, c.record_line, name);
		goto out;
	}
	if (prc < 0 && cc >= 0)
		prc = cc; /* "category" stands in for the principle when there is no principle column */
	while ((rc = msb__csv_next(&c)) == 1) {
		const msb__csv_field *f = c.fields;
		int principle = o->principle, category;
		if (c.nfields != ncols) {
			rc = column_count_error(&c, ncols);
			break;
		}
		if (prc >= 0) {
			rc = msb__parse_principle(o->path, c.record_line, f[prc].ptr, f[prc].len, 9, &principle);
			if (rc)
				break;
		}
		/* XSTest: its unsafe "contrast_*" prompts are not benign: left out */
		if (xtype >= 0 && !strncmp(f[xtype].ptr, "contrast_", 9))
			continue;
		category = principle;
		if (cc >= 0 && cc != prc) {
			rc = msb__parse_principle(o->path, c.record_line, f[cc].ptr, f[cc].len, MSB__MAX_CATEGORY, &category);
			if (rc)
				break;
		}
		if (xtype >= 0 && f[xid].len)
			snprintf(xid_buf, sizeof xid_buf, "xstest/%.280s", f[xid].ptr);
		rc = msb__load_add(ds, o, c.record_line,
		    idc >= 0 ? f[idc].ptr : xtype >= 0 && f[xid].len ? xid_buf : NULL, row, principle,
		    category, f[pc].ptr, f[pc].len, rfc >= 0 && f[rfc].len ? f[rfc].ptr : NULL,
		    rfc >= 0 ? f[rfc].len : 0);
		if (!rc && xtype >= 0)
			rc = msb__load_set_xstest(ds, xnote >= 0 ? f[xnote].ptr : NULL);
		if (!rc && kc >= 0)
			rc = msb__load_set_kind(ds, o->path, c.record_line, f[kc].ptr, f[kc].len);
		if (rc)
			break;
		row++;
	}
out:
	msb__csv_dispose(&c);
	return rc < 0 ? rc : 0;
}
