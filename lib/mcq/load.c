/*
 * lib/mcq/load.c - MedQA-USMLE JSONL, MedMCQA JSON lines, PubMedQA
 * ori_pqal.json, MMLU CSV (no header) and a generic JSONL.
 *
 * AUTO: a .csv file is MMLU; a file that is one JSON object of objects
 * with "QUESTION" is PubMedQA; otherwise JSON lines, told apart by the
 * first object's fields: "opa" MedMCQA, "answer_idx" or an "options"
 * object MedQA, a "choices" list generic.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/mcq.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fileio.h"
#include "dataset/csv.h"
#include "dataset/text.h"
#include "mcq/load.h"
#include "mcq/mcq.h"

typedef struct ctx {
	msb_mcq_set *set;
	const char *path;
	const msb_mcq_load_options *opts;
	int format;
	int cop_base; /* resolved: MSB_MCQ_COP_ONE or _ZERO */
	char stem[256]; /* file name without folder and extension */
} ctx;

static int bad(const ctx *c, size_t line, const char *what)
{
	return msb__error_set(MSB_EPARSE, "%s:%zu: %s", c->path, line, what);
}

static const char *format_name(int f)
{
	switch (f) {
	case MSB_MCQ_FORMAT_MEDQA: return "medqa";
	case MSB_MCQ_FORMAT_MEDMCQA: return "medmcqa";
	case MSB_MCQ_FORMAT_PUBMEDQA: return "pubmedqa";
	case MSB_MCQ_FORMAT_MMLU: return "mmlu";
	default: return NULL;
	}
}

