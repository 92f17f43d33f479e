#include "playback/rtmidi_input.h"

#include "playback/virtual_midi_ports.h"   // loopbackDriverHelp

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if PIANOMUSE_HAVE_RTMIDI
#include "playback/rtmidi_support.h"
#endif
#if PIANOMUSE_HAVE_JACK
#include <jack/jack.h>
#endif

namespace pm::play {

#if PIANOMUSE_HAVE_RTMIDI

namespace {

double steadySeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// How often the watcher looks for the port: a lost keyboard is noticed within this, and a
// listing costs microseconds (ALSA: a few ioctls; JACK: a walk of the shared port table).
constexpr std::chrono::milliseconds kWatchPeriod{250};

void ignoreRtMidiError(RtMidiError::Type, const std::string&, void*) {}

}  // namespace

static MidiPortList listInputPortsOn(MidiApi api) {
    if (api == MidiApi::System) return listMidiInputPorts();
    MidiPortList list;
    list.backend = "JACK";
    if (!jackServerRunning()) {
        list.reason = MidiUnavailableReason::NoUsableSystem;
        list.message = noJackServerMessage();
        return list;
    }
    try {
        RtMidiIn in(RtMidi::UNIX_JACK, "PianoMuse");
        in.setErrorCallback(&ignoreRtMidiError, nullptr);
        const unsigned count = in.getPortCount();
        for (unsigned i = 0; i < count; ++i) {
            const std::string name = in.getPortName(i);
            if (!name.empty()) list.ports.push_back({int(i), name});
        }
        list.available = true;
        if (list.ports.empty()) list.message = noMidiInputsMessage();
    } catch (const RtMidiError& e) {
        list.reason = MidiUnavailableReason::BackendError;
        list.message = e.getMessage();
    } catch (const std::exception& e) {
        list.reason = MidiUnavailableReason::BackendError;
        list.message = e.what();
    }
    return list;
}

struct RtMidiInput::Impl {
    Impl(RtMidiInput* owner, MidiApi which)
        : self(owner), api(which), in(which == MidiApi::Jack ? RtMidi::UNIX_JACK : detail::systemApi(), "PianoMuse") {
        // With an error callback RtMidi neither prints nor throws; errors while opening and
        // warnings from its input thread both land here.
        in.setErrorCallback(&Impl::onError, this);
        in.setCallback(&Impl::onMidi, this);
        // Realtime and SysEx are wanted here so that MidiInput drops and counts them. (Ignored
        // inside RtMidi, an unterminated SysEx on JACK would also swallow the notes after it.)
        in.ignoreTypes(false, false, false);
    }

    // RtMidi's thread: the arrival time first, then parse and queue (no locks, no allocation).
    static void onMidi(double, std::vector<unsigned char>* message, void* user) {
        const double now = steadySeconds();
        auto* impl = static_cast<Impl*>(user);
        if (message && !message->empty()) impl->self->receive(message->data(), message->size(), now);
    }
    static void onError(RtMidiError::Type, const std::string& text, void* user) {
        auto* impl = static_cast<Impl*>(user);
        std::lock_guard<std::mutex> lock(impl->errorMutex);
        impl->lastError = text;
    }
    std::string takeError() {
        std::lock_guard<std::mutex> lock(errorMutex);
        std::string e;
        e.swap(lastError);
        return e;
    }

    void startWatching() { watcher = std::thread([this] { watch(); }); }
    void stopWatching() {
        {
            std::lock_guard<std::mutex> lock(watchMutex);
            stopping = true;
        }
        watchWake.notify_all();
        if (watcher.joinable()) watcher.join();
    }
    // Waits one period; true when asked to stop.
    bool waitOrStop() {
        std::unique_lock<std::mutex> lock(watchMutex);
        return watchWake.wait_for(lock, kWatchPeriod, [this] { return stopping; });
    }
    std::string goneMessage() const {
        return "the MIDI input \"" + source + "\" is gone (unplugged, or the program it belongs to quit)";
    }

