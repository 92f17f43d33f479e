// Time for the scheduler, behind an interface so tests can run it on a clock they move by hand.
#pragma once

#include <chrono>
#include <thread>

namespace pm::play {

class PlaybackClock {
public:
    virtual ~PlaybackClock() = default;
    virtual double now() const = 0;                  // seconds, monotonic
    virtual void sleepUntil(double seconds) = 0;     // may return early
};

class SteadyPlaybackClock : public PlaybackClock {
public:
    double now() const override {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    }
    void sleepUntil(double seconds) override {
        const double wait = seconds - now();
        if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
};

}  // namespace pm::play
