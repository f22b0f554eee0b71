/* lib/dataset/load_text.c - plain text, one prompt per line (the Llama-3 files). */
#include <string.h>

#include "medsafety/common.h"
#include "dataset/dataset.h"
#include "dataset/load.h"
#include "dataset/text.h"

int msb__load_text(msb_dataset *ds, const msb__origin *o, char *buf, size_t len)
{
	size_t skip, lineno = 0;
	char *p, *end = buf + len;
	int rc = msb__text_check(o->path, buf, len, &skip);

	if (rc)
		return rc;
	for (p = buf + skip; p < end; lineno++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		size_t n = (size_t)(e - p);
		if (n && p[n - 1] == '\r')
			n--;
		/* ids keep the 0-based line number, so they survive blank lines and cleaning */
		if (!msb__is_blank(p, n)) {
			p[n] = '\0'; /* the line end: items may point into the buffer */
			rc = msb__load_add(ds, o, lineno + 1, NULL, lineno, o->principle, o->category, p, n,
			    NULL, 0);
			if (rc)
				return rc;
		}
		p = e + 1;
	}
	return 0;
}
