// One place that turns the user's choice ("Built-in piano" or a port name) into a live output,
// so the CLI and the app fall back and explain failures the same way.
#pragma once

#include "playback/midi_output.h"

#include <memory>
#include <string>

namespace pm::play {

// `port` empty: the built-in FluidSynth piano on the system's audio device (`soundFont` may
// name the soundfont); "jack:NAME" the JACK MIDI input NAME; otherwise the RtMidi output port
// of that name (ALSA on Linux). nullptr with a message
// in `error` when it cannot be opened.
std::unique_ptr<MidiOutput> openLiveOutput(const std::string& port, const std::string& soundFont, std::string* error);

}  // namespace pm::play
