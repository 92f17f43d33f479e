// A MidiOutput on an RtMidi port: a named system port, or a virtual port "PianoMuse" that other
// programs connect to. Opening never throws or crashes; failures come back as a message.
#pragma once

#include "playback/midi_output.h"

#include <memory>
#include <string>

namespace pm::play {

class RtMidiOutput : public MidiOutput {
public:
    // The first output port whose name equals `portName`, else the first that contains it.
    static std::unique_ptr<RtMidiOutput> open(const std::string& portName, std::string* error);
    // A virtual output port (ALSA only: RtMidi's JACK virtual port segfaults without a server).
    static std::unique_ptr<RtMidiOutput> openVirtual(const std::string& name, std::string* error);

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
