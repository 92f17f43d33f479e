#include "playback/player.h"

#include "playback/open_output.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace pm::play {

Player::Player(PlaybackClock* clock) : Player(clock, openLiveOutput) {}

Player::Player(PlaybackClock* clock, OutputFactory factory) : clock_(clock), factory_(std::move(factory)) {
    if (!clock_) {
        ownClock_ = std::make_unique<SteadyPlaybackClock>();
        clock_ = ownClock_.get();
    }
    if (!factory_) factory_ = openLiveOutput;
}

Player::~Player() { close(); }

bool Player::open(const std::string& port, const std::string& soundFont, std::string* error) {
    if (isOpen_ && output_ && port == port_ && soundFont == soundFont_) return true;
    close();
    std::string portError;
    output_ = factory_(port, soundFont, &portError);
    if (!output_ && !port.empty()) {
        // A port that went away (or never existed here) should not cost the user the music: the
        // built-in piano plays, and the notice says why.
        std::string synthError;
        output_ = factory_(std::string(), soundFont, &synthError);
        if (!output_) {
            if (error)
                *error = "cannot open \"" + port + "\" (" + portError + ") nor the built-in piano (" + synthError + ")";
            return false;
        }
        notice_ = "\"" + port + "\" could not be opened (" + portError + "); playing on the built-in piano instead";
    } else if (!output_) {
        if (error) *error = portError.empty() ? "the built-in piano could not be opened" : portError;
        return false;
    }
    isOpen_ = true;
    port_ = port;
    soundFont_ = soundFont;
    return true;
}

bool Player::play(std::vector<TimedMessage> timeline, bool complete, double from, std::string* error) {
    if (!output_) {
        if (error) *error = "no output is open";
        return false;
    }
    // A fresh scheduler per piece: the old one stops (and silences) first.
    scheduler_.reset();
    scheduler_ = std::make_unique<PlaybackScheduler>(*output_, *clock_);
    scheduler_->append(std::move(timeline));
    if (complete) scheduler_->markComplete();
    scheduler_->play(from);
    return true;
}

bool Player::playFile(const pm::midi::MidiFile& file, double from, std::string* error) {
    return play(timelineFromFile(file), true, from, error);
}

void Player::append(std::vector<TimedMessage> messages) {
    if (scheduler_) scheduler_->append(std::move(messages));
}

void Player::markComplete() {
    if (scheduler_) scheduler_->markComplete();
}

void Player::seek(double seconds) {
    if (scheduler_) scheduler_->seek(seconds);
}

void Player::stop() {
    if (scheduler_) scheduler_->stop();
}

void Player::close() {
    scheduler_.reset();   // stops and silences while the output still exists
    output_.reset();
    isOpen_ = false;
    port_.clear();
    soundFont_.clear();
    notice_.clear();
}

bool Player::playing() const { return scheduler_ && scheduler_->playing(); }

bool Player::hasScheduler() const { return scheduler_ != nullptr; }

double Player::position() const { return scheduler_ ? scheduler_->position() : 0.0; }

double Player::duration() const { return scheduler_ ? scheduler_->duration() : 0.0; }

std::string Player::error() const { return scheduler_ ? scheduler_->error() : std::string(); }

std::string Player::outputName() const { return output_ ? output_->name() : std::string(); }

std::string Player::notice() const { return notice_; }

bool Player::waitUntilDone(const std::atomic<bool>* cancel, int pollMs) {
    // Polls rather than waits on the scheduler: the scheduler has no "done" signal, and 20 ms is
    // far below what a listener notices at the end of a piece.
    while (playing() && !(cancel && cancel->load()))
        std::this_thread::sleep_for(std::chrono::milliseconds(std::max(1, pollMs)));
    if (cancel && cancel->load()) stop();
    return error().empty();
}

}  // namespace pm::play