/* Fill id, source, subject of a new question. */
static int start(const ctx *c, msb__mcq_question *q, const char *id, size_t n, const char *subject)
{
	char idbuf[320];
	const char *src = c->opts->source ? c->opts->source
	    : format_name(c->format) ? format_name(c->format) : c->stem;
	if (!subject || !*subject)
		subject = c->opts->subject ? c->opts->subject : "";
	if (!id || !*id) {
		snprintf(idbuf, sizeof idbuf, "%s/%zu", src, n);
		id = idbuf;
	}
	if (msb__mcq_dup(&q->id, id) || msb__mcq_dup(&q->source, src) ||
	    msb__mcq_dup(&q->subject, subject) || msb__mcq_dup(&q->context, ""))
		return MSB_ENOMEM;
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "B" -> 1 (within n), "b" too; -1 otherwise. */
static int letter_index(const char *s, int n)
{
	int i;
	if (!s || !s[0] || s[1])
		return -1;
	i = (s[0] | 0x20) - 'a';
	return i >= 0 && i < n ? i : -1;
}

static int text_index(msb__mcq_question *q, const char *s)
{
	int k;
	for (k = 0; s && k < q->n_options; k++)
		if (strcmp(q->options[k], s) == 0)
			return k;
	return -1;
}

static int add_option(msb__mcq_question *q, const char *s)
{
	if (q->n_options >= MSB_MCQ_MAX_OPTIONS)
		return MSB_ELIMIT;
	return msb__mcq_dup(&q->options[q->n_options++], s);
}

static int one_medqa(ctx *c, json_t *o, size_t line, size_t n)
{
	msb__mcq_question *q;
	json_t *opts = json_object_get(o, "options");
	const char *question = str(o, "question");
	char key[2] = "A";
	int rc;

	if (!question || !json_is_object(opts))
		return bad(c, line, "MedQA: expected \"question\" and an \"options\" object");
	if (!(q = msb__mcq_push(c->set)))
		return MSB_ENOMEM;
	if ((rc = start(c, q, str(o, "id"), n, str(o, "meta_info"))) ||
	    (rc = msb__mcq_dup(&q->question, question)))
		return rc;
	for (key[0] = 'A'; key[0] <= 'Z'; key[0]++) {
		const char *t = str(opts, key);
		if (!t)
			break;
		if ((rc = add_option(q, t)))
			return rc;
	}
	if (q->n_options < 2 || json_object_size(opts) != (size_t)q->n_options)
		return bad(c, line, "MedQA: \"options\" must be \"A\", \"B\", ... with string values");
	q->answer = letter_index(str(o, "answer_idx"), q->n_options);
	if (q->answer < 0 && !json_object_get(o, "answer_idx"))
		q->answer = text_index(q, str(o, "answer"));
	if (q->answer < 0)
		return bad(c, line, "MedQA: \"answer_idx\" is not the letter of an option");
	return 0;
}

static int one_medmcqa(ctx *c, json_t *o, size_t line, size_t n)
{
	static const char *const keys[] = { "opa", "opb", "opc", "opd" };
	msb__mcq_question *q;
	const char *question = str(o, "question");
	json_t *cop = json_object_get(o, "cop");
	json_int_t v;
	int k, rc;

	if (!question || !json_is_integer(cop))
		return bad(c, line, "MedMCQA: expected \"question\", \"opa\"..\"opd\" and an integer \"cop\"");
	if (!(q = msb__mcq_push(c->set)))
		return MSB_ENOMEM;
	if ((rc = start(c, q, str(o, "id"), n, str(o, "subject_name"))) ||
	    (rc = msb__mcq_dup(&q->question, question)))
		return rc;
	for (k = 0; k < 4; k++) {
		const char *t = str(o, keys[k]);
		if (!t)
			return bad(c, line, "MedMCQA: \"opa\"..\"opd\" must be strings");
		if ((rc = add_option(q, t)))
			return rc;
	}
	v = json_integer_value(cop) - (c->cop_base == MSB_MCQ_COP_ONE ? 1 : 0);
	if (v < 0 || v > 3)
		return bad(c, line, c->cop_base == MSB_MCQ_COP_ONE ? "MedMCQA: \"cop\" must be 1..4 (1-based)"
		    : "MedMCQA: \"cop\" must be 0..3 (0-based)");
	q->answer = (int)v;
	return 0;
}

static int one_generic(ctx *c, json_t *o, size_t line, size_t n)
{
	msb__mcq_question *q;
	json_t *choices = json_object_get(o, "choices"), *ans = json_object_get(o, "answer"), *v;
	const char *question = str(o, "question");
	size_t i;
	int rc;

	if (!question || !json_is_array(choices))
		return bad(c, line, "expected \"question\" and a \"choices\" list");
	if (!(q = msb__mcq_push(c->set)))
		return MSB_ENOMEM;
	if ((rc = start(c, q, str(o, "id"), n, str(o, "subject"))) ||
	    (rc = msb__mcq_dup(&q->question, question)))
		return rc;
	json_array_foreach(choices, i, v) {
		if (!json_is_string(v))
			return bad(c, line, "\"choices\" must hold strings");
		if ((rc = add_option(q, json_string_value(v))))
			return rc == MSB_ELIMIT ? bad(c, line, "more than 26 choices") : rc;
	}
	if (q->n_options < 2)
		return bad(c, line, "\"choices\" needs at least 2 entries");
	if (json_is_integer(ans))
		q->answer = json_integer_value(ans) >= 0 && json_integer_value(ans) < q->n_options
		    ? (int)json_integer_value(ans) : -1;
	else if (json_is_string(ans)) {
		q->answer = letter_index(json_string_value(ans), q->n_options);
		if (q->answer < 0)
			q->answer = text_index(q, json_string_value(ans));
	} else
		q->answer = -1;
	if (q->answer < 0)
		return bad(c, line, "\"answer\" must be a 0-based index, a letter or the text of a choice");
	return 0;
}

static int one_object(ctx *c, json_t *o, size_t line, size_t n)
{
	if (!json_is_object(o))
		return bad(c, line, "expected a JSON object");
	switch (c->format) {
	case MSB_MCQ_FORMAT_MEDQA: return one_medqa(c, o, line, n);
	case MSB_MCQ_FORMAT_MEDMCQA: return one_medmcqa(c, o, line, n);
	default: return one_generic(c, o, line, n);
	}
}

static int detect_jsonl(const json_t *o)
{
	if (json_object_get(o, "opa"))
		return MSB_MCQ_FORMAT_MEDMCQA;
	if (json_object_get(o, "answer_idx") || json_is_object(json_object_get(o, "options")))
		return MSB_MCQ_FORMAT_MEDQA;
	if (json_is_array(json_object_get(o, "choices")))
		return MSB_MCQ_FORMAT_GENERIC;
	return MSB_MCQ_FORMAT_AUTO;
}

/* Each JSON line of buf: call fn, or (pass 0) only look (detect format, cop base). */
static int jsonl(ctx *c, char *buf, size_t len, int look)
{
	char *p = buf, *end = buf + len;
	size_t line = 1, n = 0;
	int saw_zero = 0;

	for (; p < end; line++) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		if (!msb__is_blank(p, (size_t)(e - p))) {
			json_error_t err;
			json_t *o = json_loadb(p, (size_t)(e - p), 0, &err);
			int rc = 0;
			if (!o)
				return msb__error_set(MSB_EPARSE, "%s:%zu: %s", c->path, line, err.text);
			n++;
			if (look) {
				if (c->format == MSB_MCQ_FORMAT_AUTO && json_is_object(o))
					c->format = detect_jsonl(o);
				if (json_integer_value(json_object_get(o, "cop")) == 0 &&
				    json_is_integer(json_object_get(o, "cop")))
					saw_zero = 1;
			} else
				rc = one_object(c, o, line, n);
			json_decref(o);
			if (rc)
				return rc;
			if (look && c->format == MSB_MCQ_FORMAT_AUTO)
				return msb__error_set(MSB_EUNSUPPORTED, "%s:%zu: not a multiple-choice format "
				    "I know (MedQA, MedMCQA, PubMedQA, MMLU CSV, or JSONL with \"choices\")",
				    c->path, line);
			if (look && (c->format != MSB_MCQ_FORMAT_MEDMCQA || c->cop_base != MSB_MCQ_COP_AUTO))
				return 0; /* only MedMCQA's cop base needs the whole file */
		}
		p = e + 1;
	}
	if (look && c->cop_base == MSB_MCQ_COP_AUTO)
		c->cop_base = saw_zero ? MSB_MCQ_COP_ZERO : MSB_MCQ_COP_ONE;
	return 0;
}

