/* lib/dataset/load_common.c - what every loader shares: ids, principles. */
#include <string.h>

#include "medsafety/common.h"
#include "core/error.h"
#include "dataset/dataset.h"
#include "dataset/load.h"

int msb__parse_principle(const char *path, size_t line, const char *s, size_t len, int max, int *out)
{
	size_t i = 0;
	int v = 0;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len) {
		*out = 0;
		return 0;
	}
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > 1000)
			return msb__error_set(MSB_EPARSE, "%s:%zu: principle '%.*s' is not a number 0..%d",
			    path, line, (int)(len > 40 ? 40 : len), s, max);
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return msb__error_set(MSB_EPARSE, "%s:%zu: principle %d out of range (1..%d, or 0 for none)",
		    path, line, v, max);
	*out = v;
	return 0;
}

/* "<prefix>/<row>" without printf: this runs once per item of large files. */
static size_t make_id(char *out, size_t cap, const char *prefix, size_t row)
{
	size_t plen = strlen(prefix), n = 0;
	char digits[24];

	do {
		digits[n++] = (char)('0' + row % 10);
		row /= 10;
	} while (row);
	if (plen + 1 + n + 1 > cap)
		return 0;
	memcpy(out, prefix, plen);
	out[plen] = '/';
	while (n)
		out[++plen] = digits[--n];
	out[++plen] = '\0';
	return plen;
}

int msb__load_add(msb_dataset *ds, const msb__origin *o, size_t line, const char *id, size_t row,
    int principle, int category, const char *prompt, size_t prompt_len, const char *ref,
    size_t ref_len)
{
	char gen[512];
	size_t id_len;
	int rc;

	if (!prompt_len)
		return msb__error_set(MSB_EPARSE, "%s:%zu: empty prompt", o->path, line);
	if (id) {
		id_len = strlen(id);
		if (!id_len)
			return msb__error_set(MSB_EPARSE, "%s:%zu: empty id", o->path, line);
	} else {
		id_len = make_id(gen, sizeof gen, o->id_prefix, row);
		if (!id_len)
			return msb__error_set(MSB_EINVAL, "%s: source name too long for an id", o->path);
		id = gen;
	}
	rc = msb__dataset_append_ex(ds, (o->borrow ? MSB_APPEND_BORROW : 0) | (id == gen ? MSB_APPEND_DEFER : 0),
	    id, id_len, principle,
	    category, o->source, o->split, prompt, prompt_len, ref, ref_len);
	if (rc == MSB_EEXISTS)
		/* a given id used twice, or two copies of a file in one folder */
		return msb__error_set(MSB_EPARSE, "%s:%zu: duplicate id '%.200s'", o->path, line, id);
	return rc;
}
