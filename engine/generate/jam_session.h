// A jam session's loop (issue 17; docs/jam.md): the player's MIDI input into the responder, the
// responder's reply out to a MIDI output, on the calling thread (the CLI's main thread, the app's
// jam lane), until `stop`. The one loop both front ends run.
//
// Every ~1 ms: drain the input queue (midi_input.h), hand each event to the responder, tick it,
// send what is due. Events carry the time they arrived (stamped on the MIDI thread), so the
// loop's own wake-up jitter does not move the player's notes on the grid. A lost input port ends
// the loop with a message: what sounded is silenced and the recording so far is kept.
//
// Another thread reaches a running session in two ways: `handoverNow` (a key in the window) and
// JamSessionRequests (undo, answer again, a look at the recording: the responder is
// single-threaded, so these run on the loop's thread, at the top of its next iteration).
#pragma once

#include "generate/jam_responder.h"
#include "playback/midi_input.h"
#include "playback/midi_output.h"
#include "playback/playback_clock.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace pm::gen {

struct JamSessionEvent {
    enum class Kind { PlayerNote, ModelNote, Handover, ReplyEnded, InputLost, OutputFailed };
    Kind kind = Kind::PlayerNote;
    double t = 0;
    int pitch = 0, velocity = 0;   // notes: velocity 0 = released
    std::string message;
};

struct JamSessionResult {
    bool inputLost = false, outputFailed = false;
    std::string message;   // why it ended, when not by `stop`
};

using JamSessionCallback = std::function<void(const JamSessionEvent&)>;

// Work other threads hand to a running session. post() from any thread; the loop runs what was
// posted once per iteration (after draining the input, before the responder's tick), in order,
// with the responder and the loop's time, then `everyIteration` if set. What the responder then
// sends (an answer again's notes, an interrupted reply's note-offs) goes out in the same tick.
// Requests still waiting when the session ends are dropped.
class JamSessionRequests {
public:
    using Request = std::function<void(JamResponder& responder, double now)>;
    void post(Request request);
    // The loop's thread. Returns how many requests ran.
    std::size_t run(JamResponder& responder, double now);
    // Optional, set before the session starts: runs on the loop's thread once per iteration, after
    // the requests (the app sends the notes it has batched for the GUI there).
    std::function<void(JamResponder& responder, double now)> everyIteration;

private:
    std::mutex mutex_;
    std::vector<Request> pending_;
};

// Runs until `stop` (or the input is lost, or the output fails). Never throws for device
// trouble; `callback` (optional) runs on this thread. `handoverNow`, when set by another thread,
// hands over at once (a key in the window) and is cleared. `requests` (optional): see above.
JamSessionResult runJamSession(JamResponder& responder, play::MidiInput& input, play::MidiOutput& output,
                               const play::PlaybackClock& clock, const std::atomic<bool>& stop,
                               const JamSessionCallback& callback = {}, std::atomic<bool>* handoverNow = nullptr,
                               JamSessionRequests* requests = nullptr);

}  // namespace pm::gen
