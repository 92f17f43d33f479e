// A jam session's loop (issue 17; docs/jam.md): the player's MIDI input into the responder, the
// responder's reply out to a MIDI output, on the calling thread (the CLI's main thread, the app's
// jam lane), until `stop`. The one loop both front ends run.
//
// Every ~1 ms: drain the input queue (midi_input.h), hand each event to the responder, tick it,
// send what is due. Events carry the time they arrived (stamped on the MIDI thread), so the
// loop's own wake-up jitter does not move the player's notes on the grid. A lost input port ends
// the loop with a message: what sounded is silenced and the recording so far is kept.
#pragma once

#include "generate/jam_responder.h"
#include "playback/midi_input.h"
#include "playback/midi_output.h"
#include "playback/playback_clock.h"

#include <atomic>
#include <functional>
#include <string>

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

// Runs until `stop` (or the input is lost, or the output fails). Never throws for device
// trouble; `callback` (optional) runs on this thread. `handoverNow`, when set by another thread,
// hands over at once (a key in the window) and is cleared.
JamSessionResult runJamSession(JamResponder& responder, play::MidiInput& input, play::MidiOutput& output,
                               const play::PlaybackClock& clock, const std::atomic<bool>& stop,
                               const JamSessionCallback& callback = {}, std::atomic<bool>* handoverNow = nullptr);

}  // namespace pm::gen
