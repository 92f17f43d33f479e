#include "playback/rtmidi_output.h"

#include <chrono>
#include <thread>

#include "playback/midi_ports.h"

#if PIANOMUSE_HAVE_RTMIDI
#include "playback/rtmidi_support.h"
#endif
#if PIANOMUSE_HAVE_JACK
#include <jack/jack.h>
#include <unistd.h>   // getpid
#endif

namespace pm::play {

#if PIANOMUSE_HAVE_JACK
namespace {
void quietJack(const char*) {}
}  // namespace
bool jackServerRunning() {
    // libjack prints "Cannot connect to server socket" and the like when there is no server:
    // that is the expected answer here, not something for the user's terminal.
    jack_set_error_function(quietJack);
    jack_set_info_function(quietJack);
    jack_status_t status{};
    // A name of this process's own: libjack names a client's notification socket after the
    // client alone, so two processes probing at the same moment under one name (two PianoMuse
    // processes; parallel tests on two servers) break each other's probe.
    const std::string name = "PianoMuse probe " + std::to_string(getpid());
    jack_client_t* client = jack_client_open(name.c_str(), JackNoStartServer, &status);
    if (!client) return false;
    jack_client_close(client);
    return true;
}
#else
bool jackServerRunning() { return false; }
#endif

std::string noJackServerMessage() {
    return "no JACK server is running (JACK MIDI needs one, e.g. jackd -d dummy or a desktop's JACK/PipeWire)";
}

#if PIANOMUSE_HAVE_RTMIDI
struct RtMidiOutput::Impl {
    explicit Impl(RtMidi::Api api) : out(api, "PianoMuse") { out.setErrorCallback(&collect, &lastError); }
    // RtMidi 5's JACK output frees its ring buffer before closing the client, while JACK's process
    // thread may still be reading it (a crash seen in about 1 of 7 runs of the JACK tests). Closing
    // the port first makes the process callback return early; waiting a little lets a callback
    // already under way finish before the buffer goes.
    ~Impl() {
        if (out.getCurrentApi() == RtMidi::UNIX_JACK && out.isPortOpen()) {
            out.closePort();
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        }
    }
    static void collect(RtMidiError::Type, const std::string& text, void* user) {
        *static_cast<std::string*>(user) = text;
    }
    RtMidiOut out;
    std::string lastError;   // what RtMidi reported during the last call (it would print or throw)
};

using detail::alsaUsable;
using detail::systemApi;

namespace {
// The JACK MIDI inputs, as a port list in RtMidi's order (the server runs: checked by the caller).
MidiPortList listJackOutputs() {
    MidiPortList list;
    try {
        RtMidiOut out(RtMidi::UNIX_JACK, "PianoMuse");
        list.backend = "JACK";
        const unsigned count = out.getPortCount();
        for (unsigned i = 0; i < count; ++i) list.ports.push_back({int(i), out.getPortName(i)});
        list.available = true;
    } catch (const RtMidiError& e) {
        list.message = e.getMessage();
    }
    return list;
}
}  // namespace

static MidiPortList listOutputPortsOn(MidiApi api) {
    if (api == MidiApi::System) return listMidiOutputPorts();
    if (!jackServerRunning()) {
        MidiPortList list;
        list.backend = "JACK";
        list.reason = MidiUnavailableReason::NoUsableSystem;
        list.message = noJackServerMessage();
        return list;
    }
    MidiPortList list = listJackOutputs();
    if (list.available && list.ports.empty()) list.message = "no JACK MIDI inputs to play into";
    return list;
}

std::unique_ptr<RtMidiOutput> RtMidiOutput::open(const std::string& portName, std::string* error, MidiApi api) {
    if (api == MidiApi::Jack && !jackServerRunning()) {
        if (error) *error = noJackServerMessage();
        return nullptr;
    }
    // The listing knows which API is safe to construct here; use the same check.
    const MidiPortList list = api == MidiApi::Jack ? listJackOutputs() : listMidiOutputPorts();
    if (!list.available) {
        if (error) *error = "no MIDI output: " + list.message;
        return nullptr;
    }
    int index = -1;
    for (const auto& p : list.ports)
        if (p.name == portName) index = p.index;
    if (index < 0)
        for (const auto& p : list.ports)
            if (p.name.find(portName) != std::string::npos) {
                index = p.index;
                break;
            }
    if (index < 0) {
        if (error) *error = "no MIDI output port named \"" + portName + "\"";
        return nullptr;
    }
    try {
        auto impl = std::make_unique<Impl>(api == MidiApi::Jack ? RtMidi::UNIX_JACK : systemApi());
        const std::string name = impl->out.getPortName(unsigned(index));
        impl->out.openPort(unsigned(index), "PianoMuse output");
        if (!impl->out.isPortOpen()) {
            if (error) *error = "could not open MIDI port \"" + name + "\"";
            return nullptr;
        }
        return std::unique_ptr<RtMidiOutput>(new RtMidiOutput(std::move(impl), name));
    } catch (const RtMidiError& e) {
        if (error) *error = e.getMessage();
    } catch (const std::exception& e) {
        if (error) *error = e.what();
    }
    return nullptr;
}

std::unique_ptr<RtMidiOutput> RtMidiOutput::openVirtual(const std::string& name, std::string* error, MidiApi api) {
    if (api == MidiApi::Jack && !jackServerRunning()) {
        if (error) *error = noJackServerMessage();
        return nullptr;
    }
    if (api == MidiApi::System && !alsaUsable()) {
        if (error) *error = "virtual MIDI ports need the ALSA sequencer (/dev/snd/seq)";
        return nullptr;
    }
    try {
        auto impl = std::make_unique<Impl>(api == MidiApi::Jack ? RtMidi::UNIX_JACK : RtMidi::LINUX_ALSA);
        impl->out.openVirtualPort(name);
        return std::unique_ptr<RtMidiOutput>(new RtMidiOutput(std::move(impl), name));
    } catch (const RtMidiError& e) {
        if (error) *error = e.getMessage();
    } catch (const std::exception& e) {
        if (error) *error = e.what();
    }
    return nullptr;
}

bool RtMidiOutput::send(const MidiMessage& message) {
    impl_->lastError.clear();
    try {
        impl_->out.sendMessage(message.bytes, message.size);
    } catch (...) {
        return false;
    }
    return impl_->lastError.empty();
}

#else
struct RtMidiOutput::Impl {};
static MidiPortList listOutputPortsOn(MidiApi api) {
    if (api == MidiApi::System) return listMidiOutputPorts();
    MidiPortList list;
    list.reason = MidiUnavailableReason::NotCompiled;
    list.message = "this build has no MIDI output support (RtMidi)";
    return list;
}
std::unique_ptr<RtMidiOutput> RtMidiOutput::open(const std::string&, std::string* error, MidiApi) {
    if (error) *error = "this build has no MIDI output support (RtMidi)";
    return nullptr;
}
std::unique_ptr<RtMidiOutput> RtMidiOutput::openVirtual(const std::string&, std::string* error, MidiApi) {
    if (error) *error = "this build has no MIDI output support (RtMidi)";
    return nullptr;
}
bool RtMidiOutput::send(const MidiMessage&) { return false; }
#endif

RtMidiOutput::RtMidiOutput(std::unique_ptr<Impl> impl, std::string name) : impl_(std::move(impl)), name_(std::move(name)) {}
RtMidiOutput::~RtMidiOutput() = default;

}  // namespace pm::play

namespace pm {
MidiPortList listMidiOutputPorts(play::MidiApi api) { return play::listOutputPortsOn(api); }
}  // namespace pm
