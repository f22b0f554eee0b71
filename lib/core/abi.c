/* lib/core/abi.c - versioned structs and vtables. */
#include <string.h>

#include "medsafety/common.h"
#include "core/abi.h"
#include "core/error.h"

int msb__check_version(const void *opts, unsigned int current, const char *what)
{
	unsigned int v;

	if (!opts)
		return 0;
	memcpy(&v, opts, sizeof v);
	if (v < 1 || v > current)
		return msb__error_set(MSB_EVERSION,
		    "%s: unsupported version %u (this library knows 1..%u); "
		    "initialise it with its *_options_init() function", what, v, current);
	return 0;
}

int msb__out_version(unsigned int version, unsigned int current, const char *fn, const char *what)
{
	if (version < 1 || version > current)
		return msb__error_set(MSB_EVERSION, "%s: %s version %u not supported (1..%u)", fn, what,
		    version, current);
	return 0;
}

int msb__options_init(void *opts, size_t size, const void *defaults,
    unsigned int version, unsigned int current, const char *what)
{
	if (!opts)
		return msb__error_set(MSB_EINVAL, "%s: NULL options", what);
	if (version < 1 || version > current)
		return msb__error_set(MSB_EVERSION,
		    "%s: unsupported version %u (this library knows 1..%u)", what, version, current);
	memcpy(opts, defaults, size);
	memcpy(opts, &version, sizeof version);
	return 0;
}

struct vt_head {
	unsigned int version;
	unsigned int struct_size;
};

int msb__vtable_copy(void *dst, size_t dst_size, const void *src,
    unsigned int current_version, const char *what)
{
	struct vt_head h;
	size_t n;

	if (!src)
		return msb__error_set(MSB_EINVAL, "%s: NULL vtable", what);
	memcpy(&h, src, sizeof h);
	if (h.version < 1)
		return msb__error_set(MSB_EVERSION, "%s: vtable version %u is invalid", what, h.version);
	(void)current_version; /* newer versions are accepted: unknown tail slots are ignored */
	if (h.struct_size < sizeof h)
		return msb__error_set(MSB_EINVAL,
		    "%s: vtable struct_size %u is too small; set it to sizeof the struct", what,
		    h.struct_size);
	n = h.struct_size < dst_size ? h.struct_size : dst_size;
	memset(dst, 0, dst_size);
	memcpy(dst, src, n);
	return 0;
}