static int pubmedqa(ctx *c, json_t *root)
{
	static const char *const answers[] = { "yes", "no", "maybe" };
	const char *pmid;
	json_t *v;
	size_t n = 0;

	json_object_foreach(root, pmid, v) {
		msb__mcq_question *q;
		json_t *ctxs = json_object_get(v, "CONTEXTS"), *s;
		const char *question = str(v, "QUESTION"), *decision = str(v, "final_decision");
		size_t i;
		int k, rc;
		char *joined;
		size_t total = 1;

		n++;
		if (!question || !decision || (ctxs && !json_is_array(ctxs)))
			return msb__error_set(MSB_EPARSE, "%s: PubMedQA entry %s: expected QUESTION, "
			    "CONTEXTS (a list) and final_decision", c->path, pmid);
		if (!(q = msb__mcq_push(c->set)))
			return MSB_ENOMEM;
		if ((rc = start(c, q, pmid, n, NULL)) || (rc = msb__mcq_dup(&q->question, question)))
			return rc;
		for (k = 0; k < 3; k++)
			if ((rc = add_option(q, answers[k])))
				return rc;
		q->answer = text_index(q, decision);
		if (q->answer < 0)
			return msb__error_set(MSB_EPARSE, "%s: PubMedQA entry %s: final_decision must be "
			    "yes, no or maybe", c->path, pmid);
		json_array_foreach(ctxs, i, s)
			if (json_is_string(s))
				total += json_string_length(s) + 2;
		if (!(joined = msb__malloc(total)))
			return msb__error_set(MSB_ENOMEM, "mcq: out of memory");
		joined[0] = '\0';
		json_array_foreach(ctxs, i, s)
			if (json_is_string(s)) {
				if (joined[0])
					strcat(joined, "\n\n");
				strcat(joined, json_string_value(s));
			}
		msb__free(q->context);
		q->context = joined;
	}
	if (!n)
		return msb__error_set(MSB_EPARSE, "%s: PubMedQA: no entries", c->path);
	return 0;
}

