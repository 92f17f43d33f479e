// The seam between playback and hardware: a MIDI output takes short channel messages. Behind it
// sit an RtMidi port, the built-in FluidSynth piano, or (in tests) a fake that records them.
#pragma once

#include <cstdint>
#include <string>

namespace pm::play {

struct MidiMessage {
    std::uint8_t bytes[3] = {0, 0, 0};
    std::uint8_t size = 3;

    std::uint8_t status() const { return bytes[0] & 0xF0; }
    std::uint8_t channel() const { return bytes[0] & 0x0F; }
    bool operator==(const MidiMessage& o) const {
        return size == o.size && bytes[0] == o.bytes[0] && bytes[1] == o.bytes[1] && bytes[2] == o.bytes[2];
    }

    static MidiMessage noteOn(int channel, int pitch, int velocity) { return make(0x90, channel, pitch, velocity); }
    static MidiMessage noteOff(int channel, int pitch) { return make(0x80, channel, pitch, 0); }
    static MidiMessage controlChange(int channel, int controller, int value) {
        return make(0xB0, channel, controller, value);
    }
    static MidiMessage sustain(int channel, bool down) { return controlChange(channel, 64, down ? 127 : 0); }
    static MidiMessage allNotesOff(int channel) { return controlChange(channel, 123, 0); }

private:
    static MidiMessage make(int status, int channel, int a, int b) {
        MidiMessage m;
        m.bytes[0] = std::uint8_t(status | (channel & 0x0F));
        m.bytes[1] = std::uint8_t(a & 0x7F);
        m.bytes[2] = std::uint8_t(b & 0x7F);
        return m;
    }
};

class MidiOutput {
public:
    virtual ~MidiOutput() = default;
    // False when the device is gone or refused the message (the scheduler then stops).
    virtual bool send(const MidiMessage& message) = 0;
    virtual std::string name() const = 0;

    // Sustain off and all notes off on every channel: what stop, errors and exit send so that
    // nothing keeps sounding. Best effort: a dead device is not an error here.
    void silence() {
        for (int ch = 0; ch < 16; ++ch) {
            send(MidiMessage::sustain(ch, false));
            send(MidiMessage::allNotesOff(ch));
        }
    }
};

}  // namespace pm::play
