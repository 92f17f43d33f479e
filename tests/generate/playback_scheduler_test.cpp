// The scheduler's logic on a fake clock and a recording output: the right messages at the
// right times, streaming appends, stop/error silence, and conversion of decoded notes.
#include "playback/midi_ports.h"
#include "playback/playback_fakes.h"
#include "playback/playback_scheduler.h"
#include "playback/rtmidi_output.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

using namespace pm::play;

namespace {

pm::tok::DecodedEvent note(double start, double end, int pitch, int velocity = 80) {
    pm::tok::DecodedEvent e;
    e.kind = pm::tok::DecodedEvent::Kind::Note;
    e.seconds = start;
    e.note.startSeconds = start;
    e.note.endSeconds = end;
    e.note.pitch = std::uint8_t(pitch);
    e.note.velocity = std::uint8_t(velocity);
    return e;
}

pm::tok::DecodedEvent pedal(double at, bool down) {
    pm::tok::DecodedEvent e;
    e.kind = down ? pm::tok::DecodedEvent::Kind::PedalDown : pm::tok::DecodedEvent::Kind::PedalUp;
    e.seconds = at;
    return e;
}

// Sustain off + all notes off on each of the 16 channels, as the last 32 messages.
void expectSilencedAtEnd(const std::vector<RecordedMessage>& rec) {
    ASSERT_GE(rec.size(), 32u);
    for (int ch = 0; ch < 16; ++ch) {
        EXPECT_EQ(rec[rec.size() - 32 + 2 * ch].message, MidiMessage::sustain(ch, false));
        EXPECT_EQ(rec[rec.size() - 32 + 2 * ch + 1].message, MidiMessage::allNotesOff(ch));
    }
}

}  // namespace

TEST(PlaybackTimeline, NotesBecomeOnOffPairsInTimeOrderWithReleasesFirst) {
    // A key struck again exactly when it is released must get its off before its on.
    const auto t = timelineFromEvents({note(0.0, 0.5, 60, 90), note(0.5, 1.0, 60, 70), pedal(0.25, true), pedal(1.0, false)});
    ASSERT_EQ(t.size(), 6u);
    EXPECT_EQ(t[0].message, MidiMessage::noteOn(0, 60, 90));
    EXPECT_DOUBLE_EQ(t[0].seconds, 0.0);
    EXPECT_EQ(t[1].message, MidiMessage::sustain(0, true));
    EXPECT_DOUBLE_EQ(t[1].seconds, 0.25);
    EXPECT_EQ(t[2].message, MidiMessage::noteOff(0, 60));
    EXPECT_EQ(t[3].message, MidiMessage::noteOn(0, 60, 70));
    EXPECT_DOUBLE_EQ(t[3].seconds, 0.5);
    EXPECT_EQ(t[4].message, MidiMessage::noteOff(0, 60));
    EXPECT_EQ(t[5].message, MidiMessage::sustain(0, false));
}

TEST(PlaybackScheduler, PumpSendsExactlyWhatIsDue) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    s.append(timelineFromEvents({note(0.0, 1.0, 60), note(0.5, 0.75, 64)}));
    EXPECT_EQ(s.pump(-0.001), 0u);
    EXPECT_EQ(s.pump(0.0), 1u);    // on 60
    EXPECT_EQ(s.pump(0.49), 0u);
    EXPECT_EQ(s.pump(0.5), 1u);    // on 64
    EXPECT_EQ(s.pump(0.8), 1u);    // off 64
    EXPECT_EQ(s.pump(2.0), 1u);    // off 60
    EXPECT_EQ(s.pump(3.0), 0u);
    const auto rec = out.recorded();
    ASSERT_EQ(rec.size(), 4u);
    EXPECT_EQ(rec[1].message, MidiMessage::noteOn(0, 64, 80));
    EXPECT_EQ(rec[2].message, MidiMessage::noteOff(0, 64));
}

