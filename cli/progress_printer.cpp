#include "progress_printer.h"

#include <cstdio>

#if defined(_WIN32)
#include <io.h>
#define PM_ISATTY _isatty
#define PM_FILENO _fileno
#else
#include <unistd.h>
#define PM_ISATTY isatty
#define PM_FILENO fileno
#endif

namespace pm::cli {

std::string formatDuration(double seconds) {
    if (!(seconds >= 0) || seconds > 1e7) return "?";
    const long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

ProgressPrinter::ProgressPrinter(std::string label)
    : label_(std::move(label)), terminal_(PM_ISATTY(PM_FILENO(stderr)) != 0),
      start_(std::chrono::steady_clock::now()), lastDraw_(start_ - std::chrono::seconds(10)) {}

ProgressPrinter::~ProgressPrinter() { finish(); }

void ProgressPrinter::update(std::size_t done, std::size_t total, const std::string& detail) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    const bool last = total > 0 && done >= total;
    const auto minGap = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
    if (!last && now - lastDraw_ < minGap) return;
    lastDraw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double fraction = total ? double(done) / double(total) : 0.0;
    const double eta = done ? elapsed / double(done) * double(total - done) : -1;
    if (terminal_) {
        constexpr int width = 28;
        const int filled = int(fraction * width);
        std::string bar(std::size_t(filled), '#');
        bar.append(std::size_t(width - filled), '.');
        std::string shown = detail.size() > 40 ? "…" + detail.substr(detail.size() - 39) : detail;
        std::fprintf(stderr, "\r\033[K%s [%s] %zu/%zu %3.0f%%  ETA %s  %s", label_.c_str(), bar.c_str(), done, total,
                     fraction * 100, eta < 0 ? "?" : formatDuration(eta).c_str(), shown.c_str());
        drawn_ = true;
    } else {
        std::fprintf(stderr, "%s: %zu/%zu (%.0f%%), elapsed %s, ETA %s\n", label_.c_str(), done, total, fraction * 100,
                     formatDuration(elapsed).c_str(), eta < 0 ? "?" : formatDuration(eta).c_str());
    }
    std::fflush(stderr);
}

void ProgressPrinter::finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (terminal_ && drawn_) std::fputc('\n', stderr);
    drawn_ = false;
}

}  // namespace pm::cli
