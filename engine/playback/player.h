// "Play this piece on this output, with fallback", once: the CLI's play and generate --play, the
// demo, and the app's Generate page and sample list all open outputs and schedule through this.
//
//   pm::play::Player player;
//   if (!player.open(port, soundFont, &error)) fail(error);     // a bad port falls back to the piano
//   if (!player.notice().empty()) warn(player.notice());
//   player.playFile(file, 0.0, &error);
//   player.waitUntilDone(&cancel);                              // CLI, demo
//
// Streaming (generation): play({}, false, 0) or play(promptNotes, false, 0), then append(...) as
// notes arrive, then markComplete(). One thread drives a Player; the scheduler it owns plays from
// its own thread.
#pragma once

#include "playback/midi_output.h"
#include "playback/playback_clock.h"
#include "playback/playback_scheduler.h"

#include "midi/midi_file.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pm::play {

// Opens an output for a port choice; openLiveOutput unless a test injects its own.
using OutputFactory =
    std::function<std::unique_ptr<MidiOutput>(const std::string& port, const std::string& soundFont, std::string* error)>;

class Player {
public:
    explicit Player(PlaybackClock* clock = nullptr);   // null = a SteadyPlaybackClock of its own
    // The seam for tests: outputs come from `factory` instead of openLiveOutput.
    Player(PlaybackClock* clock, OutputFactory factory);
    ~Player();                                         // stops and silences
    Player(const Player&) = delete;
    Player& operator=(const Player&) = delete;

    // Opens the output for `port` ("" = built-in piano; "jack:NAME"; an RtMidi port name), keeping an already
    // open one when the choice is the same. A port that cannot be opened falls back to the built-in piano and
    // says so in notice(); false (with `error`) only when nothing can play.
    bool open(const std::string& port, const std::string& soundFont, std::string* error);
    // Plays a timeline from `from` seconds; complete = nothing more will be appended.
    bool play(std::vector<TimedMessage> timeline, bool complete, double from, std::string* error);
    bool playFile(const pm::midi::MidiFile& file, double from, std::string* error);   // complete timeline
    void append(std::vector<TimedMessage> messages);   // streaming (generation); after play()
    void markComplete();
    void seek(double seconds);
    void stop();                                       // silences, keeps the output open
    void close();                                      // stop + close the output
    bool playing() const;
    bool hasScheduler() const;                         // a piece is loaded (playing or finished)
    double position() const;
    double duration() const;
    std::string error() const;                         // the scheduler's error (output failed)
    std::string outputName() const;                    // "" when none open
    std::string notice() const;                        // fallback note, "" when none
    // Blocks until the piece has played or *cancel is set (CLI, demo); false when an error stopped it.
    bool waitUntilDone(const std::atomic<bool>* cancel, int pollMs = 20);

private:
    std::unique_ptr<SteadyPlaybackClock> ownClock_;
    PlaybackClock* clock_;
    OutputFactory factory_;
    // Declared before the scheduler, which holds a reference to it: destroyed after it.
    std::unique_ptr<MidiOutput> output_;
    std::unique_ptr<PlaybackScheduler> scheduler_;
    bool isOpen_ = false;
    std::string port_, soundFont_, notice_;
};

}  // namespace pm::play
