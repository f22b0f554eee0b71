/* lib/backend/replay.c - the offline replay backend. */
#include <string.h>

#include "medsafety/sys/backend.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/sha256.h"

typedef struct {
	char *fixed;    /* NULL: answer with the reference */
	char *identity;
} replay;

static int replay_generate(const msb_request *req, msb_completion *out, void *ud)
{
	replay *r = ud;
	const char *text = r->fixed ? r->fixed : req->reference;

	if (!text)
		return msb_completion_set_error(out, MSB_ENOTFOUND, "replay",
		           "replay: the item has no reference response") ? MSB_ENOMEM : MSB_ENOTFOUND;
	if (msb_completion_set_text(out, text) || msb_completion_set_finish_reason(out, "stop"))
		return MSB_ENOMEM;
	msb_completion_set_usage(out, -1, -1);
	return 0;
}

static const char *replay_identity(void *ud)
{
	return ((replay *)ud)->identity;
}

static void replay_free(void *ud)
{
	replay *r = ud;
	msb__free(r->fixed);
	msb__free(r->identity);
	msb__free(r);
}

int msb_backend_replay_new(msb_backend **out, const char *fixed_text)
{
	msb_backend_vtable vt;
	replay *r;
	int rc;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_backend_replay_new: NULL out");
	*out = NULL;
	r = msb__calloc(1, sizeof *r);
	if (!r)
		return MSB_ENOMEM;
	if (fixed_text) {
		char hex[65], id[32];
		msb_sha256_hex(fixed_text, strlen(fixed_text), hex);
		memcpy(id, "replay:fixed:", 13);
		memcpy(id + 13, hex, 12);
		id[25] = '\0';
		r->fixed = msb__strdup(fixed_text);
		r->identity = msb__strdup(id);
	} else {
		r->identity = msb__strdup("replay");
	}
	if (!r->identity || (fixed_text && !r->fixed)) {
		replay_free(r);
		return MSB_ENOMEM;
	}
	memset(&vt, 0, sizeof vt);
	vt.version = MSB_BACKEND_VTABLE_VERSION;
	vt.struct_size = sizeof vt;
	vt.flags = MSB_BACKEND_THREADSAFE;
	vt.generate = replay_generate;
	vt.identity = replay_identity;
	vt.free = replay_free;
	if ((rc = msb_backend_new(out, &vt, r)))
		replay_free(r);
	return rc;
}
