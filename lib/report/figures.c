/*
 * lib/report/figures.c - every chart of report.html also as a standalone
 * SVG file (RUN/figures/NAME.svg) that a paper or a slide can take as it is.
 * The charts are taken from the rendered page, so the files always show
 * what the page shows, whichever writer drew them.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fileio.h"
#include "report/meta.h"

/* The page styles its charts from the outside (font, size, ink); a standalone file carries its own. */
static const char svg_style[] =
    "<style>text{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\","
    "sans-serif;font-size:12px;fill:#1b1b1b}</style>\n";

/* NAME of the first <title id="NAME-title"> in [s, e), else figure-N. */
static void figure_name(char name[64], const char *s, const char *e, int n)
{
	const char *t = strstr(s, "<title id=\""), *q, *end;
	size_t len, i;

	snprintf(name, 64, "figure-%d", n);
	if (!t || t > e)
		return;
	t += strlen("<title id=\"");
	if (!(q = strchr(t, '"')) || q > e)
		return;
	end = q;
	if ((size_t)(q - t) > 6 && !strncmp(q - 6, "-title", 6))
		end = q - 6;
	len = (size_t)(end - t);
	if (!len || len > 48)
		return;
	for (i = 0; i < len; i++)
		if (!(t[i] == '-' || t[i] == '_' || (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9')))
			return;
	snprintf(name, 64, "%.*s", (int)len, t);
}

int msb__figures_write(const char *html, size_t len, const char *dir)
{
	const char *p = html, *end = html + len;
	int n = 0, rc;

	if ((rc = msb__mkdir_p(dir)) < 0)
		return rc;
	while (p < end) {
		const char *s = strstr(p, "<svg"), *tag_end, *e;
		msb_buf b = MSB_BUF_INIT, path = MSB_BUF_INIT;
		char name[64];

		if (!s || !(tag_end = strchr(s, '>')) || !(e = strstr(tag_end, "</svg>")))
			break;
		e += strlen("</svg>");
		figure_name(name, s, e, ++n);
		msb_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		msb_buf_put(&b, s, (size_t)(tag_end + 1 - s));
		msb_buf_puts(&b, "\n");
		msb_buf_puts(&b, svg_style);
		msb_buf_put(&b, tag_end + 1, (size_t)(e - tag_end - 1));
		msb_buf_puts(&b, "\n");
		msb_buf_printf(&path, "%s/%s.svg", dir, name);
		if (b.failed || path.failed)
			rc = msb__error_set(MSB_ENOMEM, "%s: out of memory", dir);
		else
			rc = msb__file_write_atomic(msb_buf_cstr(&path), b.ptr, b.len);
		msb_buf_dispose(&b);
		msb_buf_dispose(&path);
		if (rc < 0)
			return rc;
		p = e;
	}
	return 0;
}