static int mmlu(ctx *c, char *buf, size_t len)
{
	msb__csv csv;
	char subject[256];
	size_t n = 0;
	int rc;
	char *cut;

	/* anatomy_test.csv -> "anatomy" */
	snprintf(subject, sizeof subject, "%s", c->stem);
	if ((cut = strstr(subject, "_test")) || (cut = strstr(subject, "_dev")) ||
	    (cut = strstr(subject, "_val")))
		*cut = '\0';
	msb__csv_init(&csv, c->path, buf, len);
	while ((rc = msb__csv_next(&csv)) == 1) {
		msb__mcq_question *q;
		int k;
		if (csv.nfields != 6) {
			rc = msb__error_set(MSB_EPARSE, "%s:%zu: MMLU: expected 6 columns (question, A, B, C, "
			    "D, answer), found %zu", c->path, csv.record_line, csv.nfields);
			break;
		}
		n++;
		if (!(q = msb__mcq_push(c->set))) {
			rc = MSB_ENOMEM;
			break;
		}
		{
			char id[300];
			snprintf(id, sizeof id, "mmlu/%s/%zu", subject, n);
			if ((rc = start(c, q, id, n, subject)) || (rc = msb__mcq_dup(&q->question, csv.fields[0].ptr)))
				break;
		}
		for (k = 1; k <= 4 && !rc; k++)
			rc = add_option(q, csv.fields[k].ptr);
		if (rc)
			break;
		if ((q->answer = letter_index(csv.fields[5].ptr, 4)) < 0) {
			rc = msb__error_set(MSB_EPARSE, "%s:%zu: MMLU: answer must be A, B, C or D",
			    c->path, csv.record_line);
			break;
		}
	}
	msb__csv_dispose(&csv);
	return rc < 0 ? rc : 0;
}

int msb__mcq_load_file(msb_mcq_set *set, const char *path, const msb_mcq_load_options *opts)
{
	ctx c;
	char *buf = NULL, *body;
	const char *base = strrchr(path, '/'), *dot;
	size_t len = 0, skip = 0, blen;
	int rc;

	memset(&c, 0, sizeof c);
	c.set = set;
	c.path = path;
	c.opts = opts;
	c.format = opts->format;
	c.cop_base = opts->cop_base;
	base = base ? base + 1 : path;
	snprintf(c.stem, sizeof c.stem, "%s", base);
	if ((dot = strrchr(c.stem, '.')) != NULL && dot != c.stem)
		c.stem[dot - c.stem] = '\0';

	if ((rc = msb__file_read(&buf, &len, path)) < 0)
		return rc;
	if ((rc = msb__text_check(path, buf, len, &skip)) < 0)
		goto out;
	body = buf + skip;
	blen = len - skip;
	dot = strrchr(base, '.');
	if (c.format == MSB_MCQ_FORMAT_AUTO && dot && strcmp(dot, ".csv") == 0)
		c.format = MSB_MCQ_FORMAT_MMLU;
	if (c.format == MSB_MCQ_FORMAT_MMLU) {
		rc = mmlu(&c, body, blen);
		goto out;
	}
	if (c.format == MSB_MCQ_FORMAT_AUTO || c.format == MSB_MCQ_FORMAT_PUBMEDQA) {
		json_error_t err;
		json_t *root = json_loadb(body, blen, 0, &err), *first = NULL;
		const char *k;
		if (root && json_is_object(root) && json_object_size(root) > 0) {
			json_object_foreach(root, k, first)
				break;
			if (c.format == MSB_MCQ_FORMAT_PUBMEDQA || json_object_get(first, "QUESTION")) {
				c.format = MSB_MCQ_FORMAT_PUBMEDQA;
				rc = pubmedqa(&c, root);
				json_decref(root);
				goto out;
			}
		}
		json_decref(root);
		if (c.format == MSB_MCQ_FORMAT_PUBMEDQA) {
			rc = msb__error_set(MSB_EPARSE, "%s: PubMedQA: expected one JSON object {PMID: {...}}%s%s",
			    path, root ? "" : ": ", root ? "" : err.text);
			goto out;
		}
	}
	if ((rc = jsonl(&c, body, blen, 1)) < 0)
		goto out;
	if (c.format == MSB_MCQ_FORMAT_AUTO) {
		rc = msb__error_set(MSB_EPARSE, "%s: no questions", path);
		goto out;
	}
	rc = jsonl(&c, body, blen, 0);
out:
	msb__free(buf);
	return rc;
}
