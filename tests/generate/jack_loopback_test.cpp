// End to end through a real MIDI system: the test starts its own JACK server (dummy driver, no
// realtime, a server name of its own), opens an RtMidiIn port on it, opens PianoMuse's RtMidi
// output on JACK connected to that port, plays a short piece through the real PlaybackScheduler
// on the steady clock, and checks that every message arrives, in order, on time.
//
// Timing error = arrival (steady clock, stamped in the input callback) - (start + message time).
// The median must stay under 2 ms when the machine is idle enough (1-minute load average below
// the number of cores); on a busy machine the numbers are printed and only the messages checked.
// No jackd (Debian: jackd2): skipped with a message. jackd is killed at the end in every case
// (and by the kernel if this process dies: PR_SET_PDEATHSIG).
#include "playback/playback_scheduler.h"
#include "playback/rtmidi_output.h"

#include "jack_test_server.h"

#include <RtMidi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace pm::play;
using pm::play::test::findJackd;
using pm::play::test::JackServer;

namespace {

double steadyNow() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Arrival {
    double seconds;
    std::vector<unsigned char> bytes;
};

struct Receiver {
    std::mutex mutex;
    std::vector<Arrival> arrivals;
    std::size_t count() {
        std::lock_guard<std::mutex> lock(mutex);
        return arrivals.size();
    }
};

void onMidiIn(double, std::vector<unsigned char>* message, void* user) {
    const double now = steadyNow();   // first thing: the arrival time
    auto* r = static_cast<Receiver*>(user);
    std::lock_guard<std::mutex> lock(r->mutex);
    r->arrivals.push_back({now, *message});
}

template <typename Pred>
bool waitFor(Pred pred, double seconds) {
    const double until = steadyNow() + seconds;
    while (!pred()) {
        if (steadyNow() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

// About 3 s of music: a melody every 75 ms over held bass notes, with pedal changes.
std::vector<TimedMessage> shortPiece() {
    std::vector<TimedMessage> t;
    for (int i = 0; i < 40; ++i) {
        const double at = 0.1 + i * 0.075;
        const int pitch = 60 + (i * 7) % 24;
        t.push_back({at, MidiMessage::noteOn(0, pitch, 50 + (i * 13) % 70)});
        t.push_back({at + 0.06, MidiMessage::noteOff(0, pitch)});
        if (i % 8 == 0) {
            t.push_back({at, MidiMessage::noteOn(1, 36 + i / 8, 60)});
            t.push_back({at + 0.55, MidiMessage::noteOff(1, 36 + i / 8)});
            t.push_back({at + 0.01, MidiMessage::sustain(0, true)});
            t.push_back({at + 0.5, MidiMessage::sustain(0, false)});
        }
    }
    sortTimeline(t);
    return t;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double pos = p * double(v.size() - 1);
    const std::size_t lo = std::size_t(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

}  // namespace

TEST(JackLoopback, APieceArrivesCompleteInOrderAndOnTime) {
    const std::string jackd = findJackd();
    if (jackd.empty()) GTEST_SKIP() << "jackd is not installed (Debian: apt install jackd2): no JACK loopback test";
    if (jackServerRunning() && std::getenv("JACK_DEFAULT_SERVER") == nullptr) {
        // Fine: ours gets its own name below; mentioned for whoever reads the log.
        std::printf("note: a default JACK server is already running; this test uses its own\n");
    }
    JackServer server;
    std::string why;
    ASSERT_TRUE(server.start(jackd, &why)) << why;

    Receiver receiver;
    const std::vector<TimedMessage> timeline = shortPiece();
    double t0 = 0;
    {
        RtMidiIn in(RtMidi::UNIX_JACK, "PianoMuse loopback test");
        in.setCallback(&onMidiIn, &receiver);
        in.openVirtualPort("loopback-in");

        std::string error;
        auto out = RtMidiOutput::open("loopback-in", &error, pm::play::MidiApi::Jack);
        ASSERT_NE(out, nullptr) << error;

        // The connection is live when a probe message comes through (a JACK connection takes
        // effect with a later graph change: probes sent before it are dropped, so repeat).
        bool live = false;
        for (int i = 0; i < 60 && !live; ++i) {
            ASSERT_TRUE(out->send(MidiMessage::controlChange(15, 1, 0)));
            live = waitFor([&] { return receiver.count() >= 1; }, 0.05);
        }
        ASSERT_TRUE(live) << "nothing arrived through JACK within 3 s";
        std::this_thread::sleep_for(std::chrono::milliseconds(50));   // late probes arrive now
        {
            std::lock_guard<std::mutex> lock(receiver.mutex);
            receiver.arrivals.clear();
        }

        SteadyPlaybackClock clock;
        PlaybackScheduler scheduler(*out, clock);
        scheduler.append(timeline);
        scheduler.markComplete();
        t0 = clock.now();
        scheduler.play(0.0);
        ASSERT_TRUE(waitFor([&] { return !scheduler.playing(); }, 10.0)) << "playback did not end";
        EXPECT_EQ(scheduler.error(), "");
        // The closing silence (32 messages) is the last thing sent.
        EXPECT_TRUE(waitFor([&] { return receiver.count() >= timeline.size() + 32; }, 2.0)) << receiver.count();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));   // anything extra would show now
    }   // ports closed before the server goes

    std::vector<Arrival> got;
    {
        std::lock_guard<std::mutex> lock(receiver.mutex);
        got = receiver.arrivals;
    }
    ASSERT_EQ(got.size(), timeline.size() + 32);
    std::vector<double> errors;
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        const MidiMessage& m = timeline[i].message;
        ASSERT_EQ(got[i].bytes, std::vector<unsigned char>(m.bytes, m.bytes + m.size)) << "message " << i << " out of order";
        const double error = got[i].seconds - (t0 + timeline[i].seconds);
        EXPECT_GT(error, -0.001) << "message " << i << " arrived early";
        errors.push_back(error);
    }
    for (int ch = 0; ch < 16; ++ch) {
        const MidiMessage off = MidiMessage::sustain(ch, false), all = MidiMessage::allNotesOff(ch);
        EXPECT_EQ(got[timeline.size() + 2 * std::size_t(ch)].bytes, std::vector<unsigned char>(off.bytes, off.bytes + 3));
        EXPECT_EQ(got[timeline.size() + 2 * std::size_t(ch) + 1].bytes, std::vector<unsigned char>(all.bytes, all.bytes + 3));
    }

    const double median = percentile(errors, 0.5), p95 = percentile(errors, 0.95);
    const double worst = *std::max_element(errors.begin(), errors.end());
    double load[1] = {0};
    const bool haveLoad = getloadavg(load, 1) == 1;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::printf("JACK loopback (dummy driver, 64 frames at 48 kHz): %zu messages, timing error median %.3f ms, "
                "95th percentile %.3f ms, max %.3f ms (load average %.2f on %u cores)\n",
                errors.size(), median * 1e3, p95 * 1e3, worst * 1e3, load[0], cores);
    RecordProperty("median_ms", std::to_string(median * 1e3));
    RecordProperty("p95_ms", std::to_string(p95 * 1e3));
    RecordProperty("max_ms", std::to_string(worst * 1e3));
    if (haveLoad && load[0] < double(cores)) {
        EXPECT_LT(median, 0.002) << "median timing error on an idle machine";
    } else {
        std::printf("the machine is busy (load average %.2f, %u cores): the 2 ms median is not asserted\n", load[0], cores);
    }
}
