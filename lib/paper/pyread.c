/*
 * lib/paper/pyread.c - a small reader of Python string expressions, to
 * take the paper's texts out of the upstream scripts without running
 * them: `NAME = "..." "..." \ + f"""...{x}..."""` and the like.
 *
 * What it understands: string literals with any prefix of r, u, f (b is
 * refused), single, double and triple quotes, the escapes of non-raw
 * strings (\\ \' \" \a \b \f \n \r \t \v \ooo \xhh \uXXXX \UXXXXXXXX and
 * backslash-newline; \N{...} is refused), implicit concatenation, `+`,
 * parentheses, backslash line continuation and comments. In f-strings
 * `{{` and `}}` are braces and a field `{expr...}` is kept as written,
 * braces included (a template placeholder). Any other operand (a name,
 * `row['question']`) also becomes `{operand}`. The expression ends at a
 * newline outside brackets, or at `,` or an unmatched `)` (a keyword
 * argument: `sys_prompt="..."`). Brackets that enclose NAME count too:
 * in `f(lambda row: "a" \ <newline> # "b" <newline> + "c", axis=1)` the
 * comment line is inside f's parentheses, so Python (and this reader)
 * goes on to `+ "c"` (exp01's formats hold such lines).
 */
#include <stdint.h>
#include <string.h>

#include "medsafety/paper.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"

static int is_ident(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c >= 0x80;
}

static size_t line_of(const char *src, const char *p)
{
	size_t n = 1;
	for (; src < p; src++)
		n += *src == '\n';
	return n;
}

/* If p starts a string literal (prefix + quote), its prefix length, else -1. */
static int string_prefix(const char *p)
{
	int n = 0;
	while (n < 2 && p[n] && strchr("rRuUfFbB", p[n]))
		n++;
	for (; n >= 0; n--) {
		int k, ok = 1;
		if (p[n] != '"' && p[n] != '\'')
			continue;
		for (k = 0; k < n; k++)
			if (!strchr("rRuUfFbB", p[k]))
				ok = 0;
		if (ok)
			return n;
	}
	return -1;
}

/* Where the literal at p (a prefix, then a quote) ends; NULL when unterminated. */
static const char *skip_string(const char *p)
{
	int pre = string_prefix(p);
	char q;
	size_t ql;
	/* raw or not, a backslash keeps the next character inside the literal */
	p += pre;
	q = *p;
	ql = (p[1] == q && p[2] == q) ? 3 : 1;
	p += ql;
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (ql == 1 && *p == '\n')
			return NULL;
		if (*p == q && (ql == 1 || (p[1] == q && p[2] == q)))
			return p + ql;
	}
	return NULL;
}

