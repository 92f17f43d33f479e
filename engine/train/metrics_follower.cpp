#include "train/metrics_follower.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <system_error>

namespace pm::train {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The first bytes remembered to recognise a replaced file: the first record (a plan, or step 1
// with its measured loss and time) differs between runs well within them.
constexpr std::size_t kHeadBytes = 256;

// A field that must be a number; false when it is absent or not a finite number.
bool number(const json& j, const char* key, double* out) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return false;
    const double v = it->get<double>();
    if (!std::isfinite(v)) return false;
    *out = v;
    return true;
}

// Optional fields keep the struct's default when absent or mistyped: a writer that adds or
// changes a side field must not hide the loss curve.
double optionalNumber(const json& j, const char* key, double fallback = 0) {
    double v = fallback;
    return number(j, key, &v) ? v : fallback;
}

bool integer(const json& j, const char* key, std::int64_t* out) {
    double v = 0;
    if (!number(j, key, &v) || v != std::floor(v) || std::fabs(v) > 9.0e15) return false;
    *out = std::int64_t(v);
    return true;
}

std::string optionalString(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isEndEvent(const std::string& name) {
    return name == "finished" || name == "stopped" || name == "early_stopped" || name == "time_limit";
}

MetricsLine parseEvent(const json& j, const std::string& name, TrainEvent* out) {
    using K = TrainEvent::Kind;
    TrainEvent e;
    std::int64_t step = 0;
    const bool hasStep = integer(j, "step", &step);
    e.step = step;
    if (name == "planned") {
        std::int64_t steps = 0;
        if (!integer(j, "steps", &steps) || steps < 0) return MetricsLine::Malformed;
        e.kind = K::Planned;
        e.totalSteps = steps;
        e.eta = optionalNumber(j, "estimated_seconds");
        e.tokensPerSec = optionalNumber(j, "tokens_per_s");
        e.message = optionalString(j, "message");
    } else if (name == "resume") {
        if (!hasStep) return MetricsLine::Malformed;
        e.kind = K::Resumed;
    } else if (name == "checkpoint" || name == "sample" || name == "exported") {
        if (!hasStep) return MetricsLine::Malformed;
        e.kind = name == "checkpoint" ? K::Checkpoint : name == "sample" ? K::Sample : K::Exported;
        e.path = optionalString(j, "path");
        e.copy = optionalString(j, "copy");   // samples: the copy flag, absent/null when none
    } else if (name == "warning") {
        e.kind = K::Warning;
        e.message = optionalString(j, "message");
    } else if (isEndEvent(name)) {
        e.kind = K::Finished;
        e.path = optionalString(j, "model");
        e.message = optionalString(j, "message");
    } else {
        // "rollback" (its warning line came just before) and kinds a newer writer may add.
        return MetricsLine::Ignored;
    }
    *out = e;
    return MetricsLine::Event;
}

// parseMetricsLine, also saying which "event" a line was ("" for step and validation lines).
MetricsLine parseLine(const std::string& line, TrainEvent* out, std::string* eventName) {
    // parse(..., nullptr, false) reports bad JSON as a discarded value instead of throwing; the
    // accessors below check types first, so nothing here throws on any input.
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return MetricsLine::Malformed;
    const auto ev = j.find("event");
    if (ev != j.end()) {
        if (!ev->is_string()) return MetricsLine::Malformed;
        if (eventName) *eventName = ev->get<std::string>();
        return parseEvent(j, ev->get<std::string>(), out);
    }
    TrainEvent e;
    if (!integer(j, "step", &e.step)) return MetricsLine::Malformed;
    if (j.contains("val_loss")) {
        if (!number(j, "val_loss", &e.valLoss)) return MetricsLine::Malformed;
        e.kind = TrainEvent::Kind::Validation;
        e.valBitsPerNote = optionalNumber(j, "val_bits_per_note");
        e.valBitsPerSecond = optionalNumber(j, "val_bits_per_second");
    } else if (j.contains("loss")) {
        if (!number(j, "loss", &e.loss)) return MetricsLine::Malformed;
        e.kind = TrainEvent::Kind::Step;
        e.lr = optionalNumber(j, "lr");
        e.tokensPerSec = optionalNumber(j, "tokens_per_s");
        e.elapsed = optionalNumber(j, "elapsed");
        std::int64_t v = 0;
        if (integer(j, "epoch", &v) && v >= 0) e.epoch = std::uint64_t(v);
        if (integer(j, "threads", &v)) e.threads = int(std::clamp<std::int64_t>(v, 0, 1 << 20));
        if (integer(j, "total_steps", &v) && v > 0) e.totalSteps = v;
    } else {
        return MetricsLine::Ignored;
    }
    *out = e;
    return MetricsLine::Event;
}

}  // namespace

MetricsLine parseMetricsLine(const std::string& line, TrainEvent* out) { return parseLine(line, out, nullptr); }

MetricsFollower::MetricsFollower(std::string runDir, FollowOptions options) : runDir_(std::move(runDir)), options_(options) {
    options_.maxBytesPerPoll = std::max<std::size_t>(options_.maxBytesPerPoll, 64);
    resetDerived();
}

std::string MetricsFollower::metricsPath() const { return (fs::u8path(runDir_) / "metrics.jsonl").u8string(); }

void MetricsFollower::resetDerived() {
    ended_ = false;
    endReason_.clear();
    total_ = hintTotal_;
    lastStep_ = 0;
    lastLoss_ = 0;
    bestVal_ = std::numeric_limits<double>::infinity();
    secondsPerStep_ = 0;
    prevStep_ = -1;
    prevElapsed_ = 0;
}

void MetricsFollower::restart(FollowUpdate* update) {
    offset_ = 0;
    head_.clear();
    skippingLongLine_ = false;
    malformed_ = 0;
    ++restarts_;
    resetDerived();
    update->restarted = true;
}

bool MetricsFollower::headChanged(std::uint64_t size) {
    if (head_.empty()) return false;
    if (size < head_.size()) return true;
    std::ifstream in(fs::u8path(metricsPath()), std::ios::binary);
    std::string now(head_.size(), '\0');
    if (!in.read(&now[0], std::streamsize(now.size()))) return true;   // could not read what was there
    return now != head_;
}

void MetricsFollower::consumeLine(const std::string& line, FollowUpdate* update) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) return;   // blank lines are not records and not errors
    TrainEvent e;
    std::string eventName;
    const MetricsLine kind = parseLine(line, &e, &eventName);
    if (kind == MetricsLine::Malformed) {
        ++malformed_;
        ++update->malformed;
        return;
    }
    if (kind == MetricsLine::Ignored) return;

    using K = TrainEvent::Kind;
    // Anything after an end record means the run went on (it was resumed into the same folder).
    if (e.kind != K::Finished) ended_ = false, endReason_.clear();
    switch (e.kind) {
    case K::Planned:
        total_ = e.totalSteps;
        break;
    case K::Step: {
        if (e.totalSteps > 0) total_ = e.totalSteps;
        e.totalSteps = total_;
        // Seconds per step, averaged as the trainer does (weight 0.1 for the newest), from the
        // elapsed time between consecutive records. The first record starts it with the run's own
        // average so far. The first record after a resume, or a step at or before the previous one
        // (a replay), only starts a new stretch: its interval would span the restart.
        if (prevStep_ < 0) {
            if (secondsPerStep_ == 0 && e.step > 0) secondsPerStep_ = e.elapsed / double(e.step);
        } else if (e.step > prevStep_ && e.elapsed >= prevElapsed_) {
            const double dt = (e.elapsed - prevElapsed_) / double(e.step - prevStep_);
            secondsPerStep_ = secondsPerStep_ == 0 ? dt : 0.9 * secondsPerStep_ + 0.1 * dt;
        }
        prevStep_ = e.step;
        prevElapsed_ = e.elapsed;
        e.eta = total_ > e.step ? double(total_ - e.step) * secondsPerStep_ : 0.0;
        lastStep_ = e.step;
        lastLoss_ = e.loss;
        break;
    }
    case K::Validation:
        e.totalSteps = total_;
        e.best = e.valLoss < bestVal_;
        if (e.best) bestVal_ = e.valLoss;
        break;
    case K::Resumed:
        e.totalSteps = total_;
        lastStep_ = e.step;
        prevStep_ = -1;   // the elapsed time continues from the checkpoint, not from the last line
        break;
    case K::Finished:
        ended_ = true;
        endReason_ = eventName;
        e.totalSteps = total_;
        e.loss = lastLoss_;
        e.valLoss = std::isfinite(bestVal_) ? bestVal_ : 0.0;
        if (e.step > 0) lastStep_ = e.step;
        break;
    default:
        e.totalSteps = total_;
        break;
    }
    update->events.push_back(std::move(e));
}

