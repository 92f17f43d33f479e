#include "playback/virtual_midi_ports.h"

#if PIANOMUSE_HAVE_RTMIDI
#include "playback/rtmidi_support.h"
#endif

namespace pm::play {

LoopbackPorts findLoopbackPorts(const MidiPortList& inputs, const MidiPortList& outputs) {
    LoopbackPorts found;
    found.input = findMidiPort(inputs, kVirtualInputName);
    found.output = findMidiPort(outputs, kVirtualOutputName);
    for (const auto& p : inputs.ports)
        if (p.index == found.input) found.inputName = p.name;
    for (const auto& p : outputs.ports)
        if (p.index == found.output) found.outputName = p.name;
    return found;
}

std::string loopbackDriverHelp() {
    return std::string("Windows has no virtual MIDI ports. Install a loopback MIDI driver such as loopMIDI "
                       "(https://www.tobias-erichsen.de/software/loopmidi.html) and create two ports in it named \"") +
           kVirtualInputName + "\" and \"" + kVirtualOutputName + "\". PianoMuse then uses them: in your DAW, send to \"" +
           kVirtualInputName + "\" and record from \"" + kVirtualOutputName +
           "\". (Any loopback port also works when picked by name or number as `pianomuse-cli ports` lists it.)";
}

std::string virtualMidiPortsUnavailable(MidiApi api) {
#if !PIANOMUSE_HAVE_RTMIDI
    (void)api;
    return "this build has no MIDI support (RtMidi was not available)";
#else
    if (api == MidiApi::Jack) return jackServerRunning() ? std::string() : noJackServerMessage();
#if defined(_WIN32)
    const LoopbackPorts found = findLoopbackPorts(pm::listMidiInputPorts(), pm::listMidiOutputPorts());
    return found.input >= 0 && found.output >= 0 ? std::string() : loopbackDriverHelp();
#elif defined(__linux__)
    if (detail::alsaUsable()) return {};
    return "virtual MIDI ports need the ALSA sequencer (/dev/snd/seq is missing or not accessible); "
           "with a JACK server running, JACK ports work instead";
#else
    return {};   // CoreMIDI makes virtual ports
#endif
#endif
}

bool openVirtualMidiPorts(VirtualMidiPorts* ports, std::string* error, MidiApi api) {
    std::string ignored;
    if (!error) error = &ignored;
    const std::string why = virtualMidiPortsUnavailable(api);
    if (!why.empty()) {
        *error = why;
        return false;
    }
    VirtualMidiPorts made;
#if defined(_WIN32)
    if (api == MidiApi::System) {
        const LoopbackPorts found = findLoopbackPorts(pm::listMidiInputPorts(), pm::listMidiOutputPorts());
        made.input = RtMidiInput::open(found.inputName, error);
        if (!made.input) return false;
        made.output = RtMidiOutput::open(found.outputName, error);
        if (!made.output) return false;
        made.how = "loopback ports";
        *ports = std::move(made);
        return true;
    }
#endif
    made.input = RtMidiInput::openVirtual(kVirtualInputName, error, api);
    if (!made.input) return false;
    made.output = RtMidiOutput::openVirtual(kVirtualOutputName, error, api);
    if (!made.output) return false;   // the input closes with `made`
    made.how = api == MidiApi::Jack ? "JACK ports" : "virtual ports";
    *ports = std::move(made);
    return true;
}

}  // namespace pm::play
