// Generation speed on the CPU, batch 1: prefill (sequence mode) and RNN-mode steps for the tiny
// (L4-D128), small (L6-D256) and base (L12-D512) presets with random weights, the LibTorch step
// (Rwkv7ModelImpl::step) next to the fused CPU step (Rwkv7FastStep: AVX2 and plain loops; fp32,
// bf16-valued, bf16-rounded and int8 weights; 1 and 2 threads), plus the whole generator
// (sampling, grammar, streaming decoder) on 60 s of music and on 8 bars. Each fused rate is timed
// --repeats times for about --seconds each; min and median are printed. Not a test: run it by hand.
//
//   pianomuse-bench-generate [--threads N] [--steps N] [--presets tiny,small,base] [--repeats R]
//                            [--seconds S] [--model FILE.safetensors]
#include "generate/generator.h"
#include "generate/prompt.h"
#include "model/checkpoint_io.h"
#include "model/rwkv7_fast_step.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <string>
#include <algorithm>
#include <sstream>
#include <vector>

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
    int threads = 1, steps = 2000, repeats = 3;
    double seconds = 1.0;
    std::string presets = "tiny,small,base", modelFile;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--presets")) presets = argv[i + 1];
        if (!std::strcmp(argv[i], "--repeats")) repeats = std::max(1, std::atoi(argv[i + 1]));
        if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
        if (!std::strcmp(argv[i], "--model")) modelFile = argv[i + 1];
    }
    torch::set_num_threads(threads);
    torch::InferenceMode guard;
    pm::tok::Tokenizer tokenizer;
    const auto V = std::int64_t(tokenizer.vocabulary().size());
    std::printf("torch threads %d, vocabulary %lld, %d repeats of ~%.1f s per fused rate (min / median tok/s)\n",
                threads, static_cast<long long>(V), repeats, seconds);
    using pm::model::FastStepWeights;
    std::vector<std::string> names;
    {
        std::stringstream ss(presets);
        for (std::string n; std::getline(ss, n, ',');)
            if (!n.empty()) names.push_back(n);
    }
    if (!modelFile.empty()) names = {"file"};
    for (const std::string& preset : names) {
        pm::model::Rwkv7Model model = modelFile.empty()
                                          ? pm::model::Rwkv7Model(pm::model::Rwkv7Config::preset(preset, V))
                                          : pm::model::loadModel(modelFile).model;
        if (modelFile.empty()) model->initWeights(1);
        model->eval();
        const std::int64_t MV = model->config().vocabSize;
        // Prefill: 512 tokens in one sequence-mode call.
        auto tokens = torch::randint(5, MV, {1, 512}, torch::kLong);
        pm::model::Rwkv7State st = model->initialState(1);
        model->forwardHidden(tokens.slice(1, 0, 64), &st);   // warm-up
        st = model->initialState(1);
        auto t0 = Clock::now();
        model->forwardHidden(tokens, &st);
        const double prefill = 512 / since(t0);
        // Steps, the model alone: the LibTorch path (fewer steps for the bigger presets).
        auto one = torch::zeros({1}, torch::kLong);
        const int torchSteps = model->config().nEmbd >= 512 ? steps / 10 : steps;
        for (int i = 0; i < 20; ++i) model->step(one, st);
        t0 = Clock::now();
        double c0 = threadCpu();
        for (int i = 0; i < torchSteps; ++i) {
            one.data_ptr<std::int64_t>()[0] = 5 + i % (MV - 5);
            model->step(one, st);
        }
        const Rate stepRate{torchSteps / since(t0), torchSteps / (threadCpu() - c0)};
        std::printf("%-5s %s\n  prefill %.0f tok/s;  LibTorch step %.0f tok/s (wall) | %.0f (per CPU-second)\n",
                    preset.c_str(), model->config().describe().c_str(), prefill, stepRate.wall, stepRate.cpu);
        // The fused step from the same state: timed for ~`seconds`, `repeats` times.
        const auto timeFused = [&](bool simd, FastStepWeights mode, int nThreads, const char* label) {
            pm::kernels::rwkv7StepSetSimdEnabled(simd);
            auto p0 = Clock::now();
            pm::model::FastStepOptions fo;
            fo.weights = mode;
            fo.threads = nThreads;
            pm::model::Rwkv7FastStep fast(*model, true, fo);
            pm::kernels::rwkv7StepSetSimdEnabled(true);
            const double packMs = 1e3 * since(p0);
            fast.setState(st);
            float sink = 0;
            for (int i = 0; i < 50; ++i) sink += fast.step(5 + i % (MV - 5))[0];
            // Steps per repeat from a short probe, so each repeat lasts about `seconds`.
            p0 = Clock::now();
            int probe = 0;
            while (since(p0) < 0.1) sink += fast.step(5 + (probe++) % (MV - 5))[0];
            const int n = std::max(20, int(probe / since(p0) * seconds));
            std::vector<double> wall, cpu;
            for (int rep = 0; rep < repeats; ++rep) {
                p0 = Clock::now();
                const double cpu0 = threadCpu();
                for (int i = 0; i < n; ++i) sink += fast.step(5 + i % (MV - 5))[0];
                wall.push_back(n / since(p0));
                cpu.push_back(n / (threadCpu() - cpu0));
            }
            std::sort(wall.begin(), wall.end());
            std::sort(cpu.begin(), cpu.end());
            if (sink == 12345.f) std::printf(" ");   // keeps the loop observable
            // scripts/bench-all.sh parses these lines ("preset mode path NT: min / median tok/s (...)")
            // and the generator lines below into its table: keep their shape.
            std::printf("    %-5s %-11s %s %dT: %5.0f / %5.0f tok/s  (calling thread's CPU: median %.0f tok/CPU-s; %.1f "
                        "MB of matrices; packing %.0f ms)\n",
                        preset.c_str(), label, fast.usesSimd() ? "avx2 " : "plain", fast.threads(), wall.front(),
                        wall[wall.size() / 2], cpu[cpu.size() / 2], fast.matrixBytes() / 1e6, packMs);
        };
        // The generator end to end: 60 s of continuation, and 8 bars, from nothing (4/4, 120 BPM).
        const auto generate = [&](bool fused, pm::gen::WeightMode wm, int nThreads, pm::gen::GenerationLength len) {
            pm::gen::GenerationRequest r;
            r.prompt = pm::gen::metadataPrompt(tokenizer, {4, 4}, 120).tokens;
            r.length = len;
            r.allowEarlyEnd = false;
            r.sampling.seed = 1;
            r.weights = wm;
            r.stepThreads = nThreads;
            pm::model::setFastStepEnabled(fused);
            pm::gen::Generator gen(model, tokenizer);
            const auto g0 = Clock::now();
            const auto res = gen.generate(r)[0];
            const double wall = since(g0);
            pm::model::setFastStepEnabled(true);
            std::printf("    generator, %-40s: %.0f %s = %zu tokens, %zu notes in %.3f s (prefill %.3f s, %.0f tok/s "
                        "while sampling)\n",
                        res.step.c_str(), len.amount, len.unit == pm::gen::LengthUnit::Bars ? "bars" : "s of music",
                        res.generatedTokens, res.generatedNotes, wall, res.prefillSeconds, res.tokensPerSecond());
        };
        const bool big = model->config().nEmbd >= 512;
        timeFused(true, FastStepWeights::Exact, 1, "fp32/exact");
        if (!big) timeFused(false, FastStepWeights::Exact, 1, "fp32/exact");
        timeFused(true, FastStepWeights::Exact, 2, "fp32/exact");
        timeFused(true, FastStepWeights::Bf16, 1, "bf16-round");
        timeFused(true, FastStepWeights::Bf16, 2, "bf16-round");
        timeFused(true, FastStepWeights::Int8, 1, "int8");
        if (!big) timeFused(false, FastStepWeights::Int8, 1, "int8");
        timeFused(true, FastStepWeights::Int8, 2, "int8");
        if (!big) generate(false, pm::gen::WeightMode::Fp32, 1, {pm::gen::LengthUnit::Seconds, 60});
        for (const auto wm : {pm::gen::WeightMode::Fp32, pm::gen::WeightMode::Int8})
            for (const int nt : {1, 2})
                if (!big || (wm == pm::gen::WeightMode::Int8 && nt == 2))   // base fp32: ~40 s per run
                    generate(true, wm, nt, {pm::gen::LengthUnit::Seconds, 60});
        for (const auto wm : {pm::gen::WeightMode::Fp32, pm::gen::WeightMode::Int8})
            generate(true, wm, 2, {pm::gen::LengthUnit::Bars, 8});
        if (!modelFile.empty()) continue;
        // The same model with every weight rounded to bf16, as official bf16 checkpoints are: the
        // fused step then holds the big matrices as exact bf16 (half the bytes, same numbers).
        {
            torch::NoGradGuard ng;
            for (auto& p : model->parameters()) p.copy_(p.to(torch::kBFloat16).to(torch::kFloat));
        }
        std::printf("  bf16-valued weights (as official checkpoints and the shipped model):\n");
        timeFused(true, FastStepWeights::Exact, 1, "bf16-exact");
        timeFused(true, FastStepWeights::Exact, 2, "bf16-exact");
        timeFused(true, FastStepWeights::Int8, 1, "int8");
        timeFused(true, FastStepWeights::Int8, 2, "int8");
    }
    return 0;
}
