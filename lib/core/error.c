/* lib/core/error.c - thread-local last error and static messages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsafety/common.h"
#include "core/error.h"

#define MSG_MAX 8192 /* room for a configuration's list of errors */

static _Thread_local char t_msg[MSG_MAX] = "no error";
static _Thread_local msb_error t_err = { 0, NULL };

const msb_error *msb_error_last(void)
{
	t_err.message = t_msg;
	return &t_err;
}

void msb_error_clear(void)
{
	t_err.code = 0;
	strcpy(t_msg, "no error");
	t_err.message = t_msg;
}

int msb__error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t_msg, sizeof t_msg, fmt, ap);
	va_end(ap);
	t_err.code = code;
	t_err.message = t_msg;
	return code;
}

int msb__error_prefix(const char *fmt, ...)
{
	char prefix[MSG_MAX], old[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, t_msg, sizeof old);
	/* both parts fit in MSG_MAX each; the result is cut at MSG_MAX */
	{
		size_t pl = strlen(prefix);
		if (pl > MSG_MAX - 3)
			pl = MSG_MAX - 3;
		memcpy(t_msg, prefix, pl);
		t_msg[pl] = ':';
		t_msg[pl + 1] = ' ';
		memcpy(t_msg + pl + 2, old, MSG_MAX - pl - 3);
		t_msg[MSG_MAX - 1] = '\0';
	}
	return t_err.code;
}

int msb__error_code(void)
{
	return t_err.code;
}

const char *msb_strerror(int code)
{
	switch (code) {
	case MSB_OK: return "success";
	case MSB_ERROR: return "error";
	case MSB_EINVAL: return "invalid argument";
	case MSB_ENOMEM: return "out of memory";
	case MSB_EIO: return "input/output error";
	case MSB_EPARSE: return "malformed input";
	case MSB_ENOTFOUND: return "not found";
	case MSB_ECANCELED: return "cancelled";
	case MSB_EHTTP: return "HTTP request failed";
	case MSB_ETIMEOUT: return "timed out";
	case MSB_EUSER: return "host callback failed";
	case MSB_EEXISTS: return "already exists";
	case MSB_EVERSION: return "unsupported version";
	case MSB_ESTATE: return "invalid state for this call";
	case MSB_ECHECKSUM: return "checksum mismatch";
	case MSB_ELIMIT: return "limit exceeded";
	case MSB_EUNSUPPORTED: return "not supported";
	case MSB_EMISMATCH: return "inputs do not match";
	default: return "unknown error";
	}
}
