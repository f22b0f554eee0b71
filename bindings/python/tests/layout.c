/*
 * layout.c - prints, as JSON, the size and field offsets of every public
 * struct the Python binding mirrors with ctypes, as the C compiler sees
 * them. test_layout.py compares them with medsafety/_abi.py, so a field
 * added or moved in a header cannot silently break the binding.
 * Structs of modules this build lacks are left out (the #ifdef around
 * them). One table: each struct names its type once (T) and each field
 * once (F); a struct with more fields than MAX_FIELDS does not compile
 * (excess initializers are an error with -Werror).
 */
#include <stddef.h>
#include <stdio.h>

#include <medsafety/medsafety.h>
#include <medsafety/sys/backend.h>
#include <medsafety/sys/judge.h>
#if defined(__has_include)
#  if __has_include(<medsafety/eval.h>)
#    include <medsafety/eval.h>
#  endif
#  if __has_include(<medsafety/openai.h>)
#    include <medsafety/openai.h>
#  endif
#  if __has_include(<medsafety/mcq.h>)
#    include <medsafety/mcq.h>
#  endif
#endif

#define MAX_FIELDS 40

typedef struct field {
	const char *name;          /* NULL ends the list */
	size_t offset;
} field;

typedef struct layout {
	const char *name;
	size_t size;
	field fields[MAX_FIELDS];
} layout;

/* The struct being described is T (#define T before, #undef T after each). */
#define NAME_(t) #t
#define NAME(t) NAME_(t)
#define F(f) { #f, offsetof(T, f) }
#define STRUCT(...) { NAME(T), sizeof(T), { __VA_ARGS__ } }