static void put_utf8(msb_buf *b, uint32_t c)
{
	char u[4];
	if (c < 0x80) {
		msb_buf_putc(b, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		msb_buf_put(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		msb_buf_put(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		msb_buf_put(b, u, 4);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode the literal at *pp into b; *pp moves past it. */
static int read_string(msb_buf *b, const char *src, const char **pp)
{
	const char *p = *pp, *end = skip_string(p);
	int pre = string_prefix(p), raw = 0, fstr = 0, k;
	size_t ql;
	char q;

	if (!end)
		return msb__error_set(MSB_EPARSE, "line %zu: unterminated string", line_of(src, p));
	for (k = 0; k < pre; k++) {
		char c = (char)(p[k] | 0x20);
		raw |= c == 'r';
		fstr |= c == 'f';
		if (c == 'b')
			return msb__error_set(MSB_EUNSUPPORTED, "line %zu: a bytes literal is not text",
			    line_of(src, p));
	}
	p += pre;
	q = *p;
	ql = (p[1] == q && p[2] == q) ? 3 : 1;
	p += ql;
	end -= ql;
	while (p < end) {
		char c = *p;
		if (fstr && c == '{') {
			const char *f = p;
			int depth = 0;
			if (p[1] == '{') {
				msb_buf_putc(b, '{');
				p += 2;
				continue;
			}
			for (; f < end; f++) {
				if (*f == '{')
					depth++;
				else if (*f == '}' && --depth == 0)
					break;
			}
			if (f >= end)
				return msb__error_set(MSB_EPARSE, "line %zu: unterminated f-string field",
				    line_of(src, p));
			msb_buf_put(b, p, (size_t)(f - p) + 1); /* the field, braces included */
			p = f + 1;
			continue;
		}
		if (fstr && c == '}') {
			if (p[1] != '}')
				return msb__error_set(MSB_EPARSE, "line %zu: single '}' in an f-string",
				    line_of(src, p));
			msb_buf_putc(b, '}');
			p += 2;
			continue;
		}
		if (c != '\\') {
			msb_buf_putc(b, c);
			p++;
			continue;
		}
		if (raw) { /* a raw string keeps the backslash and the character after it */
			msb_buf_put(b, p, 2);
			p += 2;
			continue;
		}
		p++;
		switch (*p) {
		case '\n': p++; break; /* backslash-newline: nothing */
		case '\\': msb_buf_putc(b, '\\'); p++; break;
		case '\'': msb_buf_putc(b, '\''); p++; break;
		case '"': msb_buf_putc(b, '"'); p++; break;
		case 'a': msb_buf_putc(b, '\a'); p++; break;
		case 'b': msb_buf_putc(b, '\b'); p++; break;
		case 'f': msb_buf_putc(b, '\f'); p++; break;
		case 'n': msb_buf_putc(b, '\n'); p++; break;
		case 'r': msb_buf_putc(b, '\r'); p++; break;
		case 't': msb_buf_putc(b, '\t'); p++; break;
		case 'v': msb_buf_putc(b, '\v'); p++; break;
		case 'x': case 'u': case 'U': {
			int n = *p == 'x' ? 2 : *p == 'u' ? 4 : 8, i;
			uint32_t v = 0;
			for (i = 1; i <= n; i++) {
				int h = p + i < end ? hexval(p[i]) : -1;
				if (h < 0)
					return msb__error_set(MSB_EPARSE, "line %zu: bad \\%c escape",
					    line_of(src, p), *p);
				v = v * 16 + (uint32_t)h;
			}
			if (v > 0x10FFFF)
				return msb__error_set(MSB_EPARSE, "line %zu: escape beyond Unicode", line_of(src, p));
			put_utf8(b, v);
			p += n + 1;
			break;
		}
		case 'N':
			return msb__error_set(MSB_EUNSUPPORTED, "line %zu: \\N{...} escapes are not supported",
			    line_of(src, p));
		default:
			if (*p >= '0' && *p <= '7') {
				uint32_t v = 0;
				int i;
				for (i = 0; i < 3 && p < end && *p >= '0' && *p <= '7'; i++, p++)
					v = v * 8 + (uint32_t)(*p - '0');
				put_utf8(b, v);
			} else { /* an unknown escape keeps its backslash */
				msb_buf_putc(b, '\\');
			}
		}
	}
	*pp = end + ql;
	return 0;
}

/* Skip spaces, comments and backslash-newlines; newlines too when inside brackets. */
static const char *skip_blank(const char *p, int depth)
{
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f')
			p++;
		else if (*p == '\\' && p[1] == '\n')
			p += 2;
		else if (*p == '\\' && p[1] == '\r' && p[2] == '\n')
			p += 3;
		else if (*p == '#' && depth > 0)
			while (*p && *p != '\n')
				p++;
		else if (*p == '\n' && depth > 0)
			p++;
		else
			return p;
	}
}

/* An operand that is not a string: a name with subscripts, calls, attributes. */
static const char *skip_operand(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (depth > 0 && string_prefix(p) >= 0 && !is_ident((unsigned char)p[-1])) {
			const char *e = skip_string(p);
			if (!e)
				return NULL;
			p = e - 1;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if (*p == ')' || *p == ']' || *p == '}') {
			if (depth == 0)
				return p;
			depth--;
		} else if (depth == 0 && !is_ident((unsigned char)*p) && *p != '.')
			return p;
	}
	return depth == 0 ? p : NULL;
}

/* outer: brackets open around the expression (newlines and comments are blanks there). */
static int parse_expr(msb_buf *b, const char *src, const char *p, int outer)
{
	int depth = 0, want_operand = 1, any = 0, rc; /* any: a string literal was seen */

	for (;;) {
		p = skip_blank(p, depth + outer);
		if (*p == '\0' || (*p == '\n' && depth + outer == 0) || (*p == '#' && depth + outer == 0))
			break;
		if (*p == '(' && want_operand) {
			depth++;
			p++;
			continue;
		}
		if (*p == ')') {
			if (depth == 0)
				break; /* the end of a keyword argument */
			depth--;
			p++;
			continue;
		}
		if (*p == ',' && depth == 0)
			break;
		if (*p == '+' && !want_operand) {
			want_operand = 1;
			p++;
			continue;
		}
		if (string_prefix(p) >= 0) {
			if ((rc = read_string(b, src, &p)))
				return rc;
			any = 1;
			want_operand = 0; /* a string may follow: implicit concatenation */
			continue;
		}
		if (want_operand && (is_ident((unsigned char)*p))) {
			const char *e = skip_operand(p);
			if (!e)
				return msb__error_set(MSB_EPARSE, "line %zu: unterminated operand", line_of(src, p));
			msb_buf_putc(b, '{');
			msb_buf_put(b, p, (size_t)(e - p));
			msb_buf_putc(b, '}');
			p = e;
			want_operand = 0;
			continue;
		}
		return msb__error_set(MSB_EPARSE, "line %zu: not a string expression (at '%.20s')",
		    line_of(src, p), p);
	}
	if (depth > 0)
		return msb__error_set(MSB_EPARSE, "line %zu: unclosed parenthesis", line_of(src, p));
	if (!any || want_operand)
		return msb__error_set(MSB_EPARSE, "line %zu: no string expression", line_of(src, p));
	return b->failed ? msb__error_set(MSB_ENOMEM, "msb_py_string_expr: out of memory") : 0;
}

/*
 * The position right after the nth occurrence of `name` in code (not in
 * strings or comments); *outer: the brackets open there.
 */
static const char *find_name(const char *src, const char *name, int nth, int *outer)
{
	size_t n = strlen(name);
	int last_ident = is_ident((unsigned char)name[n - 1]), depth = 0;
	const char *p = src;

	while (*p) {
		if (*p == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (string_prefix(p) >= 0 && (p == src || !is_ident((unsigned char)p[-1]))) {
			const char *e = skip_string(p);
			if (!e)
				return NULL;
			p = e;
			continue;
		}
		if (strncmp(p, name, n) == 0 && (p == src || !is_ident((unsigned char)p[-1])) &&
		    !(last_ident && is_ident((unsigned char)p[n]))) {
			const char *q = p + n;
			if (last_ident) { /* NAME = ...: an assignment or keyword, not == */
				while (*q == ' ' || *q == '\t')
					q++;
				if (*q != '=' || q[1] == '=') {
					p++;
					continue;
				}
				q++;
			}
			if (nth-- == 0) {
				*outer = depth;
				return q;
			}
			p = q;
			continue;
		}
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
			depth--;
		p++;
	}
	return NULL;
}

MSB_API int msb_py_string_expr(char **out, const char *source, const char *name, int nth)
{
	msb_buf b = MSB_BUF_INIT;
	const char *at;
	int rc, outer = 0;

	if (out)
		*out = NULL;
	if (!out || !source || !name || !name[0] || nth < 0)
		return msb__error_set(MSB_EINVAL, "msb_py_string_expr: bad argument");
	if (!(at = find_name(source, name, nth, &outer)))
		return msb__error_set(MSB_ENOTFOUND, "'%s' (occurrence %d) not found", name, nth + 1);
	if ((rc = parse_expr(&b, source, at, outer))) {
		msb_buf_dispose(&b);
		return rc;
	}
	if (!(*out = msb_buf_detach(&b)))
		return msb__error_set(MSB_ENOMEM, "msb_py_string_expr: out of memory");
	return 0;
}
