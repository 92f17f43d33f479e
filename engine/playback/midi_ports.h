// Listing MIDI output and input ports without ever crashing.
//
// Debian's RtMidi throws when there is no ALSA sequencer (/dev/snd/seq, e.g. in containers and
// CI) and segfaults in openVirtualPort() when no JACK server runs. Everything here is guarded:
// failures come back as a message, never as an exception or a crash.
#pragma once

#include <string>
#include <vector>

namespace pm {

struct MidiPortInfo {
    int index = 0;
    std::string name;
};

// Why no MIDI output (or input) is available, as a code the GUI can translate.
enum class MidiUnavailableReason {
    None,               // available
    NotCompiled,        // this build has no RtMidi
    NoAlsaSequencer,    // Linux without /dev/snd/seq (containers, CI, some VMs)
    NoUsableSystem,     // no compiled-in API can work here
    BackendError,       // the MIDI library reported an error; see message
};

struct MidiPortList {
    bool available = false;             // a MIDI backend could be opened at all
    MidiUnavailableReason reason = MidiUnavailableReason::None;
    std::string backend;                // "ALSA", "JACK", "Windows MM", ... or empty
    std::vector<MidiPortInfo> ports;
    std::string message;                // why nothing is available, in words for the user
};

// Lists MIDI output ports. Never throws.
MidiPortList listMidiOutputPorts();

// Lists MIDI input ports (keyboards; other programs' outputs) on the same system as the outputs,
// with the same guards and reasons. Never throws. Available but empty: `message` is
// noMidiInputsMessage().
MidiPortList listMidiInputPorts();

// What to do when there is nothing to play from, in words for the user.
std::string noMidiInputsMessage();

// The port a user's choice means, as `pianomuse-cli ports` prints them: an exact name, else an
// index in the list, else the first name that contains it. Its RtMidi index, or -1.
int findMidiPort(const MidiPortList& list, const std::string& nameOrIndex);

// True when this build has RtMidi at all (inputs and outputs alike).
bool midiOutputSupported();

}  // namespace pm
