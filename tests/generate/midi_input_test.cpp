// MIDI input without hardware: the event queue's capacity and overflow policy (hand-counted), a
// 10 s x 1,000 events/s burst played from another thread (nothing lost, memory fixed), the fake
// input, held-note release after a lost port, and the port listing's messages when there is
// nothing to play from (no ALSA sequencer here in CI; no JACK server).
#include "playback/midi_ports.h"
#include "playback/playback_fakes.h"
#include "playback/rtmidi_input.h"
#include "playback/virtual_midi_ports.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace pm::play;

namespace {

MidiMessage cc(int channel, int controller, int value) { return MidiMessage::controlChange(channel, controller, value); }

// ---------------------------------------------------------------------------------------------
// The queue, on one thread: exact counts at the limits.

TEST(MidiEventQueue, CapacityAndReserveAreWhatTheDocsSay) {
    EXPECT_EQ(MidiEventQueue::kCapacity, 16384u);
    EXPECT_EQ(MidiEventQueue::kReleaseReserve, 2080u);   // 16 x 128 notes + 16 x 2 pedals
    EXPECT_EQ(MidiEventQueue::kOrdinaryLimit, 14304u);
    EXPECT_LE(sizeof(MidiInputEvent) * MidiEventQueue::kCapacity, 256u * 1024u);
    EXPECT_GE(MidiEventQueue::kOrdinaryLimit, 10000u);   // the 10 s x 1,000/s burst, undrained
}

TEST(MidiEventQueue, WhenFullOrdinaryEventsAreDroppedAndNeededReleasesKept) {
    MidiEventQueue q;
    ASSERT_TRUE(q.push({0.0, MidiMessage::noteOn(0, 60, 90)}));
    ASSERT_TRUE(q.push({0.0, MidiMessage::sustain(0, true)}));
    for (std::size_t i = 2; i < MidiEventQueue::kOrdinaryLimit; ++i) ASSERT_TRUE(q.push({0.0, cc(0, 1, 5)})) << i;
    // 14,304 waiting: the ordinary limit.
    EXPECT_FALSE(q.push({1.0, MidiMessage::noteOn(0, 61, 90)}));   // dropped ...
    EXPECT_FALSE(q.push({1.0, MidiMessage::noteOff(0, 61)}));      // ... so its release is not needed
    EXPECT_FALSE(q.push({1.0, cc(0, 1, 6)}));
    EXPECT_FALSE(q.push({1.0, MidiMessage::sustain(1, true)}));
    EXPECT_TRUE(q.push({2.0, MidiMessage::noteOff(0, 60)}));       // releases a queued note-on
    EXPECT_FALSE(q.push({2.0, MidiMessage::noteOff(0, 60)}));      // the second time, nothing to release
    EXPECT_TRUE(q.push({3.0, MidiMessage::sustain(0, false)}));    // releases the queued pedal
    EXPECT_EQ(q.overflowDropped(), 5u);
    EXPECT_EQ(q.releasesDropped(), 0u);
    EXPECT_EQ(q.pushed(), 14306u);
    EXPECT_EQ(q.highWater(), 14306u);

    std::vector<MidiInputEvent> got;
    EXPECT_EQ(q.drain(&got), 14306u);
    ASSERT_EQ(got.size(), 14306u);
    EXPECT_EQ(got[0].message, MidiMessage::noteOn(0, 60, 90));
    EXPECT_EQ(got[1].message, MidiMessage::sustain(0, true));
    EXPECT_EQ(got[14304].message, MidiMessage::noteOff(0, 60));
    EXPECT_EQ(got[14304].seconds, 2.0);
    EXPECT_EQ(got[14305].message, MidiMessage::sustain(0, false));
    // Room again.
    EXPECT_TRUE(q.push({4.0, MidiMessage::noteOn(0, 61, 90)}));
    got.clear();
    EXPECT_EQ(q.drain(&got), 1u);
}

TEST(MidiEventQueue, TheReserveHoldsEveryPossibleRelease) {
    // Every key on every channel and both pedals down (2,080 ordinary events), ordinary events up
    // to the limit, then all 2,080 releases: they fill the queue to exactly its capacity.
    MidiEventQueue q;
    std::size_t n = 0;
    for (int ch = 0; ch < 16; ++ch) {
        for (int note = 0; note < 128; ++note, ++n) ASSERT_TRUE(q.push({0.0, MidiMessage::noteOn(ch, note, 64)}));
        ASSERT_TRUE(q.push({0.0, cc(ch, 64, 127)}));
        ASSERT_TRUE(q.push({0.0, cc(ch, 66, 127)}));
        n += 2;
    }
    EXPECT_EQ(n, 2080u);
    for (; n < MidiEventQueue::kOrdinaryLimit; ++n) ASSERT_TRUE(q.push({0.0, cc(0, 7, 100)}));
    EXPECT_FALSE(q.push({0.0, cc(0, 7, 101)}));
    for (int ch = 0; ch < 16; ++ch) {
        for (int note = 0; note < 128; ++note) ASSERT_TRUE(q.push({1.0, MidiMessage::noteOff(ch, note)})) << ch << " " << note;
        ASSERT_TRUE(q.push({1.0, cc(ch, 64, 0)}));
        ASSERT_TRUE(q.push({1.0, cc(ch, 66, 0)}));
    }
    EXPECT_EQ(q.highWater(), MidiEventQueue::kCapacity);
    EXPECT_EQ(q.releasesDropped(), 0u);
    EXPECT_EQ(q.overflowDropped(), 1u);
    EXPECT_FALSE(q.push({2.0, MidiMessage::noteOff(0, 0)}));   // full, and nothing left to release
}

TEST(MidiEventQueue, AllNotesOffAndResetAllControllersCountAsReleases) {
    MidiEventQueue q;
    ASSERT_TRUE(q.push({0.0, MidiMessage::noteOn(3, 60, 64)}));
    ASSERT_TRUE(q.push({0.0, cc(5, 64, 127)}));
    for (std::size_t i = 2; i < MidiEventQueue::kOrdinaryLimit; ++i) ASSERT_TRUE(q.push({0.0, cc(0, 1, 5)}));
    EXPECT_FALSE(q.push({1.0, MidiMessage::allNotesOff(4)}));   // channel 4 holds nothing
    EXPECT_TRUE(q.push({1.0, MidiMessage::allNotesOff(3)}));
    EXPECT_FALSE(q.push({1.0, cc(3, 120, 0)}));                 // already released
    EXPECT_FALSE(q.push({1.0, cc(4, 121, 0)}));
    EXPECT_TRUE(q.push({1.0, cc(5, 121, 0)}));                  // resets channel 5's sustain
    EXPECT_EQ(q.overflowDropped(), 3u);
}

TEST(MidiHeldNotes, FollowsKeysAndPedalsAndReleasesWhatIsLeft) {
    MidiHeldNotes held;
    held.apply(MidiMessage::noteOn(0, 60, 80));
    held.apply(MidiMessage::noteOn(0, 64, 80));
    held.apply(MidiMessage::noteOn(2, 40, 80));
    held.apply(MidiMessage::noteOff(0, 64));
    held.apply(MidiMessage::sustain(0, true));
    held.apply(cc(1, 66, 100));
    held.apply(MidiMessage::noteOff(5, 10));   // a release without a note-on: nothing
    EXPECT_EQ(held.notesDown(), 2);
    EXPECT_TRUE(held.noteDown(0, 60));
    EXPECT_FALSE(held.noteDown(0, 64));
    EXPECT_TRUE(held.sustainDown(0));
    EXPECT_TRUE(held.sostenutoDown(1));
    EXPECT_TRUE(held.releases(MidiMessage::noteOff(2, 40)));
    EXPECT_FALSE(held.releases(MidiMessage::noteOff(2, 41)));

    const std::vector<MidiInputEvent> off = held.releaseAll(7.5);
    ASSERT_EQ(off.size(), 4u);   // two keys, then channel 0's sustain and channel 1's sostenuto
    EXPECT_EQ(off[0].message, MidiMessage::noteOff(0, 60));
    EXPECT_EQ(off[1].message, MidiMessage::noteOff(2, 40));
    EXPECT_EQ(off[2].message, cc(0, 64, 0));
    EXPECT_EQ(off[3].message, cc(1, 66, 0));
    for (const auto& e : off) EXPECT_EQ(e.seconds, 7.5);
    EXPECT_TRUE(held.empty());
}

// ---------------------------------------------------------------------------------------------
// The fake input: bytes in, events out.

TEST(FakeMidiInput, EventsArriveParsedWithTheirTimesAndAccessors) {
    FakeMidiInput in;
    in.play({0x91, 0x3C, 0x64}, 1.0);
    in.play({0xF8}, 1.01);
    in.play({0x3C, 0x00}, 1.5);   // running status, velocity 0
    in.play({0xB1, 0x40, 0x7F}, 1.6);
    in.play({0xE1, 0x00, 0x60}, 1.7);
    in.play({0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7}, 1.8);
    in.play(MidiMessage::sustain(1, false), 2.0);
    std::vector<MidiInputEvent> got;
    ASSERT_EQ(in.drain(&got), 5u);
    EXPECT_TRUE(got[0].isNoteOn());
    EXPECT_EQ(got[0].channel(), 1);
    EXPECT_EQ(got[0].note(), 60);
    EXPECT_EQ(got[0].velocity(), 100);
    EXPECT_EQ(got[0].seconds, 1.0);
    EXPECT_TRUE(got[1].isNoteOff());
    EXPECT_EQ(got[1].note(), 60);
    EXPECT_EQ(got[1].seconds, 1.5);
    EXPECT_TRUE(got[2].isSustain());
    EXPECT_TRUE(got[2].pedalDown());
    EXPECT_EQ(got[3].kind(), MidiInputEvent::Kind::PitchBend);
    EXPECT_EQ(got[3].pitchBend(), 0x60 * 128 - 8192);   // MSB 0x60, LSB 0: +4096
    EXPECT_TRUE(got[4].isSustain());
    EXPECT_FALSE(got[4].pedalDown());
    const MidiInputStats s = in.stats();
    EXPECT_EQ(s.events, 5u);
    EXPECT_EQ(s.realtimeDropped, 1u);
    EXPECT_EQ(s.sysexDropped, 1u);
    EXPECT_EQ(s.malformedBytes, 0u);
    EXPECT_EQ(s.overflowDropped, 0u);
    EXPECT_EQ(s.capacity, 16384u);
    EXPECT_FALSE(in.lost());
    EXPECT_EQ(in.lostReason(), "");
}

TEST(FakeMidiInput, AnUnpluggedPortKeepsWhatArrivedAndTheConsumerReleasesTheRest) {
    FakeMidiInput in("Stage piano");
    in.play({0x90, 0x30, 0x50}, 0.1);
    in.play({0x90, 0x34, 0x50}, 0.2);
    in.play({0xB0, 0x40, 0x7F}, 0.3);
    in.play({0x80, 0x30, 0x00}, 0.4);
    in.unplug("Stage piano was unplugged");
    in.unplug("a second reason is ignored");
    EXPECT_TRUE(in.lost());
    EXPECT_EQ(in.lostReason(), "Stage piano was unplugged");
    // The consumer: what arrived, then what is still down, released at the time it noticed.
    std::vector<MidiInputEvent> got;
    ASSERT_EQ(in.drain(&got), 4u);
    MidiHeldNotes held;
    for (const auto& e : got) held.apply(e.message);
    const std::vector<MidiInputEvent> off = held.releaseAll(0.5);
    ASSERT_EQ(off.size(), 2u);
    EXPECT_EQ(off[0].message, MidiMessage::noteOff(0, 0x34));
    EXPECT_EQ(off[1].message, MidiMessage::sustain(0, false));
}

// ---------------------------------------------------------------------------------------------
// The burst: 10 s at 1,000 channel events/s, played from a device thread as fast as it can (a
// harsher version of the same stream: nothing waits between events), with a clock byte before
// every 4th event, active sensing every 300 and a SysEx after every 1,000. Blocks of 10
// events: four notes (on, then off as a running-status note-on with velocity 0) and a pedal.

struct Burst {
    std::vector<MidiInputEvent> expected;   // what the consumer must get, in order
    std::uint64_t clocks = 0, sensing = 0, sysex = 0;
};

Burst playBurst(FakeMidiInput& in) {
    Burst b;
    std::uint8_t running = 0;
    for (int i = 0; i < 10000; ++i) {
        const double t = 100.0 + i * 0.001;
        if (i % 4 == 0) {
            in.play({0xF8}, t);
            ++b.clocks;
        }
        if (i % 300 == 0) {
            in.play({0xFE}, t);
            ++b.sensing;
        }
        const int block = i / 10, slot = i % 10;
        MidiMessage m;
        std::uint8_t status, data1, data2;
        if (slot < 8) {
            const int pitch = 21 + (block * 4 + slot / 2) % 88;
            const bool on = slot % 2 == 0;
            const int velocity = on ? 1 + (block + slot) % 127 : 0;
            status = 0x90;
            data1 = std::uint8_t(pitch);
            data2 = std::uint8_t(velocity);
            m = on ? MidiMessage::noteOn(0, pitch, velocity) : MidiMessage::noteOn(0, pitch, 0);
            if (!on) {   // as the parser normalises it
                m.bytes[0] = 0x80;
                m.bytes[2] = 64;
            }
        } else {
            status = 0xB0;
            data1 = 64;
            data2 = slot == 8 ? 127 : 0;
            m = MidiMessage::sustain(0, slot == 8);
        }
        std::vector<std::uint8_t> bytes;
        if (status != running) bytes.push_back(status);   // a running status byte is not sent
        bytes.push_back(data1);
        bytes.push_back(data2);
        running = status;
        in.play(bytes, t);
        b.expected.push_back({t, m});
        if (i % 1000 == 999) {
            in.play({0xF0, 0x43, 0x10, 0x4C, 0x00, 0x00, 0x7E, 0x00, 0xF7}, t);
            ++b.sysex;
            running = 0;   // SysEx ends running status: the next event sends its status again
        }
    }
    return b;
}

void expectSameEvents(const std::vector<MidiInputEvent>& got, const std::vector<MidiInputEvent>& expected) {
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i].message, expected[i].message) << "event " << i;
        ASSERT_EQ(got[i].seconds, expected[i].seconds) << "event " << i;
    }
}

