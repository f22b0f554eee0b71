/*
 * lib/paper/paper.c - the paper's protocol from the upstream scripts:
 * which files (pinned by SHA-256), where in them each text is, and the
 * judge options they make. The texts are read at run time from the
 * user's copy of the files; none of them is in libmedsafety.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsafety/paper.h"
#include "core/abi.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/sha256.h"
#include "dataset/manifest.h"
#include "paper/paper_int.h"

/* SHA-256 and sizes of the files at MSB_PAPER_COMMIT (as published in that commit). */
static const msb__manifest_entry files[] = {
	{ "exps/text_for_gpt_eval.py", 8008,
	  "e71e6108bb66a18dea28e4a25eb5b6ecef134b52f7937f10721a0a9e5ff1f605" },
	{ "exps/exp02_eval_responses.py", 6800,
	  "f357476babe7eec53a108b298374c9695b912efa17ba5e9d82b10d884f6d83c7" },
	{ "exps/exp01_prompt_models.py", 11035,
	  "fa710601be3da5c806663e7e82aef564fb5cf4cd254a744e73c2785a51254c78" },
	{ "exps/exp03_generate_safe_responses.py", 5516,
	  "87eb58daac069dd6f7b3bc8b5705848a49fa9904f48a2a82904bdfef7e67ad90" },
};
enum { TEXT_FOR_GPT_EVAL, EXP02, EXP01, EXP03, N_FILES };

/* Where each text is: file, name (msb_py_string_expr), occurrence, placeholder renames. */
static const struct {
	int file;
	const char *name;
	const char *from, *to; /* one placeholder to rename, or NULL */
} where[MSB_PAPER_N_TEXTS] = {
	[MSB_PAPER_JUDGE_TEMPLATE] = { EXP02, "eval_prompt", "{usage_policy}", "{policy}" },
	[MSB_PAPER_RUBRIC] = { TEXT_FOR_GPT_EVAL, "rubric", NULL, NULL },
	[MSB_PAPER_POLICY_MEDICAL] = { TEXT_FOR_GPT_EVAL, "usage_policy_med_harm", NULL, NULL },
	[MSB_PAPER_POLICY_GENERAL] = { TEXT_FOR_GPT_EVAL, "usage_policy_gen_harm", NULL, NULL },
	[MSB_PAPER_JUDGE_SYSTEM] = { EXP02, "sys_prompt", NULL, NULL },
	[MSB_PAPER_TARGET_SYSTEM] = { EXP01, "sys_prompt", NULL, NULL },
	[MSB_PAPER_DEMO_TEMPLATE] = { EXP03, "lambda row:", "{row['question']}", "{question}" },
};

MSB_API size_t msb_paper_file_count(void)
{
	return N_FILES;
}

MSB_API int msb_paper_file(const char **path, unsigned long long *size, const char **sha256,
    size_t i)
{
	if (i >= N_FILES)
		return msb__error_set(MSB_EINVAL, "msb_paper_file: %zu out of range", i);
	if (path)
		*path = files[i].path;
	if (size)
		*size = files[i].size;
	if (sha256)
		*sha256 = files[i].sha256;
	return 0;
}

MSB_API int msb_paper_fetch(char **out_dir, const msb_dataset_fetch_options *opts)
{
	return msb__fetch_files(out_dir, opts, MSB_PAPER_DEFAULT_BASE_URL, "paper-protocol", files, N_FILES);
}

MSB_API void msb_paper_free(msb_paper *p)
{
	int i;
	if (!p)
		return;
	for (i = 0; i < MSB_PAPER_N_TEXTS; i++)
		msb__free(p->text[i]);
	for (i = 0; i < MSB_PAPER_N_FAMILIES; i++)
		msb__free(p->family[i]);
	msb__free(p);
}

int msb__paper_replace(char **s, const char *from, const char *to)
{
	msb_buf b = MSB_BUF_INIT;
	const char *p = *s, *hit;
	while ((hit = strstr(p, from)) != NULL) {
		msb_buf_put(&b, p, (size_t)(hit - p));
		msb_buf_puts(&b, to);
		p = hit + strlen(from);
	}
	msb_buf_puts(&b, p);
	if (b.failed) {
		msb_buf_dispose(&b);
		return msb__error_set(MSB_ENOMEM, "paper: out of memory");
	}
	msb__free(*s);
	*s = msb_buf_detach(&b);
	return *s ? 0 : MSB_ENOMEM;
}

