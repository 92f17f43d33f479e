// Plays a timeline of MIDI messages in time on a MidiOutput, from its own thread. The timeline
// may grow while playing (generation streams notes in), so playback can start before the model
// has finished. Stop, errors and destruction always end with MidiOutput::silence().
//
//   PlaybackScheduler s(output, clock);
//   s.append(timelineFromEvents(events));   // any time, from any thread
//   s.play();  ...  s.markComplete();       // the thread ends once everything was sent
//
// pump(t) is the whole sending logic without a thread: tests drive it with chosen times.
#pragma once

#include "playback/midi_output.h"
#include "playback/playback_clock.h"

#include "midi/midi_file.h"
#include "tokenizer/streaming_decoder.h"   // pm::tok::DecodedEvent

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pm::play {

struct TimedMessage {
    double seconds = 0;
    MidiMessage message;
};

// Note-on/off and sustain from decoded events (notes carry their seconds; channel 0). Messages
// are in time order, note-offs before note-ons at the same time so a repeated key re-strikes.
std::vector<TimedMessage> timelineFromEvents(const std::vector<pm::tok::DecodedEvent>& events);
// The same for a whole file (all tracks, each note on its own channel, sustain pedal included).
std::vector<TimedMessage> timelineFromFile(const pm::midi::MidiFile& file);
// Puts messages in playback order (stable: time, then note-offs before everything else).
void sortTimeline(std::vector<TimedMessage>& timeline);

class PlaybackScheduler {
public:
    PlaybackScheduler(MidiOutput& output, PlaybackClock& clock);
    ~PlaybackScheduler();   // stops (and silences) when playing
    PlaybackScheduler(const PlaybackScheduler&) = delete;
    PlaybackScheduler& operator=(const PlaybackScheduler&) = delete;

    void append(std::vector<TimedMessage> messages);   // merged in time order
    void markComplete();                               // nothing more will be appended
    void clear();                                      // stops and forgets the timeline

    void play(double fromSeconds = 0);   // starts the thread (restarts when playing)
    void stop();                         // joins the thread, then silences the output
    // Playing: silences what sounds (sustain off + all notes off), then continues from
    // `seconds` with the sustain pedal state in force there. Stopped: sets position(), which
    // play(position()) starts from. Negative times count as 0.
    void seek(double seconds);

    bool playing() const { return playing_.load(); }
    double position() const;             // playback time in seconds
    double duration() const;             // time of the last message so far
    std::string error() const;           // set when the output failed; playback stopped then

    // Sends every message due at playback time `seconds` that was not sent yet; returns how
    // many. False in `ok` when the output refused one (the rest is not sent).
    std::size_t pump(double seconds, bool* ok = nullptr);

private:
    void run();
    void rewindTo(double seconds);   // caller holds mutex_
    void restorePedalsLocked();      // caller holds mutex_: sends the pedals down before next_
    std::size_t sendDueLocked(double seconds, bool* ok);   // caller holds mutex_

    MidiOutput& output_;
    PlaybackClock& clock_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<TimedMessage> timeline_;   // time order
    std::size_t next_ = 0;                 // first message not sent
    bool complete_ = false;
    std::string error_;
    std::thread thread_;
    std::atomic<bool> playing_{false}, stopRequested_{false};
    double startClock_ = 0, startPosition_ = 0;   // position = startPosition_ + now - startClock_
    double idlePosition_ = 0;
};

}  // namespace pm::play
