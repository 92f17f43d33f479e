#include "playback/open_output.h"

#include "playback/fluid_synth_output.h"
#include "playback/rtmidi_output.h"

namespace pm::play {

std::unique_ptr<MidiOutput> openLiveOutput(const std::string& port, const std::string& soundFont, std::string* error) {
    if (!port.empty()) return RtMidiOutput::open(port, error);
    SynthOptions o;
    o.soundFont = soundFont;
    auto synth = FluidSynthOutput::create(o, error);
    if (!synth) return nullptr;
    if (!synth->startAudio(error)) return nullptr;
    return synth;
}

}  // namespace pm::play
