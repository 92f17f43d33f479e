// Test doubles for playback: a clock that only moves when told (or jumps to whatever time the
// scheduler sleeps until), and an output that records each message with the clock's time.
#pragma once

#include "playback/midi_output.h"
#include "playback/playback_clock.h"

#include <atomic>
#include <mutex>
#include <vector>

namespace pm::play {

class FakePlaybackClock : public PlaybackClock {
public:
    double now() const override { return now_.load(); }
    // Jumps: a scheduler thread on this clock runs as fast as it can, in the right order.
    void sleepUntil(double seconds) override {
        double t = now_.load();
        while (seconds > t && !now_.compare_exchange_weak(t, seconds)) {
        }
    }
    void set(double seconds) { now_.store(seconds); }

private:
    std::atomic<double> now_{0.0};
};

struct RecordedMessage {
    double seconds = 0;
    MidiMessage message;
};

class FakeMidiOutput : public MidiOutput {
public:
    explicit FakeMidiOutput(const PlaybackClock* clock = nullptr) : clock_(clock) {}

    bool send(const MidiMessage& message) override {
        std::lock_guard<std::mutex> lock(mutex_);
        if (failAfter_ >= 0 && int(recorded_.size()) >= failAfter_) return false;   // "unplugged"
        recorded_.push_back({clock_ ? clock_->now() : 0.0, message});
        return true;
    }
    std::string name() const override { return "Fake output"; }

    std::vector<RecordedMessage> recorded() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return recorded_;
    }
    void clear() {
        std::lock_guard<std::mutex> lock(mutex_);
        recorded_.clear();
    }
    // After this many messages every send fails, like a port that disappeared.
    void failAfter(int messages) {
        std::lock_guard<std::mutex> lock(mutex_);
        failAfter_ = messages;
    }

private:
    const PlaybackClock* clock_;
    mutable std::mutex mutex_;
    std::vector<RecordedMessage> recorded_;
    int failAfter_ = -1;
};

}  // namespace pm::play