static const layout layouts[] = {
#define T msb_error
	STRUCT(F(code), F(message)),
#undef T
#define T msb_request
	STRUCT(F(version), F(id), F(system), F(prompt), F(reference), F(max_tokens), F(temperature),
	    F(top_p), F(seed), F(has_seed), F(stop), F(n_stop), F(sample_index)),
#undef T
#define T msb_judge_input
	STRUCT(F(version), F(id), F(prompt), F(response), F(principle), F(category), F(source)),
#undef T
#define T msb_dataset_options
	STRUCT(F(version), F(format), F(prompt_column), F(reference_column), F(principle_column),
	    F(id_column), F(source), F(split), F(clean)),
#undef T
#ifdef MSB_DATASET_FILTER_OPTIONS_VERSION
#define T msb_dataset_filter_options
	STRUCT(F(version), F(split), F(source), F(principles), F(limit), F(sample), F(seed),
	    F(shard_index), F(shard_count)),
#undef T
#endif
#ifdef MSB_ITEM_SPEC_VERSION
#define T msb_item_spec
	STRUCT(F(version), F(id), F(prompt), F(principle), F(category), F(kind), F(source),
	    F(split), F(reference), F(rationale)),
#undef T
#endif
#ifdef MSB_DATASET_EXPORT_OPTIONS_VERSION
#define T msb_dataset_export_options
	STRUCT(F(version), F(format), F(system_prompt)),
#undef T
#endif
#define T msb_backend_vtable
	STRUCT(F(version), F(struct_size), F(flags), F(generate), F(submit), F(poll), F(wakeup),
	    F(capacity), F(identity), F(free), F(fd), F(timeout), F(set_concurrency), F(cancel),
	    F(dead)),
#undef T
#define T msb_judge_vtable
	STRUCT(F(version), F(struct_size), F(flags), F(judge), F(submit), F(poll), F(wakeup),
	    F(capacity), F(name), F(config_hash), F(free), F(fd), F(timeout)),
#undef T
#ifdef MSB_SCORER_OPTIONS_VERSION
#define T msb_scorer_options
	STRUCT(F(version), F(bootstrap_resamples), F(seed), F(confidence), F(has_seed)),
#undef T
#endif
#ifdef MSB_EVAL_OPTIONS_VERSION
#define T msb_eval_progress
	STRUCT(F(version), F(done), F(total), F(errors), F(resumed), F(in_flight_model),
	    F(in_flight_judge), F(rate), F(eta_s), F(elapsed_s)),
#undef T
#define T msb_eval_options
	STRUCT(F(version), F(out_dir), F(concurrency), F(judge_concurrency), F(workers),
	    F(system_prompt), F(max_tokens), F(temperature), F(top_p), F(epochs), F(seed),
	    F(has_seed), F(resume), F(force), F(retry_errors), F(cache_dir), F(max_requests),
	    F(max_total_tokens), F(dry_run), F(retries), F(progress), F(progress_userdata),
	    F(progress_interval_ms), F(fsync_interval_ms), F(cancel_grace_ms), F(config_json),
	    F(has_top_p)),
#undef T
#define T msb_eval_stats
	STRUCT(F(version), F(total), F(done), F(resumed), F(finished), F(errors), F(model_requests),
	    F(judge_requests), F(cache_hits), F(prompt_tokens), F(completion_tokens),
	    F(est_requests), F(est_tokens), F(elapsed_s), F(stop_reason), F(abandoned)),
#undef T
#endif
#ifdef MSB_OPENAI_OPTIONS_VERSION
#define T msb_openai_options
	STRUCT(F(version), F(base_url), F(model), F(api_key_env), F(headers), F(n_headers),
	    F(endpoint), F(prompt_format), F(use_max_completion_tokens), F(omit_temperature),
	    F(connect_timeout_ms), F(timeout_ms), F(max_retries), F(backoff_base_ms),
	    F(backoff_max_ms), F(max_retry_after_ms), F(max_in_flight), F(requests_per_minute),
	    F(tokens_per_minute), F(tls_verify), F(max_response_bytes), F(http2), F(ca_file),
	    F(ca_path), F(insecure_skip_verify)),
#undef T
#endif
#ifdef MSB_LLM_JUDGE_OPTIONS_VERSION
#define T msb_llm_judge_options
	STRUCT(F(version), F(template_text), F(template_file), F(policy), F(policy_text),
	    F(policy_file), F(rubric_text), F(rubric_file), F(system), F(temperature),
	    F(max_tokens), F(medical_policy_text), F(medical_policy_file), F(general_policy_text),
	    F(general_policy_file)),
#undef T
#endif
#ifdef MSB_COMPARE_OPTIONS_VERSION
#define T msb_compare_options
	STRUCT(F(version), F(alpha), F(bootstrap_resamples), F(seed), F(confidence), F(adjust),
	    F(has_seed)),
#undef T
#endif
#ifdef MSB_REPORT_OPTIONS_VERSION
#define T msb_report_options
	STRUCT(F(version), F(title), F(subtitle)),
#undef T
#endif
#ifdef MSB_BENIGN_STATS_VERSION
#define T msb_benign_stats
	STRUCT(F(version), F(n), F(n_scored), F(n_unscored), F(n_errors), F(hist),
	    F(n_full_refusal), F(n_partial_refusal), F(full_refusal_rate), F(full_refusal_ci_low),
	    F(full_refusal_ci_high), F(partial_refusal_rate), F(over_refusal_rate),
	    F(over_refusal_ci_low), F(over_refusal_ci_high), F(compliance_rate)),
#undef T
#endif
#ifdef MSB_COMPARE_DETAIL_VERSION
#define T msb_compare_detail
	STRUCT(F(version), F(gate_p), F(gate_p_holm), F(hl_shift), F(hl_ci_low), F(hl_ci_high),
	    F(harmful_diff_ci_low), F(harmful_diff_ci_high)),
#undef T
#endif
#ifdef MSB_RESULTS_MERGE_OPTIONS_VERSION
#define T msb_results_merge_options
	STRUCT(F(version), F(allow_partial)),
#undef T
#endif
#ifdef MSB_MCQ_LOAD_OPTIONS_VERSION
#define T msb_mcq_load_options
	STRUCT(F(version), F(format), F(source), F(subject), F(cop_base)),
#undef T
#define T msb_mcq_prompt_options
	STRUCT(F(version), F(shots), F(seed), F(instruction)),
#undef T
#endif
#ifdef MSB_RECORD_INFO_VERSION
#define T msb_error_info
	STRUCT(F(code), F(kind), F(message)),
#undef T
#define T msb_usage
	STRUCT(F(prompt_tokens), F(completion_tokens), F(attempts), F(latency_ms)),
#undef T
#define T msb_record_info
	STRUCT(F(version), F(id), F(sample), F(kind), F(principle), F(category), F(source),
	    F(split), F(prompt), F(response), F(score), F(judge_name), F(judge_reason),
	    F(judge_raw), F(error_stage), F(error), F(usage), F(config_hash)),
#undef T
#endif
#ifdef MSB_ITEM_INFO_VERSION
#define T msb_completion_info
	STRUCT(F(version), F(text), F(reasoning), F(finish_reason), F(error), F(usage),
	    F(http_status), F(reasoning_tokens), F(cached_tokens)),
#undef T
#define T msb_verdict_info
	STRUCT(F(version), F(score), F(reason), F(raw), F(error), F(usage), F(reasoning_tokens),
	    F(cached_tokens)),
#undef T
#define T msb_item_info
	STRUCT(F(version), F(id), F(kind), F(principle), F(category), F(source), F(split),
	    F(prompt), F(reference), F(rationale), F(contrast)),
#undef T
#define T msb_mcq_item_info
	STRUCT(F(version), F(id), F(question), F(context), F(subject), F(source), F(n_options),
	    F(options), F(answer)),
#undef T
#endif
#ifdef MSB_SUMMARY_GROUP_VERSION
#define T msb_group_stats
	STRUCT(F(version), F(n), F(n_scored), F(n_unscored), F(n_errors), F(mean), F(sd), F(sem),
	    F(ci_low), F(ci_high), F(hist), F(refusal_rate), F(harmful_rate),
	    F(full_compliance_rate)),
#undef T
#define T msb_group_more
	STRUCT(F(version), F(median), F(q1), F(q3), F(refusal_rate_ci_low), F(refusal_rate_ci_high),
	    F(harmful_rate_ci_low), F(harmful_rate_ci_high), F(full_compliance_rate_ci_low),
	    F(full_compliance_rate_ci_high), F(mean_if_missing_1), F(mean_if_missing_5)),
#undef T
#define T msb_summary_info
	STRUCT(F(version), F(n_records), F(n_benign), F(clustered), F(bootstrap_resamples), F(seed),
	    F(confidence), F(kw_h), F(kw_p), F(kw_df)),
#undef T
#define T msb_summary_group
	STRUCT(F(version), F(kind), F(by), F(key), F(stats), F(more), F(n_clusters)),
#undef T
#define T msb_summary_benign
	STRUCT(F(version), F(kind), F(by), F(key), F(stats)),
#undef T
#define T msb_compare_group
	STRUCT(F(version), F(n_pairs), F(mean_a), F(mean_b), F(mean_diff), F(ci_low), F(ci_high),
	    F(n_nonzero), F(wilcoxon_p), F(wilcoxon_exact), F(harmful_rate_a), F(harmful_rate_b),
	    F(harmful_rate_diff), F(harmful_a_only), F(harmful_b_only), F(mcnemar_p),
	    F(mcnemar_exact), F(worse)),
#undef T
#define T msb_comparison_entry
	STRUCT(F(version), F(kind), F(by), F(key), F(gated), F(group), F(detail)),
#undef T
#define T msb_comparison_info
	STRUCT(F(version), F(worse), F(too_few_pairs), F(n_pairs), F(only_a), F(only_b),
	    F(unscored), F(principle_mismatches), F(source_mismatches), F(split_mismatches),
	    F(alpha), F(adjust), F(bootstrap_resamples), F(seed), F(confidence)),
#undef T
#endif
#ifdef MSB_PROVIDER_OPTIONS_VERSION
#define T msb_provider_options
	STRUCT(F(version), F(dialect), F(api_version)),
#undef T
#endif
#ifdef MSB_USAGE_TOTALS_VERSION
#define T msb_usage_totals
	STRUCT(F(version), F(records), F(prompt_tokens), F(completion_tokens), F(reasoning_tokens),
	    F(cached_tokens), F(reasoning_reported), F(cached_reported), F(cache_hits)),
#undef T
#endif
#ifdef MSB_BATCH_OPTIONS_VERSION
#define T msb_batch_progress
	STRUCT(F(version), F(stage), F(batch_id), F(status), F(requests), F(completed), F(failed),
	    F(batches)),
#undef T
#define T msb_batch_options
	STRUCT(F(version), F(model), F(judge), F(poll_interval_ms), F(retry), F(max_lines),
	    F(max_bytes), F(progress), F(progress_userdata)),
#undef T
#define T msb_batch_stats
	STRUCT(F(version), F(batches_created), F(batches_resumed), F(submitted), F(succeeded),
	    F(failed)),
#undef T
#endif
#ifdef MSB_RUN_COST_VERSION
#define T msb_run_usage
	STRUCT(F(version), F(reported), F(records), F(prompt_tokens), F(completion_tokens),
	    F(reasoning_tokens), F(cached_tokens), F(cache_hits), F(batch), F(batch_requests),
	    F(batch_prompt_tokens), F(batch_completion_tokens), F(online_prompt_tokens),
	    F(online_completion_tokens), F(batch_discount)),
#undef T
#define T msb_run_cost
	STRUCT(F(version), F(present), F(priced), F(spec), F(price_in), F(price_out),
	    F(batch_discount), F(online_cost), F(batch_cost), F(cost), F(total_known), F(total)),
#undef T
#endif
};

int main(void)
{
	size_t i, k;

	printf("{");
	for (i = 0; i < sizeof layouts / sizeof *layouts; i++) {
		const layout *l = &layouts[i];
		printf("%s\n  \"%s\": {\"size\": %zu, \"fields\": {", i ? "," : "", l->name, l->size);
		for (k = 0; k < MAX_FIELDS && l->fields[k].name; k++)
			printf("%s\"%s\": %zu", k ? ", " : "", l->fields[k].name, l->fields[k].offset);
		printf("}}");
	}
	printf("\n}\n");
	return 0;
}
