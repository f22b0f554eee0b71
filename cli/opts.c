/* cli/opts.c - getopt_long with one-line usage errors, and value checks. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "config/config.h"

void cli_getopt_reset(void)
{
	optind = 0; /* GNU: restart the scan, with its permutation state */
}

/*
 * getopt_long takes unambiguous prefixes of long options; for an
 * ambiguous one ("--max") name the candidates. 1 when it printed that.
 */
static int ambiguous(const char *cmd, const char *arg, const struct option *longopts)
{
	char names[256];
	size_t len, used = 0;
	const struct option *o;
	int n = 0;

	if (strncmp(arg, "--", 2))
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	names[0] = '\0';
	for (o = longopts; o && o->name; o++) {
		if (strncmp(o->name, arg, len))
			continue;
		if (n++ < 4 && used < sizeof names - 40)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s--%s",
			    used ? ", " : "", o->name);
	}
	if (n < 2)
		return 0;
	cli_usage_error(cmd, "ambiguous option '--%.*s': %s%s", (int)len, arg, names,
	    n > 4 ? ", ..." : "");
	return 1;
}

/* "--switch=value" for an option without a value (getopt calls it unknown). */
static int takes_no_value(const char *arg, const struct option *longopts)
{
	const struct option *o;
	size_t len;

	if (strncmp(arg, "--", 2) || !strchr(arg, '='))
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	for (o = longopts; o && o->name; o++)
		if (o->has_arg == no_argument && strlen(o->name) == len && !strncmp(o->name, arg, len))
			return 1;
	return 0;
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
    const char *cmd)
{
	char spec[128];
	int c;

	/* a leading ':' makes getopt report a missing value as ':' */
	snprintf(spec, sizeof spec, ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c == '?') {
		const char *bad = argv[optind - 1];
		if (optopt && (!bad || strncmp(bad, "--", 2)))
			cli_usage_error(cmd, "unknown option '-%c'", optopt);
		else if (bad && takes_no_value(bad, longopts))
			cli_usage_error(cmd, "option '%.*s' takes no value", (int)strcspn(bad, "="), bad);
		else if (bad && !ambiguous(cmd, bad, longopts))
			cli_usage_error(cmd, "unknown option '%s'", bad);
		return CLI_OPT_ERROR;
	}
	if (c == ':') {
		const char *bad = argv[optind - 1];
		if (bad && !strncmp(bad, "--", 2))
			cli_usage_error(cmd, "option '%s' needs a value", bad);
		else
			cli_usage_error(cmd, "option '-%c' needs a value", optopt);
		return CLI_OPT_ERROR;
	}
	return c;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "medsafety %s: %s (see 'medsafety %s --help')\n", cmd, msg, cmd);
	return CLI_EXIT_USAGE;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "medsafety %s: %s\n", cmd, msg);
	return CLI_EXIT_FAIL;
}

int cli_lib_error(const char *cmd, int code)
{
	const char *m = msb_error_last()->message;

	/* one line: a library message never holds a newline, but be sure */
	fprintf(stderr, "medsafety %s: ", cmd);
	for (; *m; m++)
		fputc(*m == '\n' ? ' ' : *m, stderr);
	fputc('\n', stderr);
	switch (code) {
	case MSB_EINVAL:
	case MSB_EPARSE:
	case MSB_ENOTFOUND:
	case MSB_EEXISTS:
	case MSB_EMISMATCH:
	case MSB_EUNSUPPORTED:
	case MSB_EVERSION:
		return CLI_EXIT_USAGE;
	default:
		return CLI_EXIT_FAIL;
	}
}

int cli_config_error(const char *cmd, int code)
{
	const char *m = cli_config_message(), *nl; /* cli/config keeps its own errors */

	/* a configuration's problems come one per line: each gets the prefix */
	for (;;) {
		nl = strchr(m, '\n');
		fprintf(stderr, "medsafety %s: %.*s\n", cmd, nl ? (int)(nl - m) : (int)strlen(m), m);
		if (!nl)
			break;
		m = nl + 1;
	}
	return code == MSB_ENOMEM || code == MSB_EIO ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
}

int cli_parse_int(long long *out, const char *cmd, const char *opt, const char *val,
    long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(val, &end, 10);
	if (!*val || *end || errno || (*val != '-' && *val != '+' && (*val < '0' || *val > '9'))) {
		cli_usage_error(cmd, "%s: expected a whole number, got '%s'", opt, val);
		return -1;
	}
	if (v < min || v > max) {
		if (max == LLONG_MAX)
			cli_usage_error(cmd, "%s: must be at least %lld, got %lld", opt, min, v);
		else
			cli_usage_error(cmd, "%s: must be between %lld and %lld, got %lld", opt, min,
			    max, v);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_parse_double(double *out, const char *cmd, const char *opt, const char *val,
    double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(val, &end);
	if (!*val || *end || errno || !isfinite(v)) {
		cli_usage_error(cmd, "%s: expected a number, got '%s'", opt, val);
		return -1;
	}
	if (v < min || v > max) {
		cli_usage_error(cmd, "%s: must be between %g and %g, got %g", opt, min, max, v);
		return -1;
	}
	*out = v;
	return 0;
}
