// The throughput probe behind planned runs (train/train_plan.h): a throw-away Run of the same
// config takes a few real optimiser steps and times what a run does besides stepping.
#include "train/train_plan.h"
#include "train/train_run.h"

#include "core/platform_file.h"   // processId
#include "model/checkpoint_io.h"
#include "train/train_checkpoint.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace pm::train {

namespace fs = std::filesystem;

namespace detail {

namespace {
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
}  // namespace

bool Run::measure(double probeSeconds, PlanInputs* out, std::string* error) {
    try {
        const std::int64_t validateEvery = cfg_.validateEvery;   // before setUp resolves "the plan's" (-1)
        setUp();
        PlanInputs in;
        for (const TrainWindow& w : train_->windows()) in.tokensPerPass += std::int64_t(w.tokens.size()) - 1;
        in.stepsPerPass = std::int64_t((train_->batchesPerEpoch() + std::size_t(cfg_.gradAccum) - 1) / std::size_t(cfg_.gradAccum));
        in.checkpointInterval = cfg_.checkpointSeconds;
        in.validateEvery = validateEvery;
        in.patience = cfg_.patience;
        in.device = computeDevice_.kind == DeviceKind::Cuda
                        ? "CUDA:" + std::to_string(computeDevice_.index) + " (" + computeDevice_.displayName + ")"
                        : std::string("CPU");

        // One warm-up step pays for allocations, the thread pool and (on a GPU) kernel loading; it
        // is not counted.
        if ((!comm_ && stopRequested()) || trainStep() == StepOutcome::Abandoned) throw std::runtime_error("cancelled");
        const std::int64_t tokens0 = sessionTokens_;
        std::int64_t steps = 0;
        const auto t0 = Clock::now();
        for (;;) {
            if ((!comm_ && stopRequested()) || trainStep() == StepOutcome::Abandoned) throw std::runtime_error("cancelled");
            ++steps;
            const bool more = secondsSince(t0) < probeSeconds && step_ < 1000000;
            // Distributed: ranks step together, so they stop together (any rank's cancel) and rank
            // 0's clock ends the probe on every rank.
            const Agreed agreed = comm_ ? agreeAtBoundary(more) : Agreed{stopRequested(), more};
            if (agreed.stop) throw std::runtime_error("cancelled");
            if (!agreed.rankZero) break;
        }
        const double seconds = secondsSince(t0);
        in.secondsPerStep = seconds / double(steps);
        in.tokensPerSecond = double(sessionTokens_ - tokens0) / seconds;

        // A validation reads up to validationWindows windows in batches: time one batch, scale.
        if (val_->windowCount() > 0) {
            const std::size_t rows = std::size_t(std::max(1, cfg_.batch.batchSize * world_));
            const std::size_t n = cfg_.validationWindows > 0
                                      ? std::min(val_->windowCount(), std::size_t(cfg_.validationWindows))
                                      : val_->windowCount();
            const auto tv = Clock::now();
            evaluateImpl(model_, *val_, valSeconds_, std::int64_t(std::min(rows, n)), cfg_.chunkRows, {}, pool_.get(), threads_,
                         comm_.get());
            in.validationSeconds = secondsSince(tv) * std::ceil(double(n) / double(rows));
        }

        // A checkpoint and a model export, into a temporary folder (the run directory stays untouched).
        static std::atomic<int> counter{0};
        const fs::path tmp = fs::temp_directory_path() / ("pianomuse-probe-" + std::to_string(platform::processId()) + "-" +
                                                          std::to_string(counter.fetch_add(1)));
        fs::create_directories(tmp);
        const auto tc = Clock::now();
        const std::string saved = saveTrainCheckpoint((tmp / "probe.pmckpt").string(), metaJson(), model_, *optim_);
        in.checkpointSeconds = secondsSince(tc);
        const auto te = Clock::now();
        try {
            model::Rwkv7Model copy = exportCopy(model_);
            model::saveModel(copy, (tmp / "probe.safetensors").string(), tokenizerJson_);
        } catch (...) {
            std::error_code ec;
            fs::remove_all(tmp, ec);
            throw;
        }
        // Each new best validation exports model-best: counted with every validation (an upper bound).
        in.validationSeconds += secondsSince(te);
        std::error_code ec;
        fs::remove_all(tmp, ec);
        if (!saved.empty()) throw std::runtime_error(saved);

        // Each checkpoint also generates a sample when the run has a sampler.
        if (cfg_.sampler && val_->windowCount() > 0) {
            const auto& w = val_->windows().front().tokens;
            const std::vector<std::uint16_t> prompt(w.begin(), w.begin() + std::ptrdiff_t(w.size() / 2));
            const auto ts = Clock::now();
            try {
                torch::NoGradGuard ng;
                model::Rwkv7Model copy = exportCopy(model_);
                cfg_.sampler(copy, prompt, tokenizerJson_);
            } catch (const std::exception&) {
                // A failing sampler costs the run a warning; here it costs nothing to plan for.
            }
            in.checkpointSeconds += secondsSince(ts);
        }
        if (comm_) {
            // One plan for all ranks: rank 0's measurements.
            std::vector<double> v{in.secondsPerStep, in.tokensPerSecond, in.validationSeconds, in.checkpointSeconds};
            if (rank_ != 0) std::fill(v.begin(), v.end(), 0.0);
            v = comm_->allReduceSum(v);
            in.secondsPerStep = v[0], in.tokensPerSecond = v[1], in.validationSeconds = v[2], in.checkpointSeconds = v[3];
        }
        *out = in;
        return true;
    } catch (const std::exception& e) {
        const std::string what = e.what();
        if (error) *error = what.substr(0, what.find('\n'));
        return false;
    }
}

}  // namespace detail

bool measureTraining(const TrainConfig& config, double probeSeconds, const std::atomic<bool>* cancel, PlanInputs* out,
                     std::string* error) {
    TrainControl control;
    control.alsoStop = cancel;
    detail::Run probe(config, &control, nullptr, true);
    return probe.measure(probeSeconds, out, error);
}

}  // namespace pm::train
