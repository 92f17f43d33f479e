// `pianomuse-cli demo`: the end-to-end pipeline on the bundled demo data, headless.
//
//   system -> device -> blas -> midi-ports -> dataset (bundled demo pieces) -> train (a tiny new
//   model, a few minutes at most) -> generate (a continuation of a validation piece's opening
//   bars) -> midi (the .mid written) -> wav (rendered when a soundfont exists) -> play (asked for)
//
// Each stage reports through a callback so the CLI prints it and tests can inspect it; long
// stages (train, generate) also report progress. Library pianomuse_pipeline: it sits above the
// engine, the generator and playback.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace pm {

struct DemoStageReport {
    std::string stage;     // "system", "device", "blas", "midi-ports", "dataset", "train", ...
    bool ok = true;
    std::string detail;    // one line for the user
    // Progress inside a long stage (train, generate): not a result line. done of total units.
    bool progress = false;
    std::size_t done = 0, total = 0;
    int threads = 0;       // train progress: the CPU threads that step ran on (TrainEvent::threads)
};

struct DemoOptions {
    std::string device = "auto";
    bool measureBlas = true;   // run the short matrix-product benchmark
    std::string workDir;       // dataset/, run/, demo-continuation.mid; "" = a temp folder

    // Training: a new model of `preset`, at most trainSteps optimiser steps and at most
    // trainMinutes of wall time (0 = no time limit), whichever comes first.
    std::string preset = "tiny";
    std::int64_t trainSteps = 300;   // ~4 min for tiny on 2 CPU cores; a GPU is done sooner
    double trainMinutes = 4.0;
    int contextLength = 256;
    int batchSize = 8;

    // Generation: the first promptBars bars of a validation piece, continued by generateBars.
    int promptBars = 4;
    int generateBars = 8;
    std::uint64_t seed = 1;
    double temperature = 0.9;
    std::string output;        // the .mid; "" = workDir/demo-continuation.mid

    bool renderWav = true;     // also OUTPUT.wav when a soundfont exists
    std::string soundFont;     // "" = findSoundFont()
    bool play = false;         // play the piece when done (built-in piano, or `port`)
    std::string port;          // MIDI output port for play; "" = built-in piano

    // Set from another thread to stop the demo: training ends at the next micro-batch (its
    // model is written), then the demo ends without generating; generation and playback end at once.
    const std::atomic<bool>* cancel = nullptr;
    // Optional, set from another thread: the training stage's intra-op thread count (0 leaves it
    // alone), applied from the next step on. The app's core sharing (engine/core/thread_share.h)
    // gives a generation running beside the demo its core this way, as it does for a training run.
    const std::atomic<int>* trainingThreads = nullptr;
};

struct DemoResult {
    bool ok = false;
    std::string datasetDir;
    std::string modelPath;      // the trained model (.safetensors)
    std::string promptPath;     // the demo piece whose opening was continued
    std::string midiPath;       // the written continuation (prompt bars + new bars)
    std::string wavPath;        // "" when not rendered
    double promptSeconds = 0;   // where the continuation starts in midiPath
    double trainSeconds = 0, generateSeconds = 0, totalSeconds = 0;
    std::string error;          // the first failed stage's line ("" when ok)
};

// Runs every stage this build has; returns false if any stage failed.
bool runDemo(const DemoOptions& options, const std::function<void(const DemoStageReport&)>& report,
             DemoResult* result = nullptr);

}  // namespace pm
