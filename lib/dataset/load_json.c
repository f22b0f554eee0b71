/* lib/dataset/load_json.c - JSON arrays (Alpaca) and JSONL, fields mapped by name. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "medsafety/common.h"
#include "core/alloc.h"
#include "core/error.h"
#include "dataset/dataset.h"
#include "dataset/load.h"
#include "dataset/text.h"

static const char *const prompt_names[] = { "prompt", "harmful_medical_request", "request",
	"instruction", "question", "text", NULL };
static const char *const ref_names[] = { "reference", "safe_response", "response", "output",
	"answer", NULL };

static json_t *field(json_t *obj, const char *want, const char *const *defaults, const char **name)
{
	size_t i;
	json_t *v;

	if (want) {
		*name = want;
		return json_object_get(obj, want);
	}
	for (i = 0; defaults[i]; i++) {
		v = json_object_get(obj, defaults[i]);
		if (v && !json_is_null(v)) {
			*name = defaults[i];
			return v;
		}
	}
	*name = NULL;
	return NULL;
}

static int number_of(const msb__origin *o, const char *where, json_t *v, const char *what, int max,
    int *out)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n < 0 || n > max)
			return msb__error_set(MSB_EPARSE, "%s:%s: %s %lld out of range (0..%d)", o->path, where,
			    what, (long long)n, max);
		*out = (int)n;
		return 0;
	}
	if (json_is_string(v))
		return msb__parse_principle(o->path, 0, json_string_value(v), json_string_length(v), max, out)
		    ? msb__error_set(MSB_EPARSE, "%s:%s: %s '%.40s' is not a number 0..%d", o->path, where,
			  what, json_string_value(v), max)
		    : 0;
	return msb__error_set(MSB_EPARSE, "%s:%s: %s must be a number", o->path, where, what);
}

/* An OpenAI chat record: the first user message is the prompt, the first assistant one the reference. */
static void chat_fields(json_t *msgs, json_t **prompt, json_t **ref)
{
	size_t i;
	json_t *m;

	json_array_foreach(msgs, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		json_t *content = json_object_get(m, "content");
		if (!role || !json_is_string(content))
			continue;
		if (!*prompt && !strcmp(role, "user"))
			*prompt = content;
		else if (!*ref && *prompt && !strcmp(role, "assistant"))
			*ref = content;
	}
}

