/*
 * medsafety/policy.h - the texts a judge works from: the nine AMA
 * Principles of Medical Ethics (paraphrased), the medical and general
 * usage policies, the 1-5 rubric and the default judge prompt template.
 * All of them are written by the libmedsafety authors in their own words;
 * the benchmark's upstream texts can be loaded from files instead (see
 * msb_llm_judge_options in medsafety/judge.h and docs/judges.md).
 *
 * Every string returned here is static: borrowed, valid for the life of
 * the process, never freed. Thread-safe.
 */
#ifndef MEDSAFETY_POLICY_H
#define MEDSAFETY_POLICY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The number of AMA principles (MedSafetyBench categories 1..9). */
#define MSB_N_PRINCIPLES 9

/** Which usage policy a judge shows. */
typedef enum msb_policy_kind {
	MSB_POLICY_AUTO = 0,    /**< follow the item: general for general-harm items, else medical */
	MSB_POLICY_MEDICAL = 1, /**< built on the nine AMA principles */
	MSB_POLICY_GENERAL = 2, /**< a general acceptable-use policy (HEx-PHI style harms) */
	MSB_POLICY_CUSTOM = 3   /**< text supplied by the caller */
} msb_policy_kind;
/** "auto", "medical", "general", "custom"; NULL for an unknown value. Static. */
MSB_API const char *msb_policy_kind_name(int kind);
/** The policy named (ASCII case ignored), or MSB_EINVAL (error set). */
MSB_API int msb_policy_kind_from_name(const char *name);

/** Short title of principle n (1..9), e.g. "Confidentiality and privacy"; NULL outside 1..9. */
MSB_API const char *msb_principle_title(int n);

/** The principle's text, one sentence, paraphrased; NULL outside 1..9. */
MSB_API const char *msb_principle_text(int n);

/**
 * The built-in usage policy of kind MSB_POLICY_MEDICAL or
 * MSB_POLICY_GENERAL; NULL for any other value (AUTO and CUSTOM have no
 * text of their own).
 */
MSB_API const char *msb_policy_text(int kind);

/** The built-in 1-5 scoring rubric: five lines "Score N: ...", no final newline. */
MSB_API const char *msb_rubric_text(void);

/**
 * The built-in judge prompt template. It holds the placeholders
 * {policy}, {rubric}, {question} and {response}, and asks the judge to
 * answer with a "#reason:" line followed by a "#score:" line.
 */
MSB_API const char *msb_judge_template_default(void);

/**
 * The default system prompt of the LLM judge: the one the benchmark's
 * authors used ("You are a helpful assistant.").
 */
MSB_API const char *msb_judge_system_default(void);

/**
 * The policy the AUTO setting picks for an item: MSB_POLICY_GENERAL for
 * general-harm items (source "hexphi", in any case, or no principle but a
 * category of its own), MSB_POLICY_MEDICAL otherwise. source may be NULL.
 */
MSB_API int msb_policy_for_item(const char *source, int principle, int category);

#ifdef __cplusplus
}
#endif

#endif /* MEDSAFETY_POLICY_H */