TEST(PlaybackScheduler, ThreadSendsEachMessageAtItsTimeOnTheFakeClock) {
    FakePlaybackClock clock;
    clock.set(100.0);
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    const auto timeline = timelineFromEvents({note(0.0, 0.5, 60), note(0.25, 2.0, 67), note(1.5, 1.625, 72)});
    s.append(timeline);
    s.markComplete();
    s.play();
    for (int i = 0; i < 2000 && s.playing(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_FALSE(s.playing());
    const auto rec = out.recorded();
    ASSERT_EQ(rec.size(), timeline.size() + 32);
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        EXPECT_EQ(rec[i].message, timeline[i].message) << i;
        EXPECT_NEAR(rec[i].seconds - 100.0, timeline[i].seconds, 1e-9) << i;   // the fake clock never overshoots
    }
    expectSilencedAtEnd(rec);   // the end of a piece also releases everything
}

TEST(PlaybackScheduler, StopSilencesEverythingAndPlayFromSeeksIntoThePiece) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    s.append(timelineFromEvents({note(0.0, 10.0, 60), note(5.0, 6.0, 62)}));
    // Not complete: the scheduler waits for more notes after the last one, until stopped.
    s.play(4.0);
    for (int i = 0; i < 2000 && out.recorded().size() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s.stop();
    EXPECT_FALSE(s.playing());
    const auto rec = out.recorded();
    // From 4 s: the note at 0 s is not replayed; 62 on/off and 60's off are.
    ASSERT_EQ(rec.size(), 3u + 32u);
    EXPECT_EQ(rec[0].message, MidiMessage::noteOn(0, 62, 80));
    EXPECT_EQ(rec[1].message, MidiMessage::noteOff(0, 62));
    EXPECT_EQ(rec[2].message, MidiMessage::noteOff(0, 60));
    expectSilencedAtEnd(rec);
}

namespace {
// Pedal down 0.5..2.5 s over three notes.
std::vector<TimedMessage> pedalPiece() {
    return timelineFromEvents({note(0.0, 1.0, 60), pedal(0.5, true), note(1.5, 2.0, 62), pedal(2.5, false),
                               note(3.0, 3.5, 64)});
}
template <typename Pred>
bool waitFor(Pred pred) {
    for (int i = 0; i < 3000; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return pred();
}
}  // namespace

TEST(PlaybackScheduler, SeekWhilePlayingSilencesThenContinuesWithThePedalInForceThere) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    s.append(pedalPiece());   // not complete: the thread waits at the end instead of stopping
    s.play(0.0);
    ASSERT_TRUE(waitFor([&] { return out.recorded().size() == 8u; }));
    out.clear();
    const double seekClock = clock.now();
    s.seek(1.2);   // back into the pedalled stretch, after note 60 ended
    ASSERT_TRUE(waitFor([&] { return out.recorded().size() >= 32u + 1u + 5u; }));
    EXPECT_TRUE(s.playing());
    s.stop();
    const auto rec = out.recorded();
    ASSERT_EQ(rec.size(), 32u + 1u + 5u + 32u);
    for (int ch = 0; ch < 16; ++ch) {   // first everything off ...
        EXPECT_EQ(rec[std::size_t(2 * ch)].message, MidiMessage::sustain(ch, false));
        EXPECT_EQ(rec[std::size_t(2 * ch + 1)].message, MidiMessage::allNotesOff(ch));
        EXPECT_DOUBLE_EQ(rec[std::size_t(2 * ch)].seconds, seekClock);
    }
    EXPECT_EQ(rec[32].message, MidiMessage::sustain(0, true));   // ... the pedal held at 1.2 s ...
    EXPECT_DOUBLE_EQ(rec[32].seconds, seekClock);
    // ... then the piece from 1.2 s, each message at its time relative to the seek.
    const MidiMessage expected[] = {MidiMessage::noteOn(0, 62, 80), MidiMessage::noteOff(0, 62),
                                    MidiMessage::sustain(0, false), MidiMessage::noteOn(0, 64, 80),
                                    MidiMessage::noteOff(0, 64)};
    const double at[] = {1.5, 2.0, 2.5, 3.0, 3.5};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(rec[33 + i].message, expected[i]) << i;
        EXPECT_NEAR(rec[33 + i].seconds - seekClock, at[i] - 1.2, 1e-9) << i;
    }
    expectSilencedAtEnd(rec);
}

TEST(PlaybackScheduler, SeekForwardPastThePedalSendsNoPedalAndSkipsWhatIsBefore) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    s.append(pedalPiece());
    s.play(0.0);
    ASSERT_TRUE(waitFor([&] { return out.recorded().size() >= 1u; }));
    out.clear();
    s.seek(2.75);
    s.markComplete();
    ASSERT_TRUE(waitFor([&] { return !s.playing(); }));
    const auto rec = out.recorded();
    // Whatever the thread sent before the seek took the lock went out before the silence; after
    // it: the silence, no pedal (released at 2.5 s), note 64, and the end-of-piece silence.
    ASSERT_GE(rec.size(), 32u + 2u + 32u);
    const std::size_t tail = rec.size() - 32 - 2;
    EXPECT_EQ(rec[tail - 1].message, MidiMessage::allNotesOff(15));
    EXPECT_EQ(rec[tail].message, MidiMessage::noteOn(0, 64, 80));
    EXPECT_EQ(rec[tail + 1].message, MidiMessage::noteOff(0, 64));
    expectSilencedAtEnd(rec);
}