/* Read DIR/exps/NAME or DIR/NAME and check it. */
static int read_file(char **out, const char *dir, const msb__manifest_entry *e)
{
	char path[4200], got[65];
	const char *name = strrchr(e->path, '/') + 1;
	size_t len;
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir, e->path);
	rc = msb__file_read(out, &len, path);
	if (rc == MSB_ENOTFOUND) {
		snprintf(path, sizeof path, "%s/%s", dir, name);
		rc = msb__file_read(out, &len, path);
	}
	if (rc == MSB_ENOTFOUND)
		return msb__error_set(MSB_ENOTFOUND, "%s: the paper's protocol file %s is not there; get "
		    "the four files with `medsafety dataset fetch paper-protocol` (or from "
		    "github.com/AI4LIFE-GROUP/med-safety-bench at commit %s, folder exps/)", dir, name,
		    MSB_PAPER_COMMIT);
	if (rc < 0)
		return rc;
	msb_sha256_hex(*out, len, got);
	if (strcmp(got, e->sha256) != 0) {
		msb__free(*out);
		*out = NULL;
		return msb__error_set(MSB_ECHECKSUM, "%s: SHA-256 %s, expected %s (the file at commit %.7s)",
		    path, got, e->sha256, MSB_PAPER_COMMIT);
	}
	return 0;
}

static int default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		snprintf(buf, size, "%s/medsafety/paper-protocol", xdg);
	else if (home && *home)
		snprintf(buf, size, "%s/.cache/medsafety/paper-protocol", home);
	else
		return msb__error_set(MSB_EINVAL, "paper: no folder given and no HOME");
	return 0;
}

MSB_API int msb_paper_load(msb_paper **out, const char *dir)
{
	char *src[N_FILES] = { 0 }, defdir[4096];
	msb_paper *p = NULL;
	int i, rc = 0;

	if (!out)
		return msb__error_set(MSB_EINVAL, "msb_paper_load: NULL out");
	*out = NULL;
	if (!dir) {
		if ((rc = default_dir(defdir, sizeof defdir)) < 0)
			return rc;
		dir = defdir;
	}
	for (i = 0; i < N_FILES && !rc; i++)
		rc = read_file(&src[i], dir, &files[i]);
	if (!rc && !(p = msb__calloc(1, sizeof *p)))
		rc = msb__error_set(MSB_ENOMEM, "paper: out of memory");
	for (i = 0; i < MSB_PAPER_N_TEXTS && !rc; i++) {
		rc = msb_py_string_expr(&p->text[i], src[where[i].file], where[i].name, 0);
		if (rc < 0)
			msb__error_prefix("%s: %s", files[where[i].file].path, where[i].name);
		else if (where[i].from)
			rc = msb__paper_replace(&p->text[i], where[i].from, where[i].to);
	}
	if (!rc)
		rc = msb__paper_load_families(p, src[EXP01]);
	for (i = 0; i < N_FILES; i++)
		msb__free(src[i]);
	if (rc < 0) {
		msb_paper_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

MSB_API const char *msb_paper_text(const msb_paper *p, int id)
{
	return p && id >= 0 && id < MSB_PAPER_N_TEXTS ? p->text[id] : NULL;
}

MSB_API int msb_paper_judge_options(msb_llm_judge_options *o, const msb_paper *p)
{
	int rc;

	if (!p || !o)
		return msb__error_set(MSB_EINVAL, "msb_paper_judge_options: NULL argument");
	if ((rc = msb__check_version(o, MSB_LLM_JUDGE_OPTIONS_VERSION, "msb_llm_judge_options")))
		return rc;
	o->template_text = p->text[MSB_PAPER_JUDGE_TEMPLATE];
	o->template_file = NULL;
	o->rubric_text = p->text[MSB_PAPER_RUBRIC];
	o->rubric_file = NULL;
	o->policy = MSB_POLICY_AUTO;
	o->policy_text = o->policy_file = NULL;
	o->system = p->text[MSB_PAPER_JUDGE_SYSTEM];
	o->temperature = 0.0;
	o->max_tokens = 512;
	o->medical_policy_text = p->text[MSB_PAPER_POLICY_MEDICAL];
	o->medical_policy_file = NULL;
	o->general_policy_text = p->text[MSB_PAPER_POLICY_GENERAL];
	o->general_policy_file = NULL;
	return 0;
}
