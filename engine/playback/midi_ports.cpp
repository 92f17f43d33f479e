#include "playback/midi_ports.h"

#include <exception>
#include <string>

#if PIANOMUSE_HAVE_RTMIDI
#include <RtMidi.h>
#endif

#if defined(__linux__)
#include <unistd.h>   // access
#endif

namespace pm {

bool midiOutputSupported() { return PIANOMUSE_HAVE_RTMIDI != 0; }

#if PIANOMUSE_HAVE_RTMIDI
namespace {

// RtMidi reports non-fatal problems through this callback (or stderr without one); we turn
// them into our message instead of letting the library print or throw.
void collectRtMidiError(RtMidiError::Type, const std::string& text, void* userData) {
    auto* message = static_cast<std::string*>(userData);
    if (message->empty()) *message = text;
}

// Which compiled-in API can actually work on this machine. Asking RtMidi for an API whose
// system service is missing is exactly what throws or crashes, so we check first.
RtMidi::Api usableApi(std::string* why, MidiUnavailableReason* reason) {
    std::vector<RtMidi::Api> apis;
    RtMidi::getCompiledApi(apis);
    for (RtMidi::Api api : apis) {
#if defined(__linux__)
        if (api == RtMidi::LINUX_ALSA) {
            if (access("/dev/snd/seq", R_OK | W_OK) == 0) return api;
            *why = "no ALSA sequencer (/dev/snd/seq is missing or not accessible)";
            *reason = MidiUnavailableReason::NoAlsaSequencer;
            continue;
        }
        if (api == RtMidi::UNIX_JACK) continue;  // only used when a JACK server is known to run
#endif
        if (api == RtMidi::RTMIDI_DUMMY) continue;
        return api;
    }
    return RtMidi::UNSPECIFIED;
}

// Lists the ports of an RtMidiOut (outputs) or RtMidiIn (inputs) on the API that can work here.
template <typename RtMidiPorts>
MidiPortList listPorts(const char* noPortsMessage) {
    MidiPortList list;
    std::string why;
    MidiUnavailableReason reason = MidiUnavailableReason::NoUsableSystem;
    const RtMidi::Api api = usableApi(&why, &reason);
    if (api == RtMidi::UNSPECIFIED) {
        list.reason = reason;
        list.message = why.empty() ? "no usable MIDI system was found" : why;
        return list;
    }
    try {
        RtMidiPorts ports(api, "PianoMuse");
        std::string rtError;
        ports.setErrorCallback(&collectRtMidiError, &rtError);
        list.backend = RtMidi::getApiDisplayName(ports.getCurrentApi());
        const unsigned count = ports.getPortCount();
        for (unsigned i = 0; i < count; ++i) {
            const std::string name = ports.getPortName(i);
            if (!name.empty()) list.ports.push_back({int(i), name});
        }
        list.available = true;
        if (list.ports.empty()) list.message = rtError.empty() ? noPortsMessage : rtError;
    } catch (const RtMidiError& e) {
        list.reason = MidiUnavailableReason::BackendError;
        list.message = e.getMessage();
    } catch (const std::exception& e) {
        list.reason = MidiUnavailableReason::BackendError;
        list.message = e.what();
    }
    return list;
}

}  // namespace

MidiPortList listMidiOutputPorts() { return listPorts<RtMidiOut>("no MIDI output ports"); }

MidiPortList listMidiInputPorts() {
    const std::string none = noMidiInputsMessage();
    return listPorts<RtMidiIn>(none.c_str());
}

#else

MidiPortList listMidiOutputPorts() {
    MidiPortList list;
    list.reason = MidiUnavailableReason::NotCompiled;
    list.message = "this build has no MIDI output support (RtMidi was not available)";
    return list;
}

MidiPortList listMidiInputPorts() {
    MidiPortList list;
    list.reason = MidiUnavailableReason::NotCompiled;
    list.message = "this build has no MIDI input support (RtMidi was not available)";
    return list;
}

#endif

std::string noMidiInputsMessage() {
    return "no MIDI input ports: connect a MIDI keyboard (USB, or through a MIDI interface) and list the ports "
           "again, or let another program play into PianoMuse's virtual input \"PianoMuse in\"";
}

int findMidiPort(const MidiPortList& list, const std::string& nameOrIndex) {
    if (nameOrIndex.empty()) return -1;
    for (const auto& p : list.ports)
        if (p.name == nameOrIndex) return p.index;
    if (nameOrIndex.find_first_not_of("0123456789") == std::string::npos && nameOrIndex.size() <= 6) {
        const int index = std::stoi(nameOrIndex);
        for (const auto& p : list.ports)
            if (p.index == index) return p.index;
    }
    for (const auto& p : list.ports)
        if (p.name.find(nameOrIndex) != std::string::npos) return p.index;
    return -1;
}

}  // namespace pm
