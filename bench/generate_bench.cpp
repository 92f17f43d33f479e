// Generation speed on the CPU, batch 1: prefill (sequence mode) and RNN-mode steps for the tiny
// (L4-D128) and small (L6-D256) presets with random weights, the LibTorch step
// (Rwkv7ModelImpl::step) next to the fused CPU step (Rwkv7FastStep, AVX2 and plain loops), plus
// the whole generator (sampling, grammar, streaming decoder) on a 60-second continuation on both
// paths. Not a test: run it by hand.
//
//   pianomuse-bench-generate [--threads N] [--steps N]
#include "generate/generator.h"
#include "generate/prompt.h"
#include "model/rwkv7_fast_step.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Thread CPU seconds: on a machine shared with other jobs this is the honest per-token cost (wall
// time also counts the time the scheduler gave to others); with one thread both are reported.
double threadCpu() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Rate {
    double wall = 0, cpu = 0;   // tokens per wall second, per thread-CPU second
};
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
        // Steps, the model alone: the LibTorch path.
        auto one = torch::zeros({1}, torch::kLong);
        for (int i = 0; i < 50; ++i) model->step(one, st);
        t0 = Clock::now();
        double c0 = threadCpu();
        for (int i = 0; i < steps; ++i) {
            one.data_ptr<std::int64_t>()[0] = 5 + i % (V - 5);
            model->step(one, st);
        }
        const Rate stepRate{steps / since(t0), steps / (threadCpu() - c0)};
        // The fused step from the same state: AVX2 (where the CPU has it) and plain loops. Fast
        // enough for 10x the steps, so timed over more of them.
        const int fastSteps = steps * 10;
        const auto timeFused = [&](bool simd, double* packMs) {
            pm::kernels::rwkv7StepSetSimdEnabled(simd);
            auto p0 = Clock::now();
            pm::model::Rwkv7FastStep fast(*model);
            pm::kernels::rwkv7StepSetSimdEnabled(true);
            if (packMs) *packMs = 1e3 * since(p0);
            fast.setState(st);
            float sink = 0;
            for (int i = 0; i < 200; ++i) sink += fast.step(5 + i % (V - 5))[0];
            p0 = Clock::now();
            const double cpu0 = threadCpu();
            for (int i = 0; i < fastSteps; ++i) sink += fast.step(5 + i % (V - 5))[0];
            const Rate rate{fastSteps / since(p0), fastSteps / (threadCpu() - cpu0)};
            if (sink == 12345.f) std::printf(" ");   // keeps the loop observable
            return rate;
        };
        // The generator end to end: 60 s of continuation from nothing (4/4, 120 BPM).
        pm::gen::GenerationRequest r;
        r.prompt = pm::gen::metadataPrompt(tokenizer, {4, 4}, 120).tokens;
        r.length = {pm::gen::LengthUnit::Seconds, 60};
        r.allowEarlyEnd = false;
        r.sampling.seed = 1;
        const auto generate = [&](bool fused) {
            pm::model::setFastStepEnabled(fused);
            pm::gen::Generator gen(model, tokenizer);
            const auto g0 = Clock::now();
            const auto res = gen.generate(r)[0];
            const double wall = since(g0);
            pm::model::setFastStepEnabled(true);
            std::printf("    generator, %-8s step: 60 s of music = %zu tokens, %zu notes in %.3f s (prefill %.3f s, "
                        "%.0f tok/s while sampling)\n",
                        fused ? "fused" : "LibTorch", res.generatedTokens, res.generatedNotes, wall, res.prefillSeconds,
                        res.tokensPerSecond());
        };

        double packMs = 0;
        const Rate avx2 = timeFused(true, &packMs), plain = timeFused(false, nullptr);
        std::printf("%-5s %s\n  prefill %.0f tok/s\n"
                    "  fp32 weights (initWeights values), step tok/s as wall | per CPU-second:\n"
                    "    LibTorch %.0f | %.0f;  fused %s %.0f | %.0f (%.1fx);  fused plain %.0f | %.0f;  packing %.1f ms\n",
                    preset, model->config().describe().c_str(), prefill, stepRate.wall, stepRate.cpu,
                    pm::kernels::rwkv7StepSimdAvailable() ? "avx2" : "plain", avx2.wall, avx2.cpu,
                    avx2.cpu / stepRate.cpu, plain.wall, plain.cpu, packMs);
        generate(false);
        generate(true);
        // The same model with every weight rounded to bf16, as official bf16 checkpoints are: the
        // fused step then holds the big matrices as exact bf16 (half the bytes, same numbers).
        {
            torch::NoGradGuard ng;
            for (auto& p : model->parameters()) p.copy_(p.to(torch::kBFloat16).to(torch::kFloat));
        }
        const Rate half = timeFused(true, &packMs);
        std::printf("  bf16-valued weights (as official checkpoints): fused %s %.0f | %.0f tok/s (%.1fx the LibTorch "
                    "step above);  packing %.1f ms\n",
                    pm::kernels::rwkv7StepSimdAvailable() ? "avx2" : "plain", half.wall, half.cpu,
                    half.cpu / stepRate.cpu, packMs);
        generate(true);
    }
    return 0;
}
