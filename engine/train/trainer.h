// The trainer (issue 7): fine-tunes or trains an RWKV-7 model on a dataset directory and reports
// progress as plain structs through a callback, for the CLI and the app alike.
//
//   pm::train::TrainConfig cfg;  cfg.datasetDir = ...;  cfg.runDir = ...;
//   pm::train::TrainControl control;                   // another thread may set stop / pause
//   TrainResult r = pm::train::runTraining(cfg, &control, [](const TrainEvent& e) { ... });
//
// Neither steps nor epochs (the default) plans the run from the data and this machine first: a
// short throughput probe, then passes over the data within a time budget, validation with early
// stopping (train/train_plan.h). The one place that turns a user's choices into a config is
// makeTrainConfig (train/train_defaults.h).
//
// The run directory holds metrics.jsonl (one JSON object per logged step, validation, event),
// checkpoints/ckpt-<step>.pmckpt (keep-last-K) and best.pmckpt, model-final.safetensors and
// model-best.safetensors (and model-latest.safetensors when TrainControl::exportNow asked for it).
// Resume (cfg.resume) continues from the newest checkpoint exactly: the batches, learning rates,
// optimiser moments and early-stopping state are those the uninterrupted run would have had; the
// checkpoint's schedule (steps, rates, validation interval, patience) wins over the config's.
#pragma once

#include "dataset/dataset_format.h"
#include "model/rwkv7_config.h"
#include "train/batcher.h"
#include "train/train_options.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

// No LibTorch here (the app includes this next to Qt): the model is only named.
namespace pm::model {
class Rwkv7Model;
}
namespace pm::dist {
class Communicator;   // engine/dist/communicator.h
}

namespace pm::train {

enum class Method : std::uint8_t { Full, Lora, State };
const char* methodName(Method m);                        // "full", "lora", "state"
bool parseMethod(const std::string& s, Method* out);

struct TrainConfig {
    std::string datasetDir;
    std::string runDir;
    std::string baseModel;          // .safetensors/.pth; empty = a new model from `preset`
    std::string preset = "tiny";
    bool deepEmbed = false;         // new models only: RWKV-8 "Heron" DeepEmbed
    model::Rwkv7Config customModel; // new models: this shape instead of the preset when nEmbd > 0
                                    // (vocabSize is taken from the dataset)
    Method method = Method::Full;
    int loraRank = 16;
    double loraAlpha = 32;

    BatcherOptions batch;           // ctxLen, batchSize, seed, augmentation, loss mode
    int gradAccum = 1;              // micro-batches per optimiser step
    // Optimiser steps, or passes over the training windows (epochs wins when > 0). Both 0: the
    // run is planned first (probe + plan; a Planned event before Started).
    std::int64_t steps = 0;
    std::int64_t epochs = 0;
    PlanOptions plan;               // the planned run's target passes and time budget
    OptimOptions optim;             // totalSteps is set from steps/epochs
    int l2wrap = -1;                // 1 on, 0 off, -1 = on when training from scratch
    std::int64_t chunkRows = 2048;

    std::int64_t validateEvery = -1;      // steps; 0 = only at the end; -1 = the plan's (planned runs), else 100
    bool validateAtStart = false;         // also before the first step (the starting model's loss)
    std::int64_t validationWindows = 64;  // at most this many validation windows per evaluation
    // Early stopping: stop after `patience` validations in a row that did not lower the best
    // validation loss by more than minImprovement nats/token (0 = never stop early).
    int patience = 0;
    double minImprovement = 1e-3;
    double timeLimitSeconds = 0;          // stop at the next step after this much training time (0 = none)
    double checkpointSeconds = 60;        // at least this often (and on stop / at the end)
    std::int64_t checkpointEvery = 0;     // also every N steps (0 = off)
    int keepLast = 3;
    int maxBadSteps = 3;                  // consecutive non-finite steps before a rollback
    std::string device = "auto";          // auto, cpu, cuda, cuda:N (pm::resolveDevice)
    std::string precision = "auto";       // auto (bf16 autocast on CUDA sm80+, else fp32), fp32, bf16
    bool resume = false;
    std::string resumeFrom;               // a checkpoint file; empty = newest in runDir
    std::string exportPath;               // final model; empty = runDir/model-final.safetensors

    // Distributed data parallel (issue 16; docs/distributed.md): the run's processes, or null for
    // one. batch.batchSize is then per process: every rank draws the same global batch of
    // world x batchSize windows (as one process with that batch would) and trains rows
    // [rank x batchSize, (rank+1) x batchSize); gradients are summed over the ranks, already
    // divided by the global count of counted tokens. Rank 0 alone writes the run folder.
    std::shared_ptr<dist::Communicator> comm;
    std::int64_t checksumEvery = 50;      // steps between parameter checksums across ranks (0 = off)

