// Test doubles for playback: a clock that only moves when told (or jumps to whatever time the
// scheduler sleeps until), an output that records each message with the clock's time, and an
// input that a test plays into (bytes through the real parser and queue, times chosen by the test).
#pragma once

#include "playback/midi_input.h"
#include "playback/midi_output.h"
#include "playback/playback_clock.h"

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>
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

// A keyboard the test plays: raw bytes (running status, realtime, SysEx, garbage alike) arrive
// at the time the test says, through the same parser and queue as a real port. Play from one
// thread at a time (the device's), drain from another.
class FakeMidiInput : public MidiInput {
public:
    explicit FakeMidiInput(std::string name = "Fake input") : name_(std::move(name)) {}
    std::string name() const override { return name_; }

    void play(const std::vector<std::uint8_t>& bytes, double seconds) { receive(bytes.data(), bytes.size(), seconds); }
    void play(std::initializer_list<std::uint8_t> bytes, double seconds) { receive(bytes.begin(), bytes.size(), seconds); }
    void play(const MidiMessage& message, double seconds) { receive(message.bytes, message.size, seconds); }
    // The port goes away (unplugged): lost() is true from now on, with this reason.
    void unplug(const std::string& why = "the fake keyboard was unplugged") { reportLost(why); }

private:
    std::string name_;
};

}  // namespace pm::play
