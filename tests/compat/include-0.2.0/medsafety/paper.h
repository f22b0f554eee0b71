/*
 * medsafety/paper.h - the paper's protocol (MedSafetyBench, Han et al.
 * 2024) taken from the authors' own scripts at the pinned commit: the
 * judge prompt, rubric and usage policies, the judge's and the target's
 * system prompts, the demonstration prompt. These texts are the upstream
 * authors', never part of libmedsafety: msb_paper_fetch downloads the
 * four scripts (SHA-256 checked), msb_paper_load reads them from a
 * folder and extracts the texts with a small reader of Python string
 * expressions (msb_py_string_expr). See docs/reproduce-paper.md.
 */
#ifndef MEDSAFETY_PAPER_H
#define MEDSAFETY_PAPER_H

#include "common.h"
#include "dataset.h"
#include "judge.h"
#include "backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The upstream repository commit the protocol is pinned to. */
#define MSB_PAPER_COMMIT "191aa7954b82458079425292730d6cb28a89565d"
/** Where msb_paper_fetch downloads from by default (files are <base>/exps/NAME). */
#define MSB_PAPER_DEFAULT_BASE_URL \
	"https://raw.githubusercontent.com/AI4LIFE-GROUP/med-safety-bench/" MSB_PAPER_COMMIT

/**
 * The value of a Python string expression in `source`: the one after the
 * nth (0-based) occurrence of `name` in code (not in strings or
 * comments). When `name` ends in an identifier character it must be
 * followed by `=` (an assignment or keyword argument: "eval_prompt",
 * "sys_prompt"); otherwise the expression starts right after it
 * ("lambda row:"). String literals (any quotes, r/u/f prefixes, Python's
 * escapes) are decoded and concatenated; an f-string field and any
 * operand that is not a literal are kept as written in braces:
 * f"Q: {question}" gives "Q: {question}", "Q: " + row['question'] gives
 * "Q: {row['question']}". The brackets open around NAME count as in
 * Python: inside them a newline or a comment line does not end the
 * expression (a `,` or the closing bracket does). *out is new: free with
 * msb_free. Errors:
 * MSB_ENOTFOUND, MSB_EPARSE (message with the line), MSB_EUNSUPPORTED
 * (bytes, \N{...}), MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_py_string_expr(char **out, const char *source, const char *name, int nth);

/** The four upstream files, relative to the repository root, and their SHA-256. */
MSB_API size_t msb_paper_file_count(void);
MSB_API int msb_paper_file(const char **path, unsigned long long *size, const char **sha256,
    size_t i);

/**
 * Download the four files into opts->dir (default
 * $XDG_CACHE_HOME/medsafety/paper-protocol, else
 * ~/.cache/medsafety/paper-protocol) from opts->base_url (default
 * MSB_PAPER_DEFAULT_BASE_URL), verify size and SHA-256, as
 * msb_dataset_fetch does (files already there and right are kept).
 * *out_dir (may be NULL) is new: the folder, free with msb_free. Needs
 * msb_init. Errors: MSB_EHTTP, MSB_ETIMEOUT, MSB_ECHECKSUM, MSB_EIO.
 */
MSB_API int msb_paper_fetch(char **out_dir, const msb_dataset_fetch_options *opts);

typedef struct msb_paper msb_paper;

/**
 * Read the protocol from `dir`, a folder holding the four files (either
 * DIR/exps/NAME, as msb_paper_fetch writes them, or DIR/NAME), however
 * they were obtained; each must have its pinned SHA-256 (MSB_ECHECKSUM
 * otherwise: other texts would not be the paper's). NULL dir: the
 * default folder of msb_paper_fetch. MSB_ENOTFOUND's message says how
 * to fetch them. New: free with msb_paper_free.
 */
MSB_API int msb_paper_load(msb_paper **out, const char *dir);
MSB_API void msb_paper_free(msb_paper *p);

/** The texts (msb_paper_text). */
typedef enum msb_paper_text_id {
	MSB_PAPER_JUDGE_TEMPLATE = 0, /**< exp02's judge prompt, placeholders {policy} {rubric} {question} {response} */
	MSB_PAPER_RUBRIC = 1,         /**< text_for_gpt_eval.py: rubric */
	MSB_PAPER_POLICY_MEDICAL = 2, /**< usage_policy_med_harm (MedSafetyBench) */
	MSB_PAPER_POLICY_GENERAL = 3, /**< usage_policy_gen_harm (HEx-PHI) */
	MSB_PAPER_JUDGE_SYSTEM = 4,   /**< exp02's judge system prompt */
	MSB_PAPER_TARGET_SYSTEM = 5,  /**< exp01's system prompt for chat models (GPT family) */
	MSB_PAPER_DEMO_TEMPLATE = 6,  /**< exp03's demonstration prompt, placeholder {question} */
	MSB_PAPER_N_TEXTS = 7
} msb_paper_text_id;
/**
 * "judge_template", "rubric", "policy_medical", "policy_general",
 * "judge_system", "target_system", "demo_template"; NULL for another value.
 */