    // Fault injection for tests: called after each micro-batch's backward, before the finiteness
    // check (e.g. to poison a gradient).
    std::function<void(std::int64_t step, model::Rwkv7Model& model)> afterBackward;
    // Called after each micro-batch's forward pass, before the trainer looks at the stop flag
    // (tests: a Stop that arrives during a forward).
    std::function<void(std::int64_t step, model::Rwkv7Model& model)> afterForward;
    // Continuation of a validation prompt for the per-checkpoint sample; unset = no samples.
    // Gets a CPU copy of the model (LoRA merged), the opening half of a validation window and
    // the dataset's tokenizer config (JSON text); returns the whole piece to save (its own prompt + continuation). pm::gen::trainingSampler
    // (engine/generate/training_sampler.h) is the real one.
    std::function<std::vector<std::uint16_t>(model::Rwkv7Model& model, const std::vector<std::uint16_t>& window,
                                             const std::string& tokenizerJson)>
        sampler;
};

struct TrainEvent {
    // Planned: before Started, message = describePlan, totalSteps = planned steps, eta = estimated
    // seconds. Exported: model-latest.safetensors written on request (path).
    enum class Kind : std::uint8_t { Started, Step, Validation, Checkpoint, Sample, Warning, Resumed, Finished, Planned, Exported };
    Kind kind = Kind::Step;
    std::int64_t step = 0, totalSteps = 0;
    std::uint64_t epoch = 0;
    double loss = 0, lr = 0, tokensPerSec = 0, elapsed = 0, eta = 0;
    int threads = 0;       // Step: the CPU threads the step ran on (rows split over them; docs/training.md)
    double valLoss = 0, valBitsPerNote = 0, valBitsPerSecond = 0;
    bool best = false;
    std::string path;      // checkpoint / sample / exported model
    std::string message;   // warnings, summaries
    // Sample: "bars 5–8 copy X.mid bars 12–15, transposed +2" when the bars the model wrote copy a
    // training piece beyond the flag policy (pm::analysis::describeCopy), else "".
    std::string copy;
};

// Set from any thread. Stop is polled before every micro-batch and again after each forward
// pass: a stop that arrives during a forward abandons the unfinished step before its backward
// (the data position goes back so a resume replays it), so Stop waits for at most one backward.
struct TrainControl {
    std::atomic<bool> stop{false};
    std::atomic<bool> pause{false};
    // At the next step boundary (also while paused) the weights as they are (LoRA merged) are
    // written atomically to runDir/model-latest.safetensors, the flag is cleared and an Exported
    // event follows.
    std::atomic<bool> exportNow{false};
    // CPU cores for training: 0 = the trainer thread's LibTorch intra-op threads when the run
    // starts (all cores by default); n > 0 applies from the next step (the app lowers training to
    // 1 core while a generation runs). On a CPU with n > 1 each batch's rows are split over n
    // threads that run single-threaded (OpenBLAS at 1); with 1 the trainer's own thread does it
    // all. The threads it changes are put back when the run ends. docs/training.md, "Threads".
    std::atomic<int> threads{0};
    // A second stop flag owned by someone else (the app's shared cancel), polled the same way.
    const std::atomic<bool>* alsoStop = nullptr;
    bool stopRequested() const { return stop.load() || (alsoStop && alsoStop->load()); }
};

struct TrainResult {
    bool ok = false;
    bool stopped = false;          // stop requested before the last step
    bool earlyStopped = false;     // validation stopped improving (patience)
    bool timeLimited = false;      // timeLimitSeconds reached
    std::int64_t step = 0;
    double lastLoss = 0;
    std::int64_t bestStep = -1;    // step of the best validation (-1: none)
    double bestValLoss = 0, firstValLoss = 0;   // nats/token; 0 when there was no validation
    std::string error;             // one line when !ok
    std::string finalModel, bestModel, lastCheckpoint;
};

using TrainCallback = std::function<void(const TrainEvent&)>;

// Never throws: failures come back in TrainResult::error (OOM with a suggestion; an unavailable
// device names the available ones). The Finished event's message says why the run ended.
TrainResult runTraining(const TrainConfig& config, TrainControl* control, const TrainCallback& callback);

// What TrainControl::threads does before a step, for callers that want it now: the calling
// thread's LibTorch intra-op threads (at::set_num_threads; with OpenMP that is the calling thread's
// team size) and OpenBLAS's own pool (process-wide; at::set_num_threads leaves it alone, measured
// in docs/training.md, "Threads"). threads <= 0 does nothing.
void setTrainingThreads(int threads);

// The newest ckpt-*.pmckpt in runDir/checkpoints, or "".
std::string latestCheckpoint(const std::string& runDir);

// Validation numbers of a model on a dataset's validation split (eval command, tests).
struct EvalResult {
    double loss = 0, bitsPerNote = 0, bitsPerSecond = 0, unigramBitsPerNote = 0;
    std::int64_t tokens = 0, notes = 0;
};
// The unigram baseline is add-one smoothed token frequencies of `train`'s targets; bits per
// second use the validation pieces' durations from the manifest. maxWindows 0 = all.
EvalResult evaluateWithBaseline(model::Rwkv7Model& model, const Batcher& train, const Batcher& validation,
                                const dataset::DatasetContents& data, std::int64_t maxWindows, std::int64_t chunkRows);

}  // namespace pm::train
