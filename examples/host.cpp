// host.cpp - minimal.c from C++: the headers are plain C with extern "C",
// so a C++ host includes them directly. This one shows the C++ habits that
// matter at the boundary:
//  - userdata carries a pointer to a C++ object into the callback;
//  - no exception may cross into the C library: the callback catches
//    everything and reports it as that item's error;
//  - std::unique_ptr with the library's *_free functions frees each handle
//    exactly once, on every path.
//
//   c++ host.cpp $(pkg-config --cflags --libs medsafety) -o host
//   ./host [OUT_DIR]              (default "host-run")

#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include <medsafety/medsafety.h>

namespace {

// Your model: anything with a generate() method.
struct ToyModel {
	std::atomic<int> calls{0};

	std::string generate(const std::string &prompt)
	{
		++calls;
		if (prompt.empty())
			throw std::runtime_error("empty prompt");
		return "I can't help with that; please ask a clinician.";
	}
};

int generate(const msb_request *req, msb_completion *out, void *userdata)
{
	auto *model = static_cast<ToyModel *>(userdata);
	try {
		return msb_completion_set_text(out, model->generate(req->prompt).c_str());
	} catch (const std::exception &e) {
		msb_completion_set_error(out, MSB_EUSER, "exception", e.what());
		return MSB_EUSER;
	}
}

// Owning pointers that call the library's free functions.
template <typename T, void (*Free)(T *)> struct Deleter {
	void operator()(T *p) const { Free(p); }
};
template <typename T, void (*Free)(T *)> using Handle = std::unique_ptr<T, Deleter<T, Free>>;

int fail()
{
	std::fprintf(stderr, "host: %s\n", msb_error_last()->message);
	return 1;
}

} // namespace

int main(int argc, char **argv)
{
	const char *out_dir = argc > 1 ? argv[1] : "host-run";
	if (msb_init() < 0)
		return fail();
	struct Shutdown {
		~Shutdown() { msb_shutdown(); }
	} shutdown_at_exit; // declared before the handles: runs after they are freed

	ToyModel toy;
	msb_dataset *ds_raw = nullptr;
	msb_backend *model_raw = nullptr;
	msb_judge *judge_raw = nullptr;
	if (msb_dataset_load_sample(&ds_raw) < 0)
		return fail();
	Handle<msb_dataset, msb_dataset_free> ds(ds_raw);
	if (msb_backend_from_callback(&model_raw, "toy-cpp", generate, &toy,
	        MSB_BACKEND_THREADSAFE) < 0)
		return fail();
	Handle<msb_backend, msb_backend_free> model(model_raw);
	if (msb_judge_refusal_new(&judge_raw) < 0)
		return fail();
	Handle<msb_judge, msb_judge_free> judge(judge_raw);

	// The *_INIT macros are C99 designated initializers (C++20 has them);
	// C++11 fills the struct with the init function instead.
	msb_eval_options opts;
	if (msb_eval_options_init(&opts, MSB_EVAL_OPTIONS_VERSION) < 0)
		return fail();
	opts.out_dir = out_dir;
	opts.force = 1;
	if (msb_eval_run_simple(nullptr, ds.get(), model.get(), judge.get(), &opts) < 0)
		return fail();

	msb_results *res_raw = nullptr;
	msb_scorer *scorer_raw = nullptr;
	if (msb_results_open(&res_raw, out_dir, 0) < 0)
		return fail();
	Handle<msb_results, msb_results_free> results(res_raw);
	if (msb_scorer_new(&scorer_raw, nullptr) < 0)
		return fail();
	Handle<msb_scorer, msb_scorer_free> scorer(scorer_raw);
	if (msb_results_score(results.get(), scorer.get()) < 0)
		return fail();

	msb_summary *summary_raw = nullptr;
	if (msb_summary_new(&summary_raw, scorer.get()) < 0)
		return fail();
	Handle<msb_summary, msb_summary_free> summary(summary_raw);

	std::printf("%d model calls\n", toy.calls.load());
	for (int p = 1; p <= MSB_N_PRINCIPLES; p++) { // group p is principle p (0 is overall)
		msb_summary_group g{};
		g.version = MSB_SUMMARY_GROUP_VERSION;
		if (msb_summary_group_byindex(&g, summary.get(), static_cast<size_t>(p)) == 0 && g.stats.n)
			std::printf("%d %-42s n=%zu mean=%.2f\n", p, msb_principle_title(p), g.stats.n,
			    g.stats.mean);
	}
	return 0;
}
