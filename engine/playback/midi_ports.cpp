#include "playback/midi_ports.h"

#include <exception>

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

}  // namespace

MidiPortList listMidiOutputPorts() {
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
        RtMidiOut out(api, "PianoMuse");
        std::string rtError;
        out.setErrorCallback(&collectRtMidiError, &rtError);
        list.backend = RtMidi::getApiDisplayName(out.getCurrentApi());
        const unsigned count = out.getPortCount();
        for (unsigned i = 0; i < count; ++i) {
            const std::string name = out.getPortName(i);
            if (!name.empty()) list.ports.push_back({int(i), name});
        }
        list.available = true;
        if (list.ports.empty()) list.message = rtError.empty() ? "no MIDI output ports" : rtError;
    } catch (const RtMidiError& e) {
        list.reason = MidiUnavailableReason::BackendError;
        list.message = e.getMessage();
    } catch (const std::exception& e) {
        list.reason = MidiUnavailableReason::BackendError;
        list.message = e.what();
    }
    return list;
}

#else

MidiPortList listMidiOutputPorts() {
    MidiPortList list;
    list.reason = MidiUnavailableReason::NotCompiled;
    list.message = "this build has no MIDI output support (RtMidi was not available)";
    return list;
}

#endif

}  // namespace pm