    void watch() {
        if (api == MidiApi::Jack)
            watchJack();
        else if (!source.empty())
            watchSystem();
    }

    // A listing client of its own: RtMidi objects are not meant to be shared between threads,
    // and `in` is in use by RtMidi's input thread.
    void watchSystem() {
        std::unique_ptr<RtMidiIn> lister;
        try {
            lister = std::make_unique<RtMidiIn>(detail::systemApi(), "PianoMuse");
            lister->setErrorCallback(&ignoreRtMidiError, nullptr);
        } catch (...) {
            return;   // cannot list (the system went away in between): nothing to watch with
        }
        while (!waitOrStop()) {
            bool present = false;
            try {
                const unsigned count = lister->getPortCount();
                for (unsigned i = 0; i < count && !present; ++i) present = lister->getPortName(i) == source;
            } catch (...) {
                present = false;
            }
            if (!present) {
                self->reportLost(goneMessage());
                return;
            }
        }
    }

    void watchJack() {
#if PIANOMUSE_HAVE_JACK
        // RtMidi's JACK client is not told when the server stops; a client of our own is
        // (jack_on_shutdown), and it can look the source port up by name.
        jack_status_t status{};
        jack_client_t* client = jack_client_open("PianoMuse watch", JackNoStartServer, &status);
        if (!client) {
            self->reportLost("the JACK server stopped");
            return;
        }
        jack_on_shutdown(
            client, [](void* flag) { static_cast<std::atomic<bool>*>(flag)->store(true); }, &jackServerGone);
        while (!waitOrStop()) {
            if (jackServerGone.load()) {
                self->reportLost("the JACK server stopped");
                break;
            }
            if (!source.empty() && jack_port_by_name(client, source.c_str()) == nullptr) {
                self->reportLost(goneMessage());
                break;
            }
        }
        jack_client_close(client);
#endif
    }

    RtMidiInput* self;
    MidiApi api;
    RtMidiIn in;
    std::string source;   // the port listened to, as listed; "" for a virtual port

    std::mutex errorMutex;
    std::string lastError;

