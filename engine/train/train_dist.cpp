// The trainer's distributed steps (issue 16; docs/distributed.md): what a rank of a data-parallel
// run does beyond one process's run. Every decision that changes what the ranks do next (stop,
// time limit, roll back, the plan) is taken together, so ranks never wait in different places.
#include "train/train_run.h"

#include "core/platform_file.h"   // processId
#include "core/version.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace pm::train::detail {

namespace fs = std::filesystem;
using torch::Tensor;

Run::Agreed Run::agreeAtBoundary(bool rankZeroSays) {
    const std::vector<double> v = comm_->allReduceSum({stopRequested() ? 1.0 : 0.0, rank_ == 0 && rankZeroSays ? 1.0 : 0.0});
    return {v[0] > 0, v[1] > 0};
}

namespace {

// FNV-1a: a short, stable fingerprint for the messages (the values compared are the full texts).
std::string fingerprint(const std::string& text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// Parameters in a fixed order, summed in float64 on one thread: the same bits on every rank
// whose replica holds the same bits (LibTorch's own sum may split over threads).
std::pair<double, double> checksum(const std::vector<Tensor>& params) {
    double sum = 0, weighted = 0;
    std::size_t index = 0;
    for (const Tensor& p : params) {
        const Tensor c = p.detach().to(torch::kCPU, torch::kFloat).contiguous();
        const float* x = c.data_ptr<float>();
        for (std::int64_t i = 0; i < c.numel(); ++i, ++index) {
            sum += double(x[i]);
            weighted += double(x[i]) * double(index % 1021 + 1);   // a swap of two values shows too
        }
    }
    return {sum, weighted};
}

std::vector<Tensor> allParameters(model::Rwkv7Model& m) {
    std::vector<Tensor> out;
    for (const auto& item : m->named_parameters(true)) out.push_back(item.value());
    for (const auto& item : m->named_buffers(true)) out.push_back(item.value());
    return out;
}

}  // namespace

void Run::agreeOnStart() {
    // What must be the same on every rank for the run to mean anything. Paths may differ between
    // hosts; the data and options may not.
    const std::string dataset = data_.manifest.tokensChecksum.substr(0, 16) + ", " + std::to_string(data_.pieces.size()) + " pieces, " +
                                std::to_string(train_->windowCount()) + "+" + std::to_string(val_->windowCount()) + " windows";
    nlohmann::json options = metaJson();
    for (const char* k : {"step", "epoch", "cursor", "elapsed", "best_val", "plateau_val", "since_improvement", "best_step", "first_val",
                          "bad_in_a_row", "skipped", "lr_scale", "model", "tokenizer"})
        options.erase(k);
    options["validation_windows"] = cfg_.validationWindows;
    options["checksum_every"] = cfg_.checksumEvery;
    options["precision"] = bf16_ ? "bf16" : "fp32";
    options["device"] = device_.is_cuda() ? "cuda" : "cpu";
    options["l2wrap"] = lossOpts_.l2wrapCoef;
    options["chunk_rows"] = cfg_.chunkRows;
    options["augment"] = cfg_.batch.augment;
    options["checkpoint_every"] = cfg_.checkpointEvery;
    options["max_bad_steps"] = cfg_.maxBadSteps;
    const std::vector<Tensor> params = allParameters(model_);
    const auto [sum, weighted] = checksum(params);
    char model[64];
    std::snprintf(model, sizeof model, "%.17g/%.17g", sum, weighted);
    // Resumed runs load rank 0's checkpoint on every rank; otherwise each loaded or initialised
    // its own model, and a different base model file is a different run.
    comm_->agree({{"PianoMuse version", kVersion},
                  {"dataset", dataset},
                  {"model shape", modelCfg_.describe()},
                  {"configuration", "options " + fingerprint(options.dump())},
                  {"starting model", std::string("parameters ") + fingerprint(model)},
                  {"world size", std::to_string(world_)}});
    // Equal by now, but rank 0's values make "equal" exact (initialisation on another CPU, a
    // LibTorch build with other kernels).
    comm_->broadcast(params, 0);
}

std::string Run::shareCheckpoint(const std::string& pathOnRankZero) {
    std::vector<std::uint8_t> bytes;
    std::string error;
    if (rank_ == 0 && !pathOnRankZero.empty()) {
        std::ifstream in(pathOnRankZero, std::ios::binary);
        if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in && !in.eof()) error = "cannot read " + pathOnRankZero;
    }
    // Sent even when empty: the others learn there is none (and everybody goes on together).
    bytes = comm_->broadcastBytes(bytes);
    if (rank_ == 0) return bytes.empty() ? std::string() : pathOnRankZero;
    if (bytes.empty()) return "";
    const fs::path path = fs::temp_directory_path() / ("pianomuse-rank" + std::to_string(rank_) + "-" +
                                                       std::to_string(platform::processId()) + "-" +
                                                       std::to_string(privateFiles_.size()) + ".pmckpt");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write rank 0's checkpoint to " + path.string() + " (disk full?)");
    privateFiles_.push_back(path.string());
    return path.string();
}

void Run::reduceGradients(const std::vector<Tensor>& params, double* nll) {
    // One float64 all-reduce for the loss and which gradients exist anywhere (a parameter no rank
    // reached keeps no gradient, as in one process: AdamW then leaves it alone)...
    std::vector<double> scalars(params.size() + 1, 0.0);
    scalars[0] = *nll;
    for (std::size_t i = 0; i < params.size(); ++i) scalars[i + 1] = params[i].grad().defined() ? 1.0 : 0.0;
    scalars = comm_->allReduceSum(scalars);
    *nll = scalars[0];
    // ...then the gradients themselves, bucketed; they were scaled by the global token count.
    std::vector<Tensor> grads;
    torch::NoGradGuard ng;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (scalars[i + 1] == 0) continue;
        Tensor p = params[i];
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
        grads.push_back(p.grad());
    }
    comm_->allReduceSum(grads);
}

void Run::checkReplicas() {
    if (cfg_.checksumEvery <= 0 || step_ % cfg_.checksumEvery != 0) return;
    // Each rank fills its own slot; the sum is everybody's checksums on every rank.
    const auto [sum, weighted] = checksum(trainableParams());
    std::vector<double> slots(std::size_t(2 * world_), 0.0);
    slots[std::size_t(2 * rank_)] = sum;
    slots[std::size_t(2 * rank_ + 1)] = weighted;
    slots = comm_->allReduceSum(slots);
    for (int r = 1; r < world_; ++r)
        if (slots[std::size_t(2 * r)] != slots[0] || slots[std::size_t(2 * r + 1)] != slots[1]) {
            char buf[320];
            std::snprintf(buf, sizeof buf,
                          "the ranks' models diverged at step %lld: rank %d's parameters (checksum %.17g) differ from rank 0's "
                          "(%.17g); stopping (the last checkpoint is rank 0's and resumes cleanly)",
                          static_cast<long long>(step_), r, slots[std::size_t(2 * r)], slots[0]);
            throw dist::DistError(buf);
        }
}

}  // namespace pm::train::detail
