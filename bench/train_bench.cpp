// Training throughput on the CPU (issue 7): tokens per second of full training steps
// (forward, chunked loss + backward, AdamW) for the tiny (L4-D128) and small (L6-D256) presets,
// batch 8 x 256 tokens, fp32, random tokens from the piano vocabulary. Not a test: run it by hand.
//
//   pianomuse-bench-train [--steps N] [--batch B] [--ctx T] [--vocab V] [--preset NAME ...] [--profile TRACE.json]
//
// One thread (OMP_NUM_THREADS=1) is what each of the trainer's row shards runs (docs/training.md,
// "Threads"). --profile records the timed steps with LibTorch's profiler into a Chrome trace
// (scopes "forward", "loss+backward", "optimizer"); scripts/profile-train.sh sums it by kind.
#include "model/rwkv7_model.h"
#include "train/loss.h"
#include "train/optimizer.h"

#include <ATen/record_function.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include "core/allocator_policy.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {
double processCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
    pm::keepFreedTensorMemory();   // as pianomuse-cli does
    int steps = 6, batch = 8, ctx = 256;
    std::int64_t vocab = 531;   // the piano tokenizer's size
    std::string profile;
    std::vector<std::string> presets;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--steps" && i + 1 < argc) steps = std::atoi(argv[++i]);
        else if (a == "--batch" && i + 1 < argc) batch = std::atoi(argv[++i]);
        else if (a == "--ctx" && i + 1 < argc) ctx = std::atoi(argv[++i]);
        else if (a == "--preset" && i + 1 < argc) presets.push_back(argv[++i]);
        else if (a == "--vocab" && i + 1 < argc) vocab = std::atoll(argv[++i]);
        else if (a == "--profile" && i + 1 < argc) profile = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--steps N] [--batch B] [--ctx T] [--vocab V] [--preset NAME]... [--profile TRACE.json]\n", argv[0]);
            return 1;
        }
    }
    if (presets.empty()) presets = {"tiny", "small"};
    std::printf("threads %d, batch %d x %d tokens, fp32, %d timed steps (after 1 warm-up)\n", at::get_num_threads(), batch, ctx, steps);
    for (const std::string& name : presets) {
        torch::manual_seed(0);
        pm::model::Rwkv7Model m(pm::model::Rwkv7Config::preset(name, vocab));
        m->initWeights(1);
        pm::train::OptimOptions o;
        auto opt = pm::train::makeOptimizer(pm::train::groupParameters(m), o);
        const torch::Tensor tokens = torch::randint(1, vocab, {batch, ctx + 1}, torch::kLong);
        const torch::Tensor in = tokens.narrow(1, 0, ctx).contiguous(), tgt = tokens.narrow(1, 1, ctx).contiguous();
        const torch::Tensor mask = torch::ones({batch, ctx});
        pm::train::LossOptions lo;
        double seconds = 0, cpuSeconds = 0, loss = 0;
        std::unique_ptr<torch::autograd::profiler::RecordProfile> recording;
        for (int s = 0; s <= steps; ++s) {
            if (s == 1 && !profile.empty())
                recording = std::make_unique<torch::autograd::profiler::RecordProfile>(
                    presets.size() > 1 ? name + "-" + profile : profile);
            const auto t0 = std::chrono::steady_clock::now();
            const double c0 = processCpuSeconds();
            opt->zero_grad();
            torch::Tensor h;
            {
                RECORD_USER_SCOPE("forward");
                h = m->forwardHidden(in);
            }
            {
                RECORD_USER_SCOPE("loss+backward");
                loss = pm::train::lossBackward(m, h, tgt, mask, 1.0, lo).mean();
            }
            {
                RECORD_USER_SCOPE("optimizer");
                opt->step();
            }
            const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (s > 0) seconds += dt;
            if (s > 0) cpuSeconds += processCpuSeconds() - c0;
        }
        recording.reset();   // writes the trace
        // Per CPU-second too: on a shared machine another process's work stretches the wall time
        // but hardly the CPU time, so with 1 thread this is close to what an idle core gives.
        std::printf("%-6s %s: %.0f tokens/s (%.3f s/step, loss %.3f; %.0f tokens per CPU-second)\n", name.c_str(),
                    m->config().describe().c_str(), double(steps) * batch * ctx / seconds, seconds / steps, loss,
                    double(steps) * batch * ctx / cpuSeconds);
    }
    return 0;
}
