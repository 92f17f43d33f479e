// Inside the trainer: one training run's state and steps. Internal to engine/train (trainer.cpp
// runs it, train_probe.cpp measures its speed with the very same step); front ends use trainer.h.
#pragma once

#include "train/trainer.h"
#include "train/train_plan.h"

#include "analysis/originality.h"
#include "core/system_info.h"
#include "dist/communicator.h"
#include "dataset/dataset_format.h"
#include "model/rwkv7_model.h"
#include "train/loss.h"
#include "train/shard_pool.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pm::train::detail {

using Clock = std::chrono::steady_clock;

// Copies a model without its LoRA adapters (merged into the weights) for export; the training
// model is left untouched so training can go on after the export.
model::Rwkv7Model exportCopy(model::Rwkv7Model& src);

// `pool` (optional, CPU) spreads each batch's rows over its threads, `threads` cores in all.
// With `comm` each rank evaluates its share of every batch's rows (the batcher's batch is the
// global one) and the sums are reduced: every rank returns the same, global numbers.
EvalResult evaluateImpl(model::Rwkv7Model& model, const Batcher& validation, double validationSeconds,
                        std::int64_t maxWindows, std::int64_t chunkRows, const std::vector<double>& unigram,
                        ShardPool* pool = nullptr, int threads = 1, dist::Communicator* comm = nullptr);

// The rows of a global batch of `rows` that rank `rank` of `world` trains: [first, end).
inline std::pair<int, int> rankRows(int rows, int rank, int world) {
    return {int(std::int64_t(rank) * rows / world), int(std::int64_t(rank + 1) * rows / world)};
}

// The threads of the calling thread (LibTorch intra-op, OpenBLAS) as they were when it was made,
// put back when it goes: a run changes them for its own steps only.
class ThreadSettingsRestorer {
public:
    ThreadSettingsRestorer();
    ~ThreadSettingsRestorer();
    ThreadSettingsRestorer(const ThreadSettingsRestorer&) = delete;
    ThreadSettingsRestorer& operator=(const ThreadSettingsRestorer&) = delete;

private:
    int intraOp_, blas_;
};

// The device a config asks for, through pm::resolveDevice (auto, cpu, cuda, cuda:N); throws
// std::runtime_error with resolveDevice's line (naming the available devices).
torch::Device resolveTrainDevice(const std::string& spec, ComputeDevice* resolved = nullptr);

class Run {
public:
    // probe: a throw-away run for measureTraining — nothing is written to runDir, no resume.
    Run(const TrainConfig& c, TrainControl* control, const TrainCallback& cb, bool probe = false)
        : cfg_(c), control_(control), cb_(cb), probe_(probe), comm_(c.comm), rank_(comm_ ? comm_->rank() : 0),
          world_(comm_ ? comm_->world() : 1), writer_(!probe && rank_ == 0) {}
    TrainResult go();
    // Loads data and model, runs the probe (train_probe.cpp); the control's stop flags cancel it.
    // False with `error` on failure or cancel.
    bool measure(double probeSeconds, PlanInputs* out, std::string* error);

private:
    enum class StepOutcome { Done, Skipped, Abandoned };
    enum class End { Finished, Stopped, EarlyStopped, TimeLimit };

