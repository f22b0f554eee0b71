/*
 * cli/opts.h - option parsing shared by the subcommands: getopt_long with
 * our own one-line messages, value checks, --help.
 */
#ifndef MEDSAFETY_CLI_OPTS_H
#define MEDSAFETY_CLI_OPTS_H

#include <getopt.h>

#include <medsafety/common.h>

#if defined(__GNUC__)
#  define MSB_CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define MSB_CLI_PRINTF(f, a)
#endif

#define CLI_OPT_ERROR (-2) /* cli_getopt: a usage error was printed; exit 2 */

/*
 * getopt_long for subcommand `cmd` ("run", "dataset stats"). Returns the
 * option's value, -1 at the end, or CLI_OPT_ERROR after printing one line
 * for an unknown option or a missing value. Call cli_getopt_reset()
 * before the first call of a command; positional arguments are permuted
 * to the end, from optind on.
 */
void cli_getopt_reset(void);
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
    const char *cmd);

/* Print "medsafety CMD: MESSAGE (see 'medsafety CMD --help')" on stderr; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) MSB_CLI_PRINTF(2, 3);

/* Print "medsafety CMD: MESSAGE" on stderr; returns 1 (the work failed). */
int cli_fail(const char *cmd, const char *fmt, ...) MSB_CLI_PRINTF(2, 3);

/*
 * Report a failed library call: "medsafety CMD: <msb_error_last message>".
 * Returns 2 for errors in the user's input (MSB_EINVAL, MSB_EPARSE,
 * MSB_ENOTFOUND, MSB_EEXISTS, MSB_EMISMATCH, MSB_EUNSUPPORTED), else 1.
 */
int cli_lib_error(const char *cmd, int code);

/*
 * Report a failed configuration load or check: every line of the message
 * (one problem each) as "medsafety CMD: FILE:LINE:COL: path: message".
 * Returns 1 for MSB_ENOMEM and MSB_EIO, else 2.
 */
int cli_config_error(const char *cmd, int code);

/* Parse an integer option value in [min, max]; prints the error. 0 or -1. */
int cli_parse_int(long long *out, const char *cmd, const char *opt, const char *val,
    long long min, long long max);
int cli_parse_double(double *out, const char *cmd, const char *opt, const char *val,
    double min, double max);

#endif
