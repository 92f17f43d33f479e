#include "playback/open_output.h"

#include "playback/fluid_synth_output.h"
#include "playback/rtmidi_output.h"

namespace pm::play {

std::unique_ptr<MidiOutput> openLiveOutput(const std::string& port, const std::string& soundFont, std::string* error) {
    // "jack:NAME": the JACK MIDI input NAME (when a JACK server runs).
    if (port.rfind("jack:", 0) == 0) return RtMidiOutput::open(port.substr(5), error, MidiApi::Jack);
    if (!port.empty()) return RtMidiOutput::open(port, error);
    SynthOptions o;
    o.soundFont = soundFont;
    auto synth = FluidSynthOutput::create(o, error);
    if (!synth) return nullptr;
    if (!synth->startAudio(error)) return nullptr;
    return synth;
}

}  // namespace pm::play