    void plan();
    void setUp();
    void restoreFromMeta(const nlohmann::json& meta);
    void emit(const TrainEvent& e) {
        if (cb_) cb_(e);
    }
    void metric(const nlohmann::json& j) {
        if (metrics_) {
            metrics_ << j.dump() << '\n';
            metrics_.flush();
        }
    }
    void warn(const std::string& msg);
    bool stopRequested() const { return control_ && control_->stopRequested(); }
    void serviceControls();                 // exportNow and threads, at a step boundary
    // Cores for training from now on (docs/training.md, "Threads"): on a CPU with more than one,
    // each batch's rows are split over a ShardPool, every shard single-threaded.
    void applyThreads(int threads);
    StepOutcome trainStep();
    // The forward and backward passes of a step's micro-batches, rows split over pool_; the
    // gradients are summed shard by shard in a fixed order. False when a stop came (nothing applied).
    bool shardedPasses(const std::vector<Batch>& micro, std::int64_t counted, double* nll);
    std::vector<torch::Tensor> trainableParams() const;
    void validate();
    // Distributed runs (train_dist.cpp). At a step boundary: whether any rank was asked to stop,
    // and whether rank 0 says `rankZeroSays` (its clock decides time limits and the probe's end).
    struct Agreed {
        bool stop = false, rankZero = false;
    };
    Agreed agreeAtBoundary(bool rankZeroSays);
    // Every rank checks it runs the same thing as rank 0 (dataset, options, model, version), then
    // takes rank 0's parameters, so the replicas start equal whatever each one loaded.
    void agreeOnStart();
    // The checkpoint rank 0 has at `pathOnRankZero` ("" = none), readable here: rank 0's own path,
    // or on the other ranks a private copy of its bytes (no shared file system needed). "" = none.
    std::string shareCheckpoint(const std::string& pathOnRankZero);
    // Sums this rank's gradients and `nll` over the ranks (a gradient no rank produced stays unset).
    void reduceGradients(const std::vector<torch::Tensor>& params, double* nll);
    // Every checksumEvery steps: throws dist::DistError when a replica's parameters left rank 0's.
    void checkReplicas();
    std::string checkpoint(bool withSample);   // a sample too, when a sampler is set
    void rollBack();
    void writeSample();
    // describeCopy of a sample's own bars (those after the prompt it was given) against the
    // training pieces; "" when it copies nothing worth a flag or the check cannot run.
    std::string sampleCopy(const std::vector<std::uint16_t>& piece, const std::vector<std::uint16_t>& prompt);
    void exportLatest();
    std::string endMessage(End end) const;
    nlohmann::json metaJson() const;
    double elapsed() const {
        return elapsedBefore_ + std::chrono::duration<double>(Clock::now() - sessionStart_).count() - paused_;
    }

    TrainConfig cfg_;
    TrainControl* control_;
    TrainCallback cb_;
    bool probe_;
    TrainResult result_;

    dataset::DatasetContents data_;
    std::unique_ptr<Batcher> train_, val_;
    std::vector<double> unigram_;
    double valSeconds_ = 0;
    std::string tokenizerJson_;
    model::Rwkv7Config modelCfg_;
    model::Rwkv7Model model_{nullptr};
    std::unique_ptr<torch::optim::AdamW> optim_;
    torch::Device device_{torch::kCPU};
    ComputeDevice computeDevice_;
    bool bf16_ = false;   // bf16 autocast in the forward pass
    LossOptions lossOpts_;
    std::ofstream metrics_;

    std::int64_t step_ = 0, total_ = 0;
    double lrScale_ = 1.0, bestVal_ = 1e300, lastLoss_ = 0;
    // Early stopping (Keras-style): the loss at the last improvement by more than minImprovement
    // and how many validations since then.
    double plateauVal_ = 1e300;
    int sinceImprovement_ = 0;
    std::int64_t bestStep_ = -1;
    double firstVal_ = -1;
    int badInARow_ = 0;
    std::int64_t skipped_ = 0;
    double elapsedBefore_ = 0, paused_ = 0;
    Clock::time_point sessionStart_ = Clock::now(), lastCheckpoint_ = Clock::now();
    std::int64_t sessionTokens_ = 0;
    double trainSeconds_ = 0;   // this session, forward+backward+step only (tokens/s)
    double stepSecondsEma_ = 0;
    std::int64_t lastValidated_ = -1;
    bool fromBase_ = false;
    int appliedThreads_ = 0;   // the TrainControl::threads value last applied
    int threads_ = 1;          // cores the steps use (applyThreads)
    int lastStepThreads_ = 1;  // what the last step ran on (TrainEvent::threads)
    int lastInfillRows_ = 0;   // rows of the last step in the infilling layout (metrics.jsonl "infill_rows")
    ThreadSettingsRestorer restoreThreads_;   // before pool_: the pool's threads end first
    std::unique_ptr<ShardPool> pool_;         // CPU, threads_ > 1
    nlohmann::json planned_;   // the plan's metrics.jsonl record, written once the file is open
    std::shared_ptr<dist::Communicator> comm_;   // distributed runs; null for one process
    int rank_ = 0, world_ = 1;
    bool writer_ = true;        // writes the run folder: rank 0 of a real (not probe) run
    std::vector<std::string> privateFiles_;   // checkpoint copies from rank 0, removed at the end
    // The training pieces' copy index for the samples, opened at the first sample.
    std::optional<analysis::OriginalityIndex> copyIndex_;
    bool copyIndexOpened_ = false;
};

}  // namespace pm::train::detail
