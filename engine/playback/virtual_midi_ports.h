// PianoMuse's own MIDI ports for a DAW or another program: "PianoMuse in" (they play into
// PianoMuse) and "PianoMuse out" (PianoMuse plays into them). The CLI and the app both call this.
//
//   Linux, ALSA:  two virtual sequencer ports (needs /dev/snd/seq).
//   Linux, JACK:  two JACK MIDI ports (needs a running JACK server; MidiApi::Jack).
//   macOS:        CoreMIDI virtual ports (what RtMidi makes there).
//   Windows:      Windows MM has no virtual ports. With a loopback driver such as loopMIDI, create
//                 two loopback ports named "PianoMuse in" and "PianoMuse out"; they are then found
//                 and used. Without them the message says exactly that (loopbackDriverHelp()).
// Guarded like the output side: failures come back as a message, never an exception or a crash.
#pragma once

#include "playback/midi_ports.h"
#include "playback/rtmidi_input.h"
#include "playback/rtmidi_output.h"

#include <memory>
#include <string>

namespace pm::play {

inline constexpr char kVirtualInputName[] = "PianoMuse in";
inline constexpr char kVirtualOutputName[] = "PianoMuse out";

struct VirtualMidiPorts {
    std::unique_ptr<RtMidiInput> input;     // "PianoMuse in": what other programs play arrives here
    std::unique_ptr<RtMidiOutput> output;   // "PianoMuse out": what PianoMuse plays leaves here
    std::string how;                        // "ALSA virtual ports", "JACK ports", "loopMIDI ports", ...
};

// "" when openVirtualMidiPorts(api) can work here (nothing is created to find out), otherwise
// why not and what to do instead, in words for the user.
std::string virtualMidiPortsUnavailable(MidiApi api = MidiApi::System);

// Creates (or on Windows, finds and opens) both ports. False with `error` when it cannot; then
// nothing is left open.
bool openVirtualMidiPorts(VirtualMidiPorts* ports, std::string* error, MidiApi api = MidiApi::System);

// Windows' stand-in for virtual ports, kept platform-free so that it is tested everywhere: the
// loopback ports named kVirtualInputName (in `inputs`) and kVirtualOutputName (in `outputs`),
// matched as findMidiPort does (Windows MM adds a number to each name). Index -1 where missing.
struct LoopbackPorts {
    int input = -1;
    int output = -1;
    std::string inputName, outputName;
};
LoopbackPorts findLoopbackPorts(const MidiPortList& inputs, const MidiPortList& outputs);

// What a Windows user has to do: install a loopback driver (loopMIDI), create the two ports.
std::string loopbackDriverHelp();

}  // namespace pm::play