    std::thread watcher;
    // Set by libjack's thread when the server goes. A member, not a local of watchJack(): it is
    // then initialised before that thread exists.
    std::atomic<bool> jackServerGone{false};
    std::mutex watchMutex;
    std::condition_variable watchWake;
    bool stopping = false;
};

std::unique_ptr<RtMidiInput> RtMidiInput::open(const std::string& port, std::string* error, MidiApi api) {
    std::string ignored;
    if (!error) error = &ignored;
    if (api == MidiApi::Jack && !jackServerRunning()) {
        *error = noJackServerMessage();
        return nullptr;
    }
    // The listing knows which API is safe to construct here; opening uses the same check.
    const MidiPortList list = listMidiInputPorts(api);
    if (!list.available) {
        *error = "no MIDI input: " + list.message;
        return nullptr;
    }
    if (list.ports.empty()) {
        *error = list.message;
        return nullptr;
    }
    const int index = findMidiPort(list, port);
    if (index < 0) {
        std::string names;
        for (const auto& p : list.ports) names += (names.empty() ? "" : ", ") + std::to_string(p.index) + ": " + p.name;
        *error = "no MIDI input port \"" + port + "\" (the inputs are " + names + ")";
        return nullptr;
    }
    std::string listed;
    for (const auto& p : list.ports)
        if (p.index == index) listed = p.name;
    try {
        std::unique_ptr<RtMidiInput> input(new RtMidiInput(listed));
        input->impl_ = std::make_unique<Impl>(input.get(), api);
        Impl& impl = *input->impl_;
        // Ports come and go: open only the port that was listed under this index.
        if (impl.in.getPortName(unsigned(index)) != listed) {
            *error = "the MIDI inputs changed while opening \"" + listed + "\"; try again";
            return nullptr;
        }
        impl.in.openPort(unsigned(index), "PianoMuse input");
        if (!impl.in.isPortOpen()) {
            const std::string why = impl.takeError();
            *error = "could not open the MIDI input \"" + listed + "\"" + (why.empty() ? "" : ": " + why);
            return nullptr;
        }
        impl.takeError();
        impl.source = listed;
        impl.startWatching();
        return input;
    } catch (const RtMidiError& e) {
        *error = e.getMessage();
    } catch (const std::exception& e) {
        *error = e.what();
    }
    return nullptr;
}

std::unique_ptr<RtMidiInput> RtMidiInput::openVirtual(const std::string& name, std::string* error, MidiApi api) {
    std::string ignored;
    if (!error) error = &ignored;
    if (api == MidiApi::Jack && !jackServerRunning()) {
        *error = noJackServerMessage();
        return nullptr;
    }
#if defined(_WIN32)
    if (api == MidiApi::System) {
        *error = loopbackDriverHelp();
        return nullptr;
    }
#endif
    if (api == MidiApi::System && !detail::alsaUsable()) {
        *error = "a virtual MIDI input needs the ALSA sequencer (/dev/snd/seq is missing or not accessible), "
                 "or a JACK server (jack:)";
        return nullptr;
    }
    try {
        std::unique_ptr<RtMidiInput> input(new RtMidiInput(name));
        input->impl_ = std::make_unique<Impl>(input.get(), api);
        Impl& impl = *input->impl_;
        impl.in.openVirtualPort(name);
        // RtMidi has no "is the virtual port open"; a failure came through the error callback.
        const std::string why = impl.takeError();
        if (!why.empty()) {
            *error = "could not create the virtual MIDI input \"" + name + "\": " + why;
            return nullptr;
        }
        if (api == MidiApi::Jack) impl.startWatching();   // the server may stop
        return input;
    } catch (const RtMidiError& e) {
        *error = e.getMessage();
    } catch (const std::exception& e) {
        *error = e.what();
    }
    return nullptr;
}

RtMidiInput::~RtMidiInput() {
    if (!impl_) return;
    // The port first, so that RtMidi's thread no longer calls into this object; then the watcher.
    try {
        impl_->in.closePort();
        impl_->in.cancelCallback();
    } catch (...) {
    }
    impl_->stopWatching();
    impl_.reset();
}

std::string RtMidiInput::backendWarning() const {
    if (!impl_) return {};
    std::lock_guard<std::mutex> lock(impl_->errorMutex);
    return impl_->lastError;
}

#else   // no RtMidi in this build

struct RtMidiInput::Impl {};

static MidiPortList listInputPortsOn(MidiApi api) {
    if (api == MidiApi::System) return listMidiInputPorts();
    MidiPortList list;
    list.reason = MidiUnavailableReason::NotCompiled;
    list.message = "this build has no MIDI input support (RtMidi)";
    return list;
}
std::unique_ptr<RtMidiInput> RtMidiInput::open(const std::string&, std::string* error, MidiApi) {
    if (error) *error = "this build has no MIDI input support (RtMidi)";
    return nullptr;
}
std::unique_ptr<RtMidiInput> RtMidiInput::openVirtual(const std::string&, std::string* error, MidiApi) {
    if (error) *error = "this build has no MIDI input support (RtMidi)";
    return nullptr;
}
RtMidiInput::~RtMidiInput() = default;
std::string RtMidiInput::backendWarning() const { return {}; }

#endif

RtMidiInput::RtMidiInput(std::string name) : name_(std::move(name)) {}

std::unique_ptr<RtMidiInput> openLiveInput(const std::string& port, std::string* error) {
    if (port.rfind("jack:", 0) == 0) return RtMidiInput::open(port.substr(5), error, MidiApi::Jack);
    return RtMidiInput::open(port, error);
}

}  // namespace pm::play

namespace pm {
MidiPortList listMidiInputPorts(play::MidiApi api) { return play::listInputPortsOn(api); }
}  // namespace pm
