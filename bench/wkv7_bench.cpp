// WKV7 on the CPU: our operator (kernels/ twin + autograd binding) against the naive
// per-timestep LibTorch implementation with autograd, same shapes, same run; forward alone
// (inference: no checkpoints), training forward, and forward+backward; 1 and 2 threads.
//
//   pianomuse-bench-wkv7 [--reps N] [--naive-reps N] [--no-naive] [--shapes 0,1,2] [--threads 1,2]
//
// GFLOP/s use the flop convention in kernels/include/pianomuse/kernels/wkv7.h (forward 9N²,
// backward 26N² per (b, t, h)). Compare with ggml's CPU WKV7 forward in the same minute
// (../shared/anchors/ggml/run.sh N H T B THREADS; see docs/kernels.md, "WKV7 on the CPU"):
// shapes 0 and 1 are its two anchor shapes. Times: min and median over --reps calls.
#include "ops/wkv7_op.h"

#include "pianomuse/kernels/wkv7.h"

#include <torch/torch.h>

#include <algorithm>
#include "core/allocator_policy.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <ctime>
#include <vector>

namespace {

using torch::Tensor;

struct Shape {
    int64_t B, T, H, N;
    const char* note;
};

struct Inputs {
    Tensor r, z, k, v, a, b;   // (B, T, H, N) fp32
};

Inputs makeInputs(const Shape& s) {
    torch::manual_seed(1);
    const auto rnd = [&] { return torch::randn({s.B, s.T, s.H, s.N}); };
    Inputs in{rnd(), rnd(), rnd(), rnd(), Tensor(), Tensor()};
    Tensor kk = rnd();
    kk = kk / kk.norm(2, -1, true);
    in.a = -kk;
    in.b = kk * torch::sigmoid(rnd());
    return in;
}

// CPU time of the calling thread: with one intra-op thread the work runs on it, so this is the
// compute time even when other processes share the cores (wall time then includes waiting).
double threadCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

double gLastCpuMs = 0;   // median thread CPU time of the last medianMs call
double gLastMinMs = 0;   // fastest wall time of the last medianMs call

double medianMs(const std::function<void()>& fn, int reps) {
    fn();   // warm-up
    std::vector<double> ms, cpu;
    for (int i = 0; i < reps; ++i) {
        const double c0 = threadCpuMs();
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        cpu.push_back(threadCpuMs() - c0);
    }
    if (std::getenv("PM_BENCH_VERBOSE")) {   // every call's time, in order (to see bimodal runs)
        for (double x : ms) std::fprintf(stderr, "%.2f ", x);
        std::fprintf(stderr, "\n");
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    gLastCpuMs = cpu[cpu.size() / 2];
    gLastMinMs = ms.front();
    return ms[ms.size() / 2];
}

using Op = pm::ops::Wkv7Result (*)(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                   const Tensor&, const Tensor&);

double fwdBwdMs(Op op, const Inputs& in, const Tensor& dy, int reps) {
    return medianMs(
        [&] {
            std::vector<Tensor> x;
            for (const Tensor* t : {&in.r, &in.z, &in.k, &in.v, &in.a, &in.b}) x.push_back(t->detach().requires_grad_(true));
            auto res = op(x[0], x[1], x[2], x[3], x[4], x[5], Tensor());
            res.y.backward(dy);
        },
        reps);
}

// The kernels alone (1 thread, buffers allocated once): training forward (checkpoints, sa) + backward.
// The difference to the op's f+b is what the op and the allocator add (fresh tensors every call).
double kernelFwdBwdMs(const Inputs& in, const Tensor& dyT, int reps) {
    namespace K = pm::kernels;
    const K::Wkv7Shape s{in.r.size(0), in.r.size(1), in.r.size(2), in.r.size(3)};
    const size_t n = size_t(in.r.numel()), ns = size_t(s.B * s.H * s.N * s.N);
    std::vector<float> y(n), sa(n), sT(ns), ck(size_t(s.B * s.H * K::wkv7CheckpointCount(s)) * size_t(s.N * s.N));
    std::vector<float> g[6];
    for (auto& x : g) x.resize(n);
    const float *r = in.r.data_ptr<float>(), *z = in.z.data_ptr<float>(), *k = in.k.data_ptr<float>(),
                *v = in.v.data_ptr<float>(), *a = in.a.data_ptr<float>(), *b = in.b.data_ptr<float>(),
                *dy = dyT.data_ptr<float>();
    return medianMs(
        [&] {
            K::wkv7ForwardCpu(s, r, z, k, v, a, b, nullptr, y.data(), sT.data(), ck.data(), {}, sa.data());
            K::wkv7BackwardCpu(s, r, z, k, v, a, b, ck.data(), dy, nullptr,
                               {g[0].data(), g[1].data(), g[2].data(), g[3].data(), g[4].data(), g[5].data(), nullptr},
                               {}, sa.data());
        },
        reps);
}

}  // namespace

int main(int argc, char** argv) {
    pm::keepFreedTensorMemory();   // as pianomuse-cli does
    int reps = 20, naiveReps = 3;
    bool naive = true;
    std::string shapeList = "0,1,2", threadList = "1,2";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--naive-reps") && i + 1 < argc) naiveReps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-naive")) naive = false;
        else if (!std::strcmp(argv[i], "--shapes") && i + 1 < argc) shapeList = argv[++i];
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threadList = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--reps N] [--naive-reps N] [--no-naive] [--shapes 0,1,2] [--threads 1,2]\n",
                         argv[0]);
            return 1;
        }
    }
    const Shape shapes[] = {
        {1, 512, 4, 64, "ggml anchor shape (run.sh 64 4 512 1 THREADS)"},
        {4, 1024, 8, 64, "ggml anchor shape (run.sh 64 8 1024 4 THREADS)"},
        {8, 256, 2, 64, "issue 7 tiny-model layer (B8 x T256, C128)"},
    };
    std::printf("Times are wall clock, min and median of the reps; 'cpu' = median thread CPU time (meaningful with 1\n"
                "thread); fwd = inference forward, fwdtr = training forward (checkpoints, sa), f+b = fwdtr + backward;\n"
                "kfb = the kernels' f+b alone (1 thread, buffers allocated once, no LibTorch).\n");
    std::printf("%-16s %3s | %8s %8s %8s %8s %8s | %8s %8s %8s %8s | %8s %8s | %9s %7s | %s\n", "B,T,H,N", "thr",
                "fwd min", "fwd med", "cpu ms", "GF/s", "fwdtr ms", "f+b min", "f+b med", "cpu ms", "GF/s", "kfb min",
                "kfb med", "naive f+b", "speedup", "note");
    const auto inList = [](const std::string& list, int x) {
        return ("," + list + ",").find("," + std::to_string(x) + ",") != std::string::npos;
    };
    for (int si = 0; si < 3; ++si) {
        if (!inList(shapeList, si)) continue;
        const Shape& s = shapes[si];
        const Inputs in = makeInputs(s);
        const Tensor dy = torch::randn({s.B, s.T, s.H, s.N});
        const double steps = double(s.B * s.T * s.H);
        const double fwdFlops = steps * pm::kernels::wkv7ForwardFlopsPerStep(s.N);
        const double bwdFlops = steps * pm::kernels::wkv7BackwardFlopsPerStep(s.N);
        for (int threads : {1, 2}) {
            if (!inList(threadList, threads)) continue;
            torch::set_num_threads(threads);
            double fwdCpu = 0, fbCpu = 0;
            const double fwd = medianMs(
                [&] {
                    torch::NoGradGuard ng;
                    pm::ops::wkv7(in.r, in.z, in.k, in.v, in.a, in.b);
                },
                reps);
            fwdCpu = gLastCpuMs;
            const double fwdMin = gLastMinMs;
            // Training forward: saves the 16-step checkpoints for the backward.
            const double fwdTrain = medianMs(
                [&] {
                    Tensor r = in.r.detach().requires_grad_(true);
                    pm::ops::wkv7(r, in.z, in.k, in.v, in.a, in.b);
                },
                reps);
            const double fb = fwdBwdMs(&pm::ops::wkv7, in, dy, reps);
            fbCpu = gLastCpuMs;
            const double fbMin = gLastMinMs;
            double kfbMin = 0, kfb = 0;
            if (threads == 1) {
                kfb = kernelFwdBwdMs(in, dy, reps);
                kfbMin = gLastMinMs;
            }
            const double nfb = naive ? fwdBwdMs(&pm::ops::wkv7Naive, in, dy, naiveReps) : 0.0;
            char shape[32];
            std::snprintf(shape, sizeof shape, "%lld,%lld,%lld,%lld", (long long)s.B, (long long)s.T, (long long)s.H,
                          (long long)s.N);
            // GF/s from the CPU time with one thread, from wall time with two.
            const double fwdT = threads == 1 ? fwdCpu : fwd, fbT = threads == 1 ? fbCpu : fb;
            std::printf("%-16s %3d | %8.3f %8.3f %8.3f %8.1f %8.3f | %8.3f %8.3f %8.3f %8.1f | %8.3f %8.3f | %9.1f %6.0fx | %s\n",
                        shape, threads, fwdMin, fwd, fwdCpu, fwdFlops / fwdT / 1e6, fwdTrain, fbMin, fb, fbCpu,
                        (fwdFlops + bwdFlops) / fbT / 1e6, kfbMin, kfb, nfb, naive ? nfb / fb : 0.0, s.note);
            std::fflush(stdout);
        }
    }
    return 0;
}
