/*
 * cli/config/error.c - the configuration code's last error, per thread,
 * kept apart from the library's (msb_error_last): a caller that gets a
 * negative code from a cli_config_* call reads cli_config_message().
 */
#include <stdarg.h>
#include <stdio.h>

#include "config/config.h"
#include "config/util.h"

static _Thread_local struct {
	int code;
	char message[8192];
} last;

int cfg__error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last.message, sizeof last.message, fmt, ap);
	va_end(ap);
	last.code = code;
	return code;
}

int cfg__nomem(void)
{
	return cfg__error_set(MSB_ENOMEM, "out of memory");
}

const char *cli_config_message(void)
{
	return last.message;
}

int cli_config_code(void)
{
	return last.code;
}