FollowUpdate MetricsFollower::poll() {
    FollowUpdate update;
    const fs::path path = fs::u8path(metricsPath());
    std::error_code ec;
    const std::uint64_t size = fs::file_size(path, ec);
    if (ec) {
        // Not there (yet, or any more). Coming back later is a new file: read it from the start.
        if (exists_ || offset_ > 0 || !head_.empty()) vanished_ = true;
        exists_ = false;
        sinceWrite_ = -1;
        return update;
    }
    exists_ = true;
    const auto mtime = fs::last_write_time(path, ec);
    sinceWrite_ = ec ? -1 : std::max(0.0, std::chrono::duration<double>(fs::file_time_type::clock::now() - mtime).count());

    if (vanished_ || size < offset_ || headChanged(size)) {
        vanished_ = false;
        restart(&update);
    }
    if (size <= offset_) return update;

    const std::uint64_t want = std::min<std::uint64_t>(size - offset_, options_.maxBytesPerPoll);
    std::string chunk(std::size_t(want), '\0');
    {
        std::ifstream in(path, std::ios::binary);
        if (!in) return update;   // e.g. removed between the size and the open: try again next time
        in.seekg(std::streamoff(offset_));
        in.read(&chunk[0], std::streamsize(want));
        chunk.resize(std::size_t(std::max<std::streamsize>(in.gcount(), 0)));   // shorter if it shrank meanwhile
    }
    // Remember the file's first bytes (as far as read so far): a replaced file differs in them.
    // Reads start at a line end at or before what the head holds, so the head grows contiguously.
    if (head_.size() < kHeadBytes && offset_ <= head_.size() && offset_ + chunk.size() > head_.size()) {
        const std::size_t from = std::size_t(head_.size() - offset_);
        head_ += chunk.substr(from, std::min(kHeadBytes - head_.size(), chunk.size() - from));
    }

    std::size_t pos = 0;
    if (skippingLongLine_) {
        // The rest of a line too long to be a record: drop it up to its newline.
        const std::size_t nl = chunk.find('\n');
        if (nl == std::string::npos) {
            offset_ += chunk.size();
            update.more = offset_ < size;
            return update;
        }
        skippingLongLine_ = false;
        pos = nl + 1;
    }
    for (;;) {
        const std::size_t nl = chunk.find('\n', pos);
        if (nl == std::string::npos) break;
        consumeLine(chunk.substr(pos, nl - pos), &update);
        pos = nl + 1;
    }
    if (pos == 0 && chunk.size() == options_.maxBytesPerPoll) {
        // A whole budget without a newline: not a metrics record (they are ~200 bytes). Skip it
        // rather than hold an unbounded line in memory.
        ++malformed_;
        ++update.malformed;
        skippingLongLine_ = true;
        pos = chunk.size();
    }
    offset_ += pos;   // a half-written last line stays unread until its newline arrives
    update.more = want == options_.maxBytesPerPoll && offset_ < size && pos > 0;
    return update;
}

void MetricsFollower::skipExisting() {
    while (poll().more) {
    }
    // Totals, best loss and the end belong to the older run; the hint is the new run's.
    resetDerived();
}

}  // namespace pm::train