static int add_object(msb_dataset *ds, const msb__origin *o, const msb_dataset_options *opts,
    json_t *obj, size_t line, size_t row, const char *where)
{
	const char *pname = NULL, *rname = NULL, *idname = NULL;
	json_t *prompt, *ref, *id, *msgs, *input = NULL;
	int principle = o->principle, category, rc;
	char *joined = NULL;
	const char *ptext;
	size_t plen;

	if (!json_is_object(obj))
		return msb__error_set(MSB_EPARSE, "%s:%s: expected a JSON object", o->path, where);
	prompt = field(obj, opts->prompt_column, prompt_names, &pname);
	ref = field(obj, opts->reference_column, ref_names, &rname);
	msgs = json_object_get(obj, "messages");
	if (!prompt && !opts->prompt_column && json_is_array(msgs)) {
		pname = "messages";
		chat_fields(msgs, &prompt, &ref);
	}
	if (!prompt) {
		/* Alpaca's "input" alone is a prompt only when there is no instruction */
		prompt = opts->prompt_column ? NULL : json_object_get(obj, "input");
		if (!prompt || opts->prompt_column)
			return msb__error_set(MSB_EPARSE, "%s:%s: missing field '%s'", o->path, where,
			    opts->prompt_column ? opts->prompt_column : "prompt");
		pname = "input";
	}
	if (!json_is_string(prompt))
		return msb__error_set(MSB_EPARSE, "%s:%s: field '%s' must be a string", o->path, where, pname);
	if (opts->reference_column && !ref)
		return msb__error_set(MSB_EPARSE, "%s:%s: missing field '%s'", o->path, where, rname);
	if (ref && !json_is_null(ref) && !json_is_string(ref))
		return msb__error_set(MSB_EPARSE, "%s:%s: field '%s' must be a string", o->path, where, rname);
	if (ref && (json_is_null(ref) || !json_string_length(ref)))
		ref = NULL;
	rc = number_of(o, where, json_object_get(obj, opts->principle_column ? opts->principle_column
									       : "principle"),
	    "principle", 9, &principle);
	if (rc)
		return rc;
	if (opts->principle_column && !json_object_get(obj, opts->principle_column))
		return msb__error_set(MSB_EPARSE, "%s:%s: missing field '%s'", o->path, where,
		    opts->principle_column);
	category = principle;
	rc = number_of(o, where, json_object_get(obj, "category"), "category", MSB__MAX_CATEGORY, &category);
	if (rc)
		return rc;
	idname = opts->id_column ? opts->id_column : "id";
	id = json_object_get(obj, idname);
	if (opts->id_column && !id)
		return msb__error_set(MSB_EPARSE, "%s:%s: missing field '%s'", o->path, where, idname);
	if (id && !json_is_string(id) && !json_is_integer(id))
		return msb__error_set(MSB_EPARSE, "%s:%s: field '%s' must be a string or integer", o->path,
		    where, idname);
	ptext = json_string_value(prompt);
	plen = json_string_length(prompt);
	/* Alpaca: the instruction and its input together make the request */
	if (!strcmp(pname, "instruction"))
		input = json_object_get(obj, "input");
	if (input && json_is_string(input) && json_string_length(input)) {
		size_t ilen = json_string_length(input);
		joined = msb__malloc(plen + ilen + 3);
		if (!joined)
			return MSB_ENOMEM;
		memcpy(joined, ptext, plen);
		memcpy(joined + plen, "\n\n", 2);
		memcpy(joined + plen + 2, json_string_value(input), ilen + 1);
		ptext = joined;
		plen += ilen + 2;
	}
	if (memchr(ptext, '\0', plen) || !plen) {
		msb__free(joined);
		return msb__error_set(MSB_EPARSE, "%s:%s: %s '%s'", o->path, where,
		    plen ? "NUL character in" : "empty", pname);
	}
	{
		char idbuf[32];
		const char *idtext = NULL;
		if (json_is_integer(id)) {
			snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(id));
			idtext = idbuf;
		} else if (id) {
			idtext = json_string_value(id);
		}
		/* say where in JSON terms ("item 3" of an array, or the JSONL line) */
		if (idtext && msb_dataset_find(ds, idtext))
			rc = msb__error_set(MSB_EPARSE, "%s:%s: duplicate id '%.200s'", o->path, where, idtext);
		else
			rc = msb__load_add(ds, o, line, idtext, row, principle, category, ptext, plen,
			    ref ? json_string_value(ref) : NULL, ref ? json_string_length(ref) : 0);
		/* optional "kind" ("harmful" or "benign") and "rationale" fields */
		if (!rc) {
			json_t *kind = json_object_get(obj, "kind"), *why = json_object_get(obj, "rationale");
			if (json_is_string(kind))
				rc = msb__load_set_kind(ds, o->path, line, json_string_value(kind),
				    json_string_length(kind));
			else if (kind && !json_is_null(kind))
				rc = msb__error_set(MSB_EPARSE,
				    "%s:%s: field 'kind' must be \"harmful\" or \"benign\"", o->path, where);
			if (!rc && json_is_string(why))
				rc = msb__load_set_rationale(ds, json_string_value(why));
		}
	}
	msb__free(joined);
	return rc;
}

static int json_error(const msb__origin *o, const json_error_t *err, size_t line_offset)
{
	return msb__error_set(MSB_EPARSE, "%s:%zu:%d: invalid JSON: %s", o->path,
	    (size_t)(err->line > 0 ? err->line : 1) + line_offset, err->column, err->text);
}

int msb__load_json(msb_dataset *ds, const msb__origin *origin, const msb_dataset_options *opts,
    char *buf, size_t len, int jsonl)
{
	msb__origin copy = *origin, *o = &copy;
	json_error_t err;
	size_t skip, i;
	int rc;

	o->borrow = 0; /* strings come from jansson: copied */
	rc = msb__text_check(o->path, buf, len, &skip);
	if (rc)
		return rc;
	if (!jsonl) {
		json_t *root = json_loadb(buf + skip, len - skip, JSON_REJECT_DUPLICATES, &err), *v;
		if (!root)
			return json_error(o, &err, 0);
		if (!json_is_array(root)) {
			json_decref(root);
			return msb__error_set(MSB_EPARSE, "%s:1: expected a JSON array of objects", o->path);
		}
		json_array_foreach(root, i, v) {
			char where[40];
			snprintf(where, sizeof where, "item %zu", i);
			rc = add_object(ds, o, opts, v, i, i, where);
			if (rc)
				break;
		}
		json_decref(root);
		return rc;
	} else {
		char *p = buf + skip, *end = buf + len;
		size_t lineno = 0, row = 0;
		for (; p < end; lineno++) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			char *e = nl ? nl : end;
			char where[32];
			json_t *v;
			if (!msb__is_blank(p, (size_t)(e - p))) {
				v = json_loadb(p, (size_t)(e - p), JSON_REJECT_DUPLICATES, &err);
				if (!v)
					return json_error(o, &err, lineno);
				snprintf(where, sizeof where, "%zu", lineno + 1);
				rc = add_object(ds, o, opts, v, lineno + 1, row++, where);
				json_decref(v);
				if (rc)
					return rc;
			}
			p = e + 1;
		}
		return 0;
	}
}
