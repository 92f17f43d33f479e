// The processes of a distributed run talking to each other (issue 16), on PyTorch's own engine:
// c10d's TCPStore for the rendezvous (rank 0 hosts it at MASTER_ADDR:MASTER_PORT, as torchrun's
// env:// does) and a c10d process group for the collectives — Gloo for CPU tensors, NCCL for CUDA
// tensors where LibTorch was built with it (pip torch on GPU machines; otherwise Gloo, which also
// reduces CUDA tensors). The c10d headers stay in communicator.cpp, so this header builds against
// LibTorch 1.13 and 2.x alike and the trainer never sees their API drift.
//
// Faults: every collective and rendezvous waits at most `timeoutSeconds`. When one fails (a peer
// died: Gloo's socket closes at once; or it hung: the timeout) the error names the lost rank(s),
// found from heartbeats each rank writes to the store every second: a rank whose heartbeat stopped
// is lost, and when the store itself is gone so is rank 0, whose process hosts it.
#pragma once

#include "dist/launch_env.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pm::dist {

// One line for the user (what failed, which rank, what to do); the run stops with it.
class DistError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CommOptions {
    double timeoutSeconds = 60;             // rendezvous, each collective, each agreement
    bool cuda = false;                      // the tensors are on cuda:`cudaDevice` (NCCL when available)
    int cudaDevice = 0;
    std::size_t bucketBytes = 25u << 20;    // all-reduce buckets (PyTorch DDP's default size)
};

// Gradient all-reduce totals since the last takeStats (metrics.jsonl "allreduce_ms"/"_bytes").
struct CommStats {
    double seconds = 0;
    std::uint64_t bytes = 0;
    std::int64_t calls = 0;
};

class Communicator {
public:
    // Joins the run described by `env`: rank 0 opens the store, everyone connects and waits until
    // all `world` processes have joined, then the process group forms. Throws DistError with one
    // line: master unreachable, port in use, a rank that never came, a bad address.
    static std::shared_ptr<Communicator> connect(const LaunchEnv& env, const CommOptions& options);
    ~Communicator();
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;

    int rank() const { return rank_; }
    int world() const { return world_; }
    std::string backend() const;   // "gloo" or "nccl"
    double timeoutSeconds() const { return options_.timeoutSeconds; }

    // Sums each tensor over all ranks in place. Tensors are flattened into buckets of at most
    // bucketBytes per dtype (one collective per bucket, not per tensor). All ranks must pass the
    // same shapes and dtypes in the same order. Counts into the stats.
    void allReduceSum(const std::vector<torch::Tensor>& tensors);
    // Sums doubles over all ranks (float64 on the wire: losses and counts stay exact).
    std::vector<double> allReduceSum(const std::vector<double>& values);
    // Rank `root`'s values of these tensors on every rank, in place (bucketed as above).
    void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
    // Rank 0's bytes on every rank (the others' argument is ignored). For a checkpoint file, so
    // ranks on hosts without a shared file system resume from the same one.
    std::vector<std::uint8_t> broadcastBytes(const std::vector<std::uint8_t>& bytes);
    // Every rank passes the same named fields (a config hash, the dataset's, the world size...);
    // throws DistError on every rank when one rank's value differs from rank 0's, naming the first
    // such rank and field: "rank 1 was started with another dataset (...) than rank 0 (...)".
    void agree(const std::vector<std::pair<std::string, std::string>>& fields);
    // Blocks until all ranks arrive.
    void barrier();

    CommStats takeStats();

    struct Impl;   // c10d lives in communicator.cpp

private:
    Communicator() = default;
    [[noreturn]] void fail(const std::string& what, const std::exception& cause);
    std::string lostRanks();

    std::unique_ptr<Impl> impl_;
    CommOptions options_;
    LaunchEnv env_;
    int rank_ = 0, world_ = 1;
    bool broken_ = false;
    CommStats stats_;
    std::int64_t agreements_ = 0;
};

// Whether this LibTorch can run more than one process (c10d with Gloo). Without it `reason` says
// what is missing and training with WORLD_SIZE > 1 or --nproc > 1 refuses clearly.
bool distributedAvailable(std::string* reason);

}  // namespace pm::dist
