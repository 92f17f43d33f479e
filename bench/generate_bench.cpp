// Generation speed on the CPU, batch 1: prefill (sequence mode) and RNN-mode steps for the tiny
// (L4-D128) and small (L6-D256) presets with random weights, plus the whole generator (sampling,
// grammar, streaming decoder) on a 60-second continuation. Not a test: run it by hand.
//
//   pianomuse-bench-generate [--threads N] [--steps N]
#include "generate/generator.h"
#include "generate/prompt.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
}  // namespace

int main(int argc, char** argv) {
    int threads = 1, steps = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
    }
    torch::set_num_threads(threads);
    torch::InferenceMode guard;
    pm::tok::Tokenizer tokenizer;
    const auto V = std::int64_t(tokenizer.vocabulary().size());
    std::printf("torch threads %d, vocabulary %lld\n", threads, static_cast<long long>(V));
    for (const char* preset : {"tiny", "small"}) {
        pm::model::Rwkv7Model model(pm::model::Rwkv7Config::preset(preset, V));
        model->initWeights(1);
        model->eval();
        // Prefill: 512 tokens in one sequence-mode call.
        auto tokens = torch::randint(5, V, {1, 512}, torch::kLong);
        pm::model::Rwkv7State st = model->initialState(1);
        model->forwardHidden(tokens.slice(1, 0, 64), &st);   // warm-up
        st = model->initialState(1);
        auto t0 = Clock::now();
        model->forwardHidden(tokens, &st);
        const double prefill = 512 / since(t0);
        // Steps: the model alone.
        auto one = torch::zeros({1}, torch::kLong);
        for (int i = 0; i < 50; ++i) model->step(one, st);
        t0 = Clock::now();
        for (int i = 0; i < steps; ++i) {
            one.data_ptr<std::int64_t>()[0] = 5 + i % (V - 5);
            model->step(one, st);
        }
        const double stepRate = steps / since(t0);
        // The generator end to end: 60 s of continuation from nothing (4/4, 120 BPM).
        pm::gen::Generator gen(model, tokenizer);
        pm::gen::GenerationRequest r;
        r.prompt = pm::gen::metadataPrompt(tokenizer, {4, 4}, 120).tokens;
        r.length = {pm::gen::LengthUnit::Seconds, 60};
        r.allowEarlyEnd = false;
        r.sampling.seed = 1;
        t0 = Clock::now();
        const auto res = gen.generate(r)[0];
        const double wall = since(t0);
        std::printf("%-5s %s\n  prefill %.0f tok/s | step %.0f tok/s | generator: 60 s of music = %zu tokens, %zu notes "
                    "in %.2f s (%.0f tok/s)\n",
                    preset, model->config().describe().c_str(), prefill, stepRate, res.generatedTokens,
                    res.generatedNotes, wall, res.tokensPerSecond());
    }
    return 0;
}
