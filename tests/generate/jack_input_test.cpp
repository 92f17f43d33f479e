// MIDI input through a real MIDI system: the test starts its own JACK server (dummy driver, as
// jack_loopback_test.cpp does), plays from a JACK MIDI output port of its own (an RtMidiOut, the
// "keyboard") into PianoMuse's RtMidiInput, and checks what arrives: every channel message in
// order, running status applied, clock / active sensing / SysEx dropped and counted, each event
// stamped between its send and its drain (causality, not speed: the latencies are printed), and
// the 10 s x 1,000 events/s burst with a consumer that stalls for a second.
// Then the faults: no input ports at all, the keyboard going away mid-phrase, the server
// stopping, and PianoMuse's own virtual ports "PianoMuse in" / "PianoMuse out".
// No jackd (Debian: jackd2): skipped with a message.
#include "playback/midi_ports.h"
#include "playback/rtmidi_input.h"
#include "playback/virtual_midi_ports.h"

#include "jack_test_server.h"

#include <RtMidi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace pm::play;
using pm::play::test::findJackd;
using pm::play::test::JackServer;

namespace {

double steadyNow() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

using Bytes = std::vector<unsigned char>;

// Drains `in` into `got` until `count` events are there or `seconds` pass.
bool drainUntil(MidiInput& in, std::vector<MidiInputEvent>* got, std::size_t count, double seconds,
                std::vector<double>* drainTimes = nullptr) {
    const double until = steadyNow() + seconds;
    while (got->size() < count) {
        in.drain(got);
        if (drainTimes) drainTimes->resize(got->size(), steadyNow());   // when each was taken
        if (steadyNow() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

void send(RtMidiOut& out, const Bytes& bytes) { out.sendMessage(&bytes); }
void send(const std::unique_ptr<RtMidiOut>& out, const Bytes& bytes) { out->sendMessage(&bytes); }

template <typename Pred>
bool waitFor(Pred pred, double seconds) {
    const double until = steadyNow() + seconds;
    while (!pred()) {
        if (steadyNow() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// A JACK connection takes effect with a later graph change: probes sent before it are lost.
// Sends a probe (CC 1 on channel 16) until one arrives, then throws away everything received.
bool waitUntilLive(RtMidiOut& keyboard, MidiInput& in) {
    std::vector<MidiInputEvent> got;
    const Bytes probe = {0xBF, 0x01, 0x00};
    for (int i = 0; i < 60; ++i) {
        keyboard.sendMessage(&probe);
        if (drainUntil(in, &got, 1, 0.05)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));   // late probes arrive now
            got.clear();
            in.drain(&got);
            return true;
        }
    }
    return false;
}

class JackInput : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string jackd = findJackd();
        if (jackd.empty()) GTEST_SKIP() << "jackd is not installed (Debian: apt install jackd2): no JACK input test";
        std::string why;
        ASSERT_TRUE(server_.start(jackd, &why)) << why;
    }
    // A JACK MIDI output port "PianoMuse test keyboard:keys" that the test plays from.
    std::unique_ptr<RtMidiOut> makeKeyboard() {
        auto keyboard = std::make_unique<RtMidiOut>(RtMidi::UNIX_JACK, "PianoMuse test keyboard");
        keyboard->openVirtualPort("keys");
        return keyboard;
    }
    JackServer server_;
};

TEST_F(JackInput, NoInputPortsAtAllIsExplained) {
    // A fresh dummy-driver server has no MIDI outputs to listen to.
    const pm::MidiPortList list = pm::listMidiInputPorts(pm::play::MidiApi::Jack);
    EXPECT_TRUE(list.available);
    EXPECT_TRUE(list.ports.empty());
    EXPECT_EQ(list.message, pm::noMidiInputsMessage());
    std::string error;
    EXPECT_EQ(RtMidiInput::open("keys", &error, pm::play::MidiApi::Jack), nullptr);
    EXPECT_EQ(error, pm::noMidiInputsMessage());
    // With a keyboard there, a wrong name lists what there is.
    auto keyboard = makeKeyboard();
    error.clear();
    EXPECT_EQ(openLiveInput("jack:Grand Piano", &error), nullptr);
    EXPECT_NE(error.find("\"Grand Piano\""), std::string::npos) << error;
    EXPECT_NE(error.find("0: PianoMuse test keyboard:keys"), std::string::npos) << error;
}

TEST_F(JackInput, APhraseArrivesInOrderWithTimestampsAndTheNoiseIsDropped) {
    auto keyboard = makeKeyboard();
    std::string error;
    // By index, as `pianomuse-cli ports` would print it (the only JACK MIDI output here).
    auto in = openLiveInput("jack:0", &error);
    ASSERT_NE(in, nullptr) << error;
    EXPECT_EQ(in->name(), "PianoMuse test keyboard:keys");
    ASSERT_TRUE(waitUntilLive(*keyboard, *in)) << "nothing arrived through JACK within 3 s";
    const MidiInputStats before = in->stats();

    // 40 notes 10 ms apart (on, then off as a running-status note-on velocity 0) with the pedal,
    // a clock byte before every note, active sensing every 10th, a SysEx in the middle.
    struct Sent {
        double seconds;
        MidiMessage message;
    };
    std::vector<Sent> sent;
    int clocks = 0, sensing = 0;
    for (int i = 0; i < 40; ++i) {
        const int pitch = 48 + (i * 5) % 36;
        send(keyboard, {0xF8});
        ++clocks;
        if (i % 10 == 0) {
            send(keyboard, {0xFE});
            ++sensing;
        }
        if (i == 20) send(keyboard, {0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7});
        double t = steadyNow();
        send(keyboard, {0x90, std::uint8_t(pitch), std::uint8_t(40 + i)});
        sent.push_back({t, MidiMessage::noteOn(0, pitch, 40 + i)});
        if (i % 8 == 0) {
            t = steadyNow();
            send(keyboard, {0xB0, 0x40, std::uint8_t(i % 16 == 0 ? 127 : 0)});
            sent.push_back({t, MidiMessage::sustain(0, i % 16 == 0)});
            // Back to note status: a running-status event would now be a controller.
            t = steadyNow();
            send(keyboard, {0x90, std::uint8_t(pitch), 0x00});
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            t = steadyNow();
            send(keyboard, {std::uint8_t(pitch), 0x00});   // running status
        }
        MidiMessage off = MidiMessage::noteOff(0, pitch);
        off.bytes[2] = 64;   // note-on velocity 0 arrives as a note-off with release velocity 64
        sent.push_back({t, off});
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    std::vector<MidiInputEvent> got;
    std::vector<double> drainedAt;
    ASSERT_TRUE(drainUntil(*in, &got, sent.size(), 5.0, &drainedAt)) << got.size() << " of " << sent.size();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    in->drain(&got);   // anything extra shows now
    ASSERT_EQ(got.size(), sent.size());
    std::vector<double> latency;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        ASSERT_EQ(got[i].message, sent[i].message) << "event " << i << " out of order or changed";
        EXPECT_GE(got[i].seconds, sent[i].seconds) << "event " << i << " stamped before it was sent";
        EXPECT_LE(got[i].seconds, drainedAt[i]) << "event " << i << " stamped after it was drained";
        if (i > 0) {
            EXPECT_GE(got[i].seconds, got[i - 1].seconds) << "event " << i;
        }
        latency.push_back(got[i].seconds - sent[i].seconds);
    }
    const MidiInputStats s = in->stats();
    EXPECT_EQ(s.events - before.events, sent.size());
    EXPECT_EQ(s.realtimeDropped - before.realtimeDropped, std::uint64_t(clocks + sensing));
    EXPECT_EQ(s.sysexDropped - before.sysexDropped, 1u);
    EXPECT_EQ(s.malformedBytes, 0u);
    EXPECT_EQ(s.overflowDropped, 0u);
    EXPECT_FALSE(in->lost()) << in->lostReason();
    std::sort(latency.begin(), latency.end());
    double load[1] = {0};
    getloadavg(load, 1);
    std::printf("JACK input: %zu events, send -> stamped median %.3f ms, max %.3f ms (dummy driver, 64 frames at "
                "48 kHz; load average %.2f)\n",
                latency.size(), latency[latency.size() / 2] * 1e3, latency.back() * 1e3, load[0]);
}

TEST_F(JackInput, TenSecondsAtAThousandEventsASecondLoseNothing) {
    // The burst through the real path: a device thread sends 10,000 note events 1 ms
    // apart (a clock byte before every 4th) while the consumer drains every 10 ms and once
    // stalls for a whole second, as a busy GUI might.
    auto keyboard = makeKeyboard();
    std::string error;
    auto in = RtMidiInput::open("keys", &error, pm::play::MidiApi::Jack);
    ASSERT_NE(in, nullptr) << error;
    ASSERT_TRUE(waitUntilLive(*keyboard, *in));
    const MidiInputStats before = in->stats();
    constexpr int kEvents = 10000;
    std::thread device([&] {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < kEvents; ++i) {
            std::this_thread::sleep_until(start + std::chrono::microseconds(1000 * i));
            if (i % 4 == 0) send(keyboard, {0xF8});
            const int pitch = 21 + (i / 2) % 88;
            send(keyboard, {0x90, std::uint8_t(pitch), std::uint8_t(i % 2 == 0 ? 1 + i % 127 : 0)});
        }
    });
    std::vector<MidiInputEvent> got;
    const double started = steadyNow();
    bool stalled = false;
    while (got.size() < std::size_t(kEvents) && steadyNow() - started < 60.0) {
        in->drain(&got);
        if (!stalled && got.size() > std::size_t(kEvents) / 2) {
            std::this_thread::sleep_for(std::chrono::seconds(1));
            stalled = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    device.join();
    const double took = steadyNow() - started;
    in->drain(&got);
    ASSERT_EQ(got.size(), std::size_t(kEvents));
    for (int i = 0; i < kEvents; ++i) {
        const int pitch = 21 + (i / 2) % 88;
        MidiMessage expected = MidiMessage::noteOn(0, pitch, 1 + i % 127);
        if (i % 2 == 1) {
            expected = MidiMessage::noteOff(0, pitch);
            expected.bytes[2] = 64;
        }
        ASSERT_EQ(got[std::size_t(i)].message, expected) << "event " << i;
        if (i > 0) {
            ASSERT_GE(got[std::size_t(i)].seconds, got[std::size_t(i) - 1].seconds) << "event " << i;
        }
    }
    const MidiInputStats s = in->stats();
    EXPECT_EQ(s.events - before.events, std::uint64_t(kEvents));
    EXPECT_EQ(s.realtimeDropped - before.realtimeDropped, std::uint64_t(kEvents / 4));
    EXPECT_EQ(s.overflowDropped, 0u);
    EXPECT_LE(s.highWater, MidiEventQueue::kOrdinaryLimit);
    std::printf("JACK burst: %d events in %.1f s, most waiting at once %zu (the 1 s stall)\n", kEvents, took, s.highWater);
}

TEST_F(JackInput, AKeyboardThatGoesAwayIsReportedAndItsHeldNoteCanBeReleased) {
    auto keyboard = makeKeyboard();
    std::string error;
    auto in = RtMidiInput::open("test keyboard", &error, pm::play::MidiApi::Jack);
    ASSERT_NE(in, nullptr) << error;
    ASSERT_TRUE(waitUntilLive(*keyboard, *in));
    send(keyboard, {0x90, 60, 100});
    send(keyboard, {0xB0, 64, 127});
    std::vector<MidiInputEvent> got;
    ASSERT_TRUE(drainUntil(*in, &got, 2, 3.0));
    keyboard.reset();   // its program quits: the port is unregistered

    ASSERT_TRUE(waitFor([&] { return in->lost(); }, 3.0)) << "the lost keyboard was not noticed within 3 s";
    EXPECT_NE(in->lostReason().find("\"PianoMuse test keyboard:keys\" is gone"), std::string::npos) << in->lostReason();
    MidiHeldNotes held;
    for (const auto& e : got) held.apply(e.message);
    const std::vector<MidiInputEvent> release = held.releaseAll(steadyNow());
    ASSERT_EQ(release.size(), 2u);
    EXPECT_EQ(release[0].message, MidiMessage::noteOff(0, 60));
    EXPECT_EQ(release[1].message, MidiMessage::sustain(0, false));
    in.reset();   // closing after the loss: no crash
}

TEST_F(JackInput, TheServerStoppingIsReportedAndClosingStillWorks) {
    auto keyboard = makeKeyboard();
    std::string error;
    auto in = RtMidiInput::open("keys", &error, pm::play::MidiApi::Jack);
    ASSERT_NE(in, nullptr) << error;
    ASSERT_TRUE(waitUntilLive(*keyboard, *in));
    server_.stop();
    ASSERT_TRUE(waitFor([&] { return in->lost(); }, 3.0)) << "the stopped server was not noticed within 3 s";
    EXPECT_NE(in->lostReason().find("JACK server stopped"), std::string::npos) << in->lostReason();
    in.reset();
    keyboard.reset();
}

TEST_F(JackInput, PianoMuseInAndOutAreJackPortsOthersConnectTo) {
    EXPECT_EQ(virtualMidiPortsUnavailable(pm::play::MidiApi::Jack), "");
    VirtualMidiPorts ports;
    std::string error;
    ASSERT_TRUE(openVirtualMidiPorts(&ports, &error, pm::play::MidiApi::Jack)) << error;
    ASSERT_NE(ports.input, nullptr);
    ASSERT_NE(ports.output, nullptr);
    EXPECT_EQ(ports.input->name(), "PianoMuse in");
    EXPECT_EQ(ports.output->name(), "PianoMuse out");

    // A "DAW": sends into "PianoMuse in", listens to "PianoMuse out".
    RtMidiOut dawOut(RtMidi::UNIX_JACK, "PianoMuse test DAW");
    int toPianoMuse = -1;
    for (unsigned i = 0; i < dawOut.getPortCount(); ++i)
        if (dawOut.getPortName(i).find("PianoMuse in") != std::string::npos) toPianoMuse = int(i);
    ASSERT_GE(toPianoMuse, 0) << "\"PianoMuse in\" is not a JACK MIDI input";
    dawOut.openPort(unsigned(toPianoMuse));
    ASSERT_TRUE(waitUntilLive(dawOut, *ports.input));
    send(dawOut, {0x93, 72, 99});
    std::vector<MidiInputEvent> got;
    ASSERT_TRUE(drainUntil(*ports.input, &got, 1, 3.0));
    EXPECT_EQ(got[0].message, MidiMessage::noteOn(3, 72, 99));

    auto dawIn = RtMidiInput::open("PianoMuse out", &error, pm::play::MidiApi::Jack);
    ASSERT_NE(dawIn, nullptr) << error;
    bool live = false;
    got.clear();
    for (int i = 0; i < 60 && !live; ++i) {
        ASSERT_TRUE(ports.output->send(MidiMessage::controlChange(15, 1, 0)));
        live = drainUntil(*dawIn, &got, 1, 0.05);
    }
    ASSERT_TRUE(live) << "nothing came out of \"PianoMuse out\" within 3 s";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    got.clear();
    dawIn->drain(&got);
    got.clear();
    ASSERT_TRUE(ports.output->send(MidiMessage::noteOn(0, 64, 70)));
    ASSERT_TRUE(drainUntil(*dawIn, &got, 1, 3.0));
    EXPECT_EQ(got[0].message, MidiMessage::noteOn(0, 64, 70));
}

}  // namespace
