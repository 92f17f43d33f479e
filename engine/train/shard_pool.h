// A few long-lived threads that run the shards of one training step side by side (issue 15).
//
// On a CPU, training splits each batch's rows into shards, one per core, and every shard runs its
// forward and backward single-threaded (docs/training.md, "Threads"): no OpenMP team or OpenBLAS
// pool synchronises inside an op, so two cores give nearly twice the speed, where intra-op
// threads gave little. The pool is the trainer's; shard 0 always runs on the calling thread.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pm::train {

class ShardPool {
public:
    // Room for `shards` shards at once: shards - 1 worker threads (none for 1).
    explicit ShardPool(int shards);
    ~ShardPool();
    ShardPool(const ShardPool&) = delete;
    ShardPool& operator=(const ShardPool&) = delete;

    int capacity() const { return int(workers_.size()) + 1; }

    // Runs job(0) ... job(n - 1) (n <= capacity()), job(0) on the calling thread, each with
    // `intraOpThreads` LibTorch threads of its own; returns when all have finished. An exception
    // from a job is rethrown here (the lowest shard's, once all have finished).
    void run(int n, int intraOpThreads, const std::function<void(int shard)>& job);

private:
    void workerLoop(int shard);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, done_;
    const std::function<void(int)>* job_ = nullptr;
    int jobShards_ = 0, jobThreads_ = 1, pending_ = 0;
    unsigned long long generation_ = 0;
    bool quit_ = false;
    std::vector<std::exception_ptr> errors_;
};

}  // namespace pm::train