TEST(MidiInputBurst, TenSecondsAtAThousandEventsASecondArriveCompleteWhileDrained) {
    FakeMidiInput in;
    Burst burst;
    std::atomic<bool> done{false};
    std::thread device([&] {
        burst = playBurst(in);
        done.store(true);
    });
    std::vector<MidiInputEvent> got;
    std::size_t drains = 0, mostAtOnce = 0;
    double longestDrain = 0;
    for (;;) {
        const bool finished = done.load();   // read before draining: then this drain sees everything
        const auto t0 = std::chrono::steady_clock::now();
        const std::size_t n = in.drain(&got);
        longestDrain = std::max(longestDrain, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        ++drains;
        mostAtOnce = std::max(mostAtOnce, n);
        if (finished) break;
        std::this_thread::yield();
    }
    device.join();
    expectSameEvents(got, burst.expected);
    const MidiInputStats s = in.stats();
    EXPECT_EQ(s.events, 10000u);
    EXPECT_EQ(s.overflowDropped, 0u);
    EXPECT_EQ(s.realtimeDropped, burst.clocks + burst.sensing);
    EXPECT_EQ(burst.clocks + burst.sensing, 2500u + 34u);
    EXPECT_EQ(s.sysexDropped, 10u);
    EXPECT_EQ(s.malformedBytes, 0u);
    EXPECT_LE(s.highWater, MidiEventQueue::kOrdinaryLimit);   // memory: the fixed ring, never more
    // Not a speed test: the numbers say how the consumer fared on this machine.
    std::printf("burst: %zu drains, at most %zu events in one, longest drain %.3f ms, high water %zu\n", drains,
                mostAtOnce, longestDrain * 1e3, s.highWater);
}

TEST(MidiInputBurst, AConsumerThatTakesNothingForTheWholeBurstStillGetsEveryEvent) {
    FakeMidiInput in;
    Burst burst;
    std::thread device([&] { burst = playBurst(in); });
    device.join();   // a GUI stalled for the whole 10 s
    std::vector<MidiInputEvent> got;
    EXPECT_EQ(in.drain(&got), 10000u);
    expectSameEvents(got, burst.expected);
    EXPECT_EQ(in.stats().overflowDropped, 0u);
    EXPECT_EQ(in.stats().highWater, 10000u);
}

TEST(MidiInputBurst, TooLongABurstDropsNoteOnsButLeavesNoNoteStuck) {
    // 30,000 events undrained, twice what fits: the first 14,304 are kept, later note-ons are
    // dropped, and every release of a kept note-on still arrives.
    FakeMidiInput in;
    MidiHeldNotes source;
    for (int i = 0; i < 30000; ++i) {
        const int pitch = 21 + (i / 2) % 88;
        const MidiMessage m = i % 2 == 0 ? MidiMessage::noteOn(0, pitch, 80) : MidiMessage::noteOff(0, pitch);
        in.play(m, i * 0.001);
        source.apply(m);
    }
    std::vector<MidiInputEvent> got;
    in.drain(&got);
    // Kept: events 0..14,303 (7,152 pairs), then the note-off of... nothing: event 14,303 is a
    // note-off, so no note is down at the limit and every later event is ordinary.
    EXPECT_EQ(got.size(), 14304u);
    EXPECT_EQ(in.stats().overflowDropped, 30000u - 14304u);
    MidiHeldNotes consumer;
    for (const auto& e : got) consumer.apply(e.message);
    EXPECT_TRUE(consumer.empty());
    EXPECT_TRUE(source.empty());

    // The same with the limit reached between a note-on and its note-off: the note-off is kept.
    FakeMidiInput in2;
    in2.play(MidiMessage::noteOn(0, 10, 80), 0.0);
    for (std::size_t i = 1; i < MidiEventQueue::kOrdinaryLimit; ++i) in2.play(cc(0, 1, int(i % 128)), 0.0);
    for (int i = 0; i < 100; ++i) in2.play(MidiMessage::noteOn(0, 20 + i, 80), 1.0);   // all dropped
    in2.play(MidiMessage::noteOff(0, 10), 2.0);
    got.clear();
    in2.drain(&got);
    ASSERT_EQ(got.size(), MidiEventQueue::kOrdinaryLimit + 1);
    EXPECT_EQ(got.back().message, MidiMessage::noteOff(0, 10));
    EXPECT_EQ(in2.stats().overflowDropped, 100u);
}

// ---------------------------------------------------------------------------------------------
// Ports: nothing to play from is explained, never thrown.

TEST(MidiInputPorts, ListingNeverThrowsAndAnEmptyListExplainsItself) {
    pm::MidiPortList list;
    ASSERT_NO_THROW(list = pm::listMidiInputPorts());
    if (!list.available) {
        EXPECT_FALSE(list.message.empty());
    } else if (list.ports.empty()) {
        EXPECT_EQ(list.message, pm::noMidiInputsMessage());
    }
    const std::string none = pm::noMidiInputsMessage();
    EXPECT_NE(none.find("MIDI keyboard"), std::string::npos) << none;
    EXPECT_NE(none.find("\"PianoMuse in\""), std::string::npos) << none;
}

TEST(MidiInputPorts, NoSequencerAtAllIsAMessageEverywhere) {
    if (access("/dev/snd/seq", F_OK) == 0) GTEST_SKIP() << "this machine has an ALSA sequencer";
    if (!pm::midiOutputSupported()) GTEST_SKIP() << "built without RtMidi";
    const pm::MidiPortList list = pm::listMidiInputPorts();
    EXPECT_FALSE(list.available);
    EXPECT_EQ(list.reason, pm::MidiUnavailableReason::NoAlsaSequencer);
    EXPECT_NE(list.message.find("/dev/snd/seq"), std::string::npos) << list.message;
    std::string error;
    EXPECT_EQ(RtMidiInput::open("USB Keyboard", &error), nullptr);
    EXPECT_NE(error.find("/dev/snd/seq"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(openLiveInput("0", &error), nullptr);
    EXPECT_NE(error.find("/dev/snd/seq"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(RtMidiInput::openVirtual(kVirtualInputName, &error), nullptr);
    EXPECT_NE(error.find("/dev/snd/seq"), std::string::npos) << error;
    EXPECT_NE(virtualMidiPortsUnavailable().find("/dev/snd/seq"), std::string::npos);
    VirtualMidiPorts ports;
    error.clear();
    EXPECT_FALSE(openVirtualMidiPorts(&ports, &error));
    EXPECT_NE(error.find("/dev/snd/seq"), std::string::npos) << error;
    EXPECT_EQ(ports.input, nullptr);
    EXPECT_EQ(ports.output, nullptr);
}

TEST(MidiInputPorts, JackWithoutAServerIsAMessageNotACrash) {
    if (!pm::midiOutputSupported()) GTEST_SKIP() << "built without RtMidi";
    // A server name nobody runs: RtMidi's JACK API must not even be touched (it segfaults).
    const char* old = std::getenv("JACK_DEFAULT_SERVER");
    const std::string saved = old ? old : "";
    setenv("JACK_DEFAULT_SERVER", "pianomuse-no-such-server-9c1e", 1);
    const pm::MidiPortList list = pm::listMidiInputPorts(MidiApi::Jack);
    EXPECT_FALSE(list.available);
    EXPECT_EQ(list.message, noJackServerMessage());
    std::string error;
    EXPECT_EQ(RtMidiInput::open("keyboard", &error, MidiApi::Jack), nullptr);
    EXPECT_EQ(error, noJackServerMessage());
    error.clear();
    EXPECT_EQ(openLiveInput("jack:keyboard", &error), nullptr);
    EXPECT_EQ(error, noJackServerMessage());
    error.clear();
    EXPECT_EQ(RtMidiInput::openVirtual(kVirtualInputName, &error, MidiApi::Jack), nullptr);
    EXPECT_EQ(error, noJackServerMessage());
    EXPECT_EQ(virtualMidiPortsUnavailable(MidiApi::Jack), noJackServerMessage());
    VirtualMidiPorts ports;
    error.clear();
    EXPECT_FALSE(openVirtualMidiPorts(&ports, &error, MidiApi::Jack));
    EXPECT_EQ(error, noJackServerMessage());
    if (old) setenv("JACK_DEFAULT_SERVER", saved.c_str(), 1);
    else unsetenv("JACK_DEFAULT_SERVER");
}

pm::MidiPortList portList(std::vector<std::string> names) {
    pm::MidiPortList list;
    list.available = true;
    for (std::size_t i = 0; i < names.size(); ++i) list.ports.push_back({int(i), names[i]});
    return list;
}

TEST(MidiInputPorts, APortIsFoundByNameIndexOrPartOfItsName) {
    const pm::MidiPortList list = portList({"Midi Through:Midi Through Port-0 14:0", "USB Keyboard:USB Keyboard MIDI 1 20:0", "1"});
    EXPECT_EQ(pm::findMidiPort(list, "USB Keyboard:USB Keyboard MIDI 1 20:0"), 1);
    EXPECT_EQ(pm::findMidiPort(list, "1"), 2);   // an exact name before an index
    EXPECT_EQ(pm::findMidiPort(list, "0"), 0);
    EXPECT_EQ(pm::findMidiPort(list, "USB"), 1);
    EXPECT_EQ(pm::findMidiPort(list, "Port-0"), 0);
    EXPECT_EQ(pm::findMidiPort(list, "7"), -1);
    EXPECT_EQ(pm::findMidiPort(list, "Grand"), -1);
    EXPECT_EQ(pm::findMidiPort(list, ""), -1);
    EXPECT_EQ(pm::findMidiPort(portList({}), "0"), -1);
}

TEST(VirtualMidiPorts, OnWindowsLoopbackPortsOfOurNamesAreFoundElseTheHelpSaysWhatToDo) {
    // Windows MM numbers its ports: loopMIDI's "PianoMuse in" is listed as "PianoMuse in 1".
    const LoopbackPorts found = findLoopbackPorts(portList({"loopMIDI Port 0", "PianoMuse in 1"}),
                                                  portList({"Microsoft GS Wavetable Synth 0", "loopMIDI Port 1", "PianoMuse out 2"}));
    EXPECT_EQ(found.input, 1);
    EXPECT_EQ(found.inputName, "PianoMuse in 1");
    EXPECT_EQ(found.output, 2);
    EXPECT_EQ(found.outputName, "PianoMuse out 2");
    const LoopbackPorts missing = findLoopbackPorts(portList({"loopMIDI Port 0"}), portList({}));
    EXPECT_EQ(missing.input, -1);
    EXPECT_EQ(missing.output, -1);
    const std::string help = loopbackDriverHelp();
    for (const char* words : {"loopMIDI", "\"PianoMuse in\"", "\"PianoMuse out\"", "pianomuse-cli ports"})
        EXPECT_NE(help.find(words), std::string::npos) << words << " in: " << help;
}

}  // namespace
