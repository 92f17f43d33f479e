// Following a run folder that another process writes (issue 16, "Watching a run"): reads
// RUN/metrics.jsonl incrementally and turns its records back into the TrainEvents the trainer
// emitted while writing them, so the app's Train page shows a CLI or distributed run — and an
// ended run — with the same code that shows its own live run.
//
//   pm::train::MetricsFollower follower("/runs/mine");
//   every half second:  for (const TrainEvent& e : follower.poll().events) show(e);
//
// The records are the ones Run::metric writes (engine/train/trainer.cpp), one JSON object a line:
//   step        {"step","loss","lr","tokens_per_s","elapsed","epoch","threads"}        -> Step
//   validation  {"step","val_loss","val_bits_per_note","val_bits_per_second",...}     -> Validation
//   {"event": planned|resume|checkpoint|sample|exported|warning}                      -> that kind
//   {"event": finished|stopped|early_stopped|time_limit, "model", "message"}          -> Finished
// ("rollback" is skipped: the warning line written just before it says the same.) What the lines
// do not carry is derived here the way the trainer derives it: `best` (below every earlier
// validation loss), the ETA (an average of seconds per step times the steps left) and the total
// (a step line's "total_steps" when a writer adds it, else the plan's "steps", else setTotalSteps).
//
// Robust against a file in motion: only complete lines are read (a half-written last line waits
// for the next poll); a file that shrank, vanished and came back, or was replaced is read again
// from the start (FollowUpdate::restarted tells the caller to drop what it showed); a line that is
// not a record is skipped and counted, never fatal; a poll reads at most maxBytesPerPoll (a line
// longer than that is skipped as malformed), so memory per poll is bounded whatever the file holds.
//
// No LibTorch, no Qt: the app polls it on its GUI thread (reads are small and incremental).
#pragma once

#include "train/trainer.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pm::train {

struct FollowOptions {
    // Read at most this much per poll. A metrics line is ~200 bytes: 1 MiB is ~5,000 records,
    // enough to catch up with a long run in a few polls without a long stall.
    std::size_t maxBytesPerPoll = std::size_t(1) << 20;
    // "Still being written" = modified within this many seconds. A step line arrives every step,
    // but a validation or checkpoint of a large model can take a minute or more.
    double liveSeconds = 120;
};

struct FollowUpdate {
    std::vector<TrainEvent> events;   // in file order
    bool restarted = false;   // the file was replaced or shrank: `events` start again from its top
    bool more = false;        // stopped at maxBytesPerPoll: poll again to catch up
    std::size_t malformed = 0;   // lines skipped in this poll
};

// What one line is.
enum class MetricsLine : std::uint8_t {
    Event,       // *out is filled (before the follower adds best / eta / totals)
    Ignored,     // a record with nothing to show (rollback, an event kind from a newer writer)
    Malformed,   // not JSON, not an object, or a record whose required field is missing or mistyped
};
// One metrics.jsonl line (without its newline; surrounding whitespace allowed). Never throws.
MetricsLine parseMetricsLine(const std::string& line, TrainEvent* out);

class MetricsFollower {
public:
    explicit MetricsFollower(std::string runDir, FollowOptions options = {});

    // Reads what was appended since the last poll. Never throws; a missing file is no error (it
    // may appear later).
    FollowUpdate poll();
    // Moves past everything the file holds now and forgets it (the end state included): for a new
    // run started into a folder whose metrics.jsonl already has an older run.
    void skipExisting();

    const std::string& runDir() const { return runDir_; }
    std::string metricsPath() const;
    bool fileExists() const { return exists_; }           // at the last poll
    std::uint64_t offset() const { return offset_; }      // bytes consumed (complete lines)
    std::size_t malformedLines() const { return malformed_; }   // since the last restart
    std::size_t restarts() const { return restarts_; }
    // A finished/stopped/early_stopped/time_limit record was the last one read.
    bool ended() const { return ended_; }
    std::string endReason() const { return endReason_; }   // that record's "event"; "" while not ended
    // Seconds since the file was last modified, at the last poll (-1 when there is no file).
    double secondsSinceWrite() const { return sinceWrite_; }
    // Exists, has not ended and was written within liveSeconds.
    bool isLive() const { return exists_ && !ended_ && sinceWrite_ >= 0 && sinceWrite_ <= options_.liveSeconds; }
    std::int64_t totalSteps() const { return total_; }   // 0 = not known
    // Whoever started the run knows its length (the app passed --steps): used until the file says.
    void setTotalSteps(std::int64_t steps) { hintTotal_ = steps > 0 ? steps : 0; if (total_ <= 0) total_ = hintTotal_; }
    std::int64_t lastStep() const { return lastStep_; }
    double bestValidationLoss() const { return bestVal_; }   // +inf before the first validation

private:
    void resetDerived();
    void restart(FollowUpdate* update);
    bool headChanged(std::uint64_t size);
    void consumeLine(const std::string& line, FollowUpdate* update);

    std::string runDir_;
    FollowOptions options_;
    std::uint64_t offset_ = 0;
    std::string head_;          // the file's first bytes as first read: a replaced file differs here
    bool exists_ = false, vanished_ = false;
    bool skippingLongLine_ = false;   // inside a line longer than maxBytesPerPoll
    std::size_t malformed_ = 0, restarts_ = 0;
    double sinceWrite_ = -1;
    // Derived from the records read so far (reset on restart).
    bool ended_ = false;
    std::string endReason_;
    std::int64_t total_ = 0, hintTotal_ = 0, lastStep_ = 0;
    double lastLoss_ = 0, bestVal_ = 0, secondsPerStep_ = 0;
    std::int64_t prevStep_ = -1;
    double prevElapsed_ = 0;
};

}  // namespace pm::train
