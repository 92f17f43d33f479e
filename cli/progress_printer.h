// Progress for long commands: a one-line bar with ETA, redrawn in place, when stderr is a
// terminal; plain lines (at most a few per second) when it is a file or a pipe, so logs stay
// readable.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace pm::cli {

class ProgressPrinter {
public:
    explicit ProgressPrinter(std::string label);
    ~ProgressPrinter();

    // Thread-safe; cheap when called often (redraws at most 10 times a second).
    void update(std::size_t done, std::size_t total, const std::string& detail = {});
    // Ends the line (terminal) so later output starts on a fresh one.
    void finish();

private:
    std::string label_;
    bool terminal_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_, lastDraw_;
    std::mutex mutex_;
};

// "1:05", "12:03:07"
std::string formatDuration(double seconds);

}  // namespace pm::cli