MSB_API const char *msb_paper_text_id_name(int id);
/** The msb_paper_text_id of a name (ASCII case ignored), or MSB_EINVAL. */
MSB_API int msb_paper_text_id_from_name(const char *name);

/** A text, borrowed from p; NULL for an unknown id. */
MSB_API const char *msb_paper_text(const msb_paper *p, int id);

/**
 * Fill LLM-judge options with the paper's judge: template, rubric, the
 * medical and general policies (policy AUTO: per item, as the paper
 * did per dataset), system prompt, temperature 0, max_tokens 512. The
 * strings are borrowed from p (keep p alive while the options are used).
 */
MSB_API int msb_paper_judge_options(msb_llm_judge_options *opts, const msb_paper *p);

/* ---- exp01's target prompt formats, per model family ---- */

/**
 * exp01's model families. GPT models are asked in chat with exp01's
 * system prompt (MSB_PAPER_TARGET_SYSTEM) and the question as the user
 * message; every other family gets one raw prompt string (a completion,
 * as upstream's Hugging Face generate had), built by the family's
 * `lambda row:` of exp01 (MSB_PAPER_N_FAMILIES may grow).
 */
typedef enum msb_paper_family_id {
	MSB_PAPER_FAMILY_GPT = 0,       /**< gpt3, gpt4, gpt-4o, ...: chat + system prompt */
	MSB_PAPER_FAMILY_LLAMA = 1,     /**< llama1, llama2, llama31, meditron (+ fine-tunes), clinicalcamel */
	MSB_PAPER_FAMILY_MEDALPACA = 2, /**< medalpaca (+ fine-tunes) */
	MSB_PAPER_FAMILY_MED42 = 3,     /**< med42 */
	MSB_PAPER_FAMILY_MISTRAL = 4,   /**< mistral, mixtral */
	MSB_PAPER_FAMILY_VICUNA = 5,    /**< vicuna */
	MSB_PAPER_FAMILY_PYTHIA = 6,    /**< pythia */
	MSB_PAPER_N_FAMILIES = 7
} msb_paper_family_id;

/**
 * The family of a name: "gpt", "llama", "medalpaca", "med42", "mistral",
 * "vicuna", "pythia", or one of exp01's own family names that share a
 * format ("llama1", "llama2", "llama31", "meditron", "clinicalcamel");
 * ASCII case ignored. MSB_EINVAL (error set, listing the names) otherwise.
 */
MSB_API int msb_paper_family_from_name(const char *name);
/** The canonical name of a family ("llama"), static; NULL when out of range. */
MSB_API const char *msb_paper_family_name(int family);
/**
 * The family of a model name such as "meta-llama/Llama-2-7b-chat-hf",
 * "epfl-llm/meditron-7b" or "gpt-4o" (case-insensitive parts: medalpaca,
 * med42, meditron, clinicalcamel, vicuna, pythia, mistral/mixtral,
 * llama, gpt). MSB_ENOTFOUND when none matches.
 */
MSB_API int msb_paper_family_of_model(int *out, const char *model);

/**
 * A family's target prompt with the placeholder {question}, borrowed
 * from p ("{question}" for GPT). NULL for an unknown family.
 */
MSB_API const char *msb_paper_target_template(const msb_paper *p, int family);

/**
 * The prompt exp01 sends for `question` in `family`'s format (for GPT:
 * the question itself; its system prompt is MSB_PAPER_TARGET_SYSTEM).
 * *out is new: free with msb_free. Errors: MSB_EINVAL, MSB_ENOMEM.
 */
MSB_API int msb_paper_target_prompt(char **out, const msb_paper *p, int family,
    const char *question);

/**
 * A backend that asks `inner` in exp01's format of `family`: every
 * request's prompt becomes msb_paper_target_prompt(prompt); GPT requests
 * carry exp01's system prompt, the other families none (their format
 * holds it), so give those an inner /completions backend with the plain
 * prompt format (the rendered prompt goes out unchanged). Its identity
 * is "paper-exp01/FAMILY:" + inner's. Takes a reference on inner; the
 * texts are copied (p may be freed). Asynchronous when inner is.
 * New: free with msb_backend_free.
 */
MSB_API int msb_paper_target_backend_new(msb_backend **out, const msb_paper *p, int family,
    msb_backend *inner);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_PAPER_H */
