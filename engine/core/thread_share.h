// How PianoMuse shares the CPU cores between the work that runs at once (one source for the app,
// the CLI and the benchmarks). Header-only and torch-free: the GUI thread includes it.
//
// The generator's fused RNN step (kernels/cpu/rwkv7_step_*) can split its products over a few
// threads (generationThreads), and sampling one token must not wait for a core, or playback
// stutters. Training uses LibTorch's intra-op pool. So while a generation runs, training gives up
// one core of its pool; when the generation ends it takes it back. On a 2-core laptop: training 2
// threads alone, 1 while generating, and the generator 1 thread (2 when nothing trains). The GUI thread needs little and gets no reserved core there (it sleeps
// between events); with more than two cores one is left to it.
#pragma once

#include <algorithm>

namespace pm {

// LibTorch intra-op threads for training when nothing else runs.
inline int defaultIntraOpThreads(int hardwareThreads) {
    return hardwareThreads > 2 ? hardwareThreads - 1 : std::max(1, hardwareThreads);
}

// Training's intra-op threads while a generation runs beside it (the generator takes one core).
inline int trainingThreadsWhileGenerating(int hardwareThreads) {
    return std::max(1, defaultIntraOpThreads(hardwareThreads) - 1);
}

// Threads of the generator's fused step: one while a training runs beside it (it has given the
// generator one core), else up to two (measured on 2 cores: docs/generation.md; the step is bound
// by memory bandwidth, and more threads add a hand-over per product for little more bandwidth).
inline int generationThreads(int hardwareThreads, bool trainingRuns) {
    return trainingRuns ? 1 : std::clamp(hardwareThreads, 1, 2);
}

}  // namespace pm
