#include "train/shard_pool.h"

#include "core/intra_op_threads.h"

#include <algorithm>
#include <stdexcept>

namespace pm::train {

ShardPool::ShardPool(int shards) : errors_(std::size_t(std::max(1, shards))) {
    for (int s = 1; s < shards; ++s) workers_.emplace_back([this, s] { workerLoop(s); });
}

ShardPool::~ShardPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
}

void ShardPool::run(int n, int intraOpThreads, const std::function<void(int)>& job) {
    if (n < 1) return;
    if (n > capacity()) throw std::logic_error("ShardPool::run: more shards than threads");
    std::fill(errors_.begin(), errors_.end(), nullptr);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = &job;
        jobShards_ = n;
        jobThreads_ = intraOpThreads;
        pending_ = n - 1;
        ++generation_;
    }
    if (n > 1) wake_.notify_all();
    if (thisThreadIntraOpThreads() != intraOpThreads) setThisThreadIntraOpThreads(intraOpThreads);
    try {
        job(0);
    } catch (...) {
        errors_[0] = std::current_exception();
    }
    {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return pending_ == 0; });
        job_ = nullptr;
    }
    for (const std::exception_ptr& e : errors_)
        if (e) std::rethrow_exception(e);
}

void ShardPool::workerLoop(int shard) {
    unsigned long long seen = 0;
    int threads = 0;
    for (;;) {
        const std::function<void(int)>* job = nullptr;
        int wanted = 1;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
            if (quit_) return;
            seen = generation_;
            if (shard >= jobShards_) continue;   // this run needs fewer shards
            job = job_;
            wanted = jobThreads_;
        }
        if (threads != wanted) setThisThreadIntraOpThreads(threads = wanted);
        try {
            (*job)(shard);
        } catch (...) {
            errors_[std::size_t(shard)] = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            --pending_;
        }
        done_.notify_one();
    }
}

}  // namespace pm::train