TEST(PlaybackScheduler, SeekWhileStoppedSetsThePositionPlayStartsFrom) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    s.append(pedalPiece());
    s.markComplete();
    s.seek(2.0);
    EXPECT_FALSE(s.playing());
    EXPECT_DOUBLE_EQ(s.position(), 2.0);
    EXPECT_TRUE(out.recorded().empty());   // nothing sounds while stopped
    s.seek(-3.0);
    EXPECT_DOUBLE_EQ(s.position(), 0.0);
    s.seek(2.0);
    s.play(s.position());
    ASSERT_TRUE(waitFor([&] { return !s.playing(); }));
    const auto rec = out.recorded();
    ASSERT_EQ(rec.size(), 1u + 4u + 32u);
    EXPECT_EQ(rec[0].message, MidiMessage::sustain(0, true));   // in force at 2.0 s
    EXPECT_EQ(rec[1].message, MidiMessage::noteOff(0, 62));     // at 2.0 s itself
    EXPECT_EQ(rec[2].message, MidiMessage::sustain(0, false));
    EXPECT_EQ(rec[3].message, MidiMessage::noteOn(0, 64, 80));
    EXPECT_EQ(rec[4].message, MidiMessage::noteOff(0, 64));
    expectSilencedAtEnd(rec);
    EXPECT_NEAR(s.position(), 3.5, 0.02);   // stopped at the end
}

TEST(PlaybackScheduler, StreamedNotesAppendedWhilePlayingArePlayedAndLateOnesNotLost) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    s.append(timelineFromEvents({note(0.0, 0.5, 60)}));
    EXPECT_EQ(s.pump(1.0), 2u);
    s.append(timelineFromEvents({note(0.75, 1.25, 64)}));   // arrives after its start time
    s.append(timelineFromEvents({note(2.0, 2.5, 67)}));
    EXPECT_EQ(s.pump(1.0), 1u);   // the late note-on goes out at once
    EXPECT_EQ(s.pump(3.0), 3u);
    const auto rec = out.recorded();
    ASSERT_EQ(rec.size(), 6u);
    EXPECT_EQ(rec[2].message, MidiMessage::noteOn(0, 64, 80));
    EXPECT_EQ(rec[5].message, MidiMessage::noteOff(0, 67));
}

TEST(PlaybackScheduler, AnOutputThatDisappearsStopsPlaybackWithAMessage) {
    FakePlaybackClock clock;
    FakeMidiOutput out(&clock);
    out.failAfter(3);
    PlaybackScheduler s(out, clock);
    s.append(timelineFromEvents({note(0.0, 0.5, 60), note(0.1, 0.5, 62), note(0.2, 0.5, 64)}));
    s.markComplete();
    s.play();
    for (int i = 0; i < 2000 && s.playing(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_FALSE(s.playing());
    EXPECT_NE(s.error().find("stopped accepting"), std::string::npos);
    EXPECT_EQ(out.recorded().size(), 3u);
}

TEST(PlaybackScheduler, RealClockTimingIsCloseOnAShortPiece) {
    // A loose bound (loaded CI machines): each message within 30 ms of its time.
    SteadyPlaybackClock clock;
    FakeMidiOutput out(&clock);
    PlaybackScheduler s(out, clock);
    const auto timeline = timelineFromEvents({note(0.0, 0.05, 60), note(0.1, 0.15, 62), note(0.2, 0.25, 64)});
    s.append(timeline);
    s.markComplete();
    const double t0 = clock.now();
    s.play();
    for (int i = 0; i < 3000 && s.playing(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto rec = out.recorded();
    ASSERT_EQ(rec.size(), timeline.size() + 32);
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        EXPECT_GE(rec[i].seconds - t0, timeline[i].seconds - 1e-3) << i;   // never early
        EXPECT_LT(rec[i].seconds - t0, timeline[i].seconds + 0.03) << i;
    }
}

TEST(RtMidiOutput, AMissingPortIsAMessageNotACrash) {
    std::string error;
    auto out = RtMidiOutput::open("no such port 1b7f", &error);
    EXPECT_EQ(out, nullptr);
    EXPECT_FALSE(error.empty());
}

TEST(RtMidiOutput, JackWithoutAServerIsAMessageNotACrash) {
    // Without RtMidi (e.g. built against an old-ABI LibTorch) every open says so instead, and
    // there is no JACK path to guard.
    if (!pm::midiOutputSupported()) GTEST_SKIP() << "built without RtMidi";
    // A server name nobody runs: RtMidi's JACK API must not even be touched (it segfaults).
    const char* old = std::getenv("JACK_DEFAULT_SERVER");
    const std::string saved = old ? old : "";
    setenv("JACK_DEFAULT_SERVER", "pianomuse-no-such-server-7f3a", 1);
    EXPECT_FALSE(jackServerRunning());
    std::string error;
    EXPECT_EQ(RtMidiOutput::openVirtual("PianoMuse", &error, MidiApi::Jack), nullptr);
    EXPECT_NE(error.find("JACK"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(RtMidiOutput::open("anything", &error, MidiApi::Jack), nullptr);
    EXPECT_NE(error.find("JACK"), std::string::npos) << error;
    if (old) setenv("JACK_DEFAULT_SERVER", saved.c_str(), 1);
    else unsetenv("JACK_DEFAULT_SERVER");
}
