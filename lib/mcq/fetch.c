/*
 * lib/mcq/fetch.c - downloads of public multiple-choice sets, pinned to a
 * commit and checked by SHA-256 like the MedSafetyBench fetch. Today:
 * PubMedQA's expert-labelled 1k set (pubmedqa/pubmedqa, data/ori_pqal.json,
 * MIT licence; 552 yes, 338 no, 110 maybe).
 */
#include <string.h>

#include "medsafety/mcq.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "dataset/manifest.h"

static const msb__manifest_entry pubmedqa[] = {
	{ "data/ori_pqal.json", 2584787,
	  "8b3276be8942ebbd77f3ddcda12c1749bf0e490045a736fd8438ee40cf37a41d" },
};

MSB_API int msb_mcq_fetch(char **out_path, const char *name, const msb_dataset_fetch_options *opts)
{
	char *dir = NULL;
	msb_buf b = MSB_BUF_INIT;
	int rc;

	if (out_path)
		*out_path = NULL;
	if (!name || strcmp(name, "pubmedqa") != 0)
		return msb__error_set(MSB_ENOTFOUND, "msb_mcq_fetch: no set '%s' (known: pubmedqa)",
		    name ? name : "(null)");
	rc = msb__fetch_files(&dir, opts, MSB_MCQ_PUBMEDQA_BASE_URL, "pubmedqa", pubmedqa, 1);
	if (rc < 0)
		return rc;
	if (out_path) {
		msb_buf_printf(&b, "%s/%s", dir, pubmedqa[0].path);
		if (!(*out_path = msb_buf_detach(&b)))
			rc = msb__error_set(MSB_ENOMEM, "msb_mcq_fetch: out of memory");
	}
	msb__free(dir);
	return rc;
}
