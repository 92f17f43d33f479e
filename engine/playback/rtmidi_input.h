// A MidiInput on an RtMidi port: a keyboard or another program's output on ALSA, JACK or
// Windows MM, or a virtual input port that other programs play into (ALSA, JACK).
//
// Opening never throws or crashes (the same guards as RtMidiOutput: no ALSA sequencer, no JACK
// server); failures come back as a message. Once open:
//   - RtMidi's callback thread (JACK: its process thread) stamps each message with the steady
//     clock the moment it arrives and hands the bytes to MidiInput::receive(): parsed, realtime and
//     SysEx dropped and counted, channel messages queued (midi_input.h);
//   - a watcher thread looks every 250 ms whether the port is still there (RtMidi itself does not
//     say when a source goes away) and whether the JACK server still runs; if not, lost() turns
//     true with the reason. The queue keeps what arrived before.
#pragma once

#include "playback/midi_input.h"
#include "playback/midi_ports.h"
#include "playback/rtmidi_output.h"   // MidiApi, jackServerRunning

#include <memory>
#include <string>

namespace pm {
// The input ports on `api`: the system's (listMidiInputPorts(), what `pianomuse-cli ports` prints
// first) or JACK's MIDI outputs (only when a JACK server runs). Never throws. An overload in pm
// beside the system listing, so that neither hides the other.
MidiPortList listMidiInputPorts(play::MidiApi api);
}  // namespace pm

namespace pm::play {

class RtMidiInput : public MidiInput {
public:
    // `port`: as `pianomuse-cli ports` prints it (pm::findMidiPort: exact name, index, part of a name).
    static std::unique_ptr<RtMidiInput> open(const std::string& port, std::string* error,
                                             MidiApi api = MidiApi::System);
    // A virtual input port named `name` that other programs connect to and play into: ALSA, or
    // JACK when a JACK server runs. Not on Windows (see virtual_midi_ports.h: a loopback driver).
    static std::unique_ptr<RtMidiInput> openVirtual(const std::string& name, std::string* error,
                                                    MidiApi api = MidiApi::System);

    ~RtMidiInput() override;   // closes the port, then stops the watcher; drained events stay valid
    std::string name() const override { return name_; }
    // The last warning the MIDI library reported while running (e.g. an undecodable ALSA
    // event), "" when none: for the log, it does not stop the input.
    std::string backendWarning() const;

private:
    struct Impl;
    explicit RtMidiInput(std::string name);
    std::unique_ptr<Impl> impl_;
    std::string name_;
};

// The user's input choice as one string, the way openLiveOutput takes outputs: "jack:NAME" a JACK
// MIDI output, otherwise a system port (name or index). nullptr with `error` when it cannot open.
std::unique_ptr<RtMidiInput> openLiveInput(const std::string& port, std::string* error);

}  // namespace pm::play
