// A MidiOutput on an RtMidi port: a named system port, or a virtual port "PianoMuse" that other
// programs connect to. Opening never throws or crashes; failures come back as a message.
#pragma once

#include "playback/midi_output.h"
#include "playback/midi_ports.h"

#include <memory>
#include <string>

namespace pm::play {

// Which MIDI system a port lives on: the platform's own (ALSA on Linux), or JACK.
enum class MidiApi { System, Jack };

// True when a JACK server is running and accepts clients (the one $JACK_DEFAULT_SERVER names, or
// "default"). Asked without starting a server and without printing. False in builds without
// JACK. RtMidi's JACK API is only used after this said yes (it crashes without a server).
bool jackServerRunning();
// What to tell the user when JACK was chosen but no server runs.
std::string noJackServerMessage();

class RtMidiOutput : public MidiOutput {
public:
    // The first output port whose name equals `portName`, else the first that contains it.
    // On JACK the ports are the JACK MIDI inputs (other programs' "in" ports).
    static std::unique_ptr<RtMidiOutput> open(const std::string& portName, std::string* error,
                                              MidiApi api = MidiApi::System);
    // A virtual output port others connect to: ALSA, or JACK when a JACK server runs (checked
    // first: RtMidi's JACK virtual port segfaults without a server).
    static std::unique_ptr<RtMidiOutput> openVirtual(const std::string& name, std::string* error,
                                                     MidiApi api = MidiApi::System);

    ~RtMidiOutput() override;
    bool send(const MidiMessage& message) override;
    std::string name() const override { return name_; }

private:
    struct Impl;
    RtMidiOutput(std::unique_ptr<Impl> impl, std::string name);
    std::unique_ptr<Impl> impl_;
    std::string name_;
};

}  // namespace pm::play

namespace pm {
// The output ports on `api`: the system's (listMidiOutputPorts()) or the JACK MIDI inputs (only
// when a JACK server runs). Never throws. An overload in pm beside the system listing, so that
// neither hides the other.
MidiPortList listMidiOutputPorts(play::MidiApi api);
}  // namespace pm
