// The scheduler's logic on a fake clock and a recording output: the right messages at the
// right times, streaming appends, stop/error silence, and conversion of decoded notes.
#include "playback/playback_fakes.h"
#include "playback/playback_scheduler.h"
#include "playback/rtmidi_output.h"

#include <gtest/gtest.h>

#include <chrono>
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
