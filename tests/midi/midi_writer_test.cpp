// The writer: valid SMF bytes, and write -> read gives back exactly the model that was written.
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include "smf_bytes.h"
#include "test_paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

namespace {

using namespace pm::test;
using pm::midi::MidiFile;

MidiFile readBack(const std::vector<std::uint8_t>& bytes) {
    pm::midi::ReadOptions strict;
    strict.mode = pm::midi::ReadMode::Strict;   // what we write must need no repair
    auto r = pm::midi::readMidi(bytes.data(), bytes.size(), strict);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? r.value() : MidiFile{};
}

// A model built the way the generator will build one: a conductor track and a piano track.
MidiFile composedSong() {
    MidiFile f;
    f.format = 1;
    f.division.ticksPerBeat = 480;
    f.tempos = {{0, 500000, 0}, {1920, 400000, 0}};
    f.timeSignatures = {{0, 3, 2, 24, 8, 0}};
    f.keySignatures = {{0, -3, true, 0}};
    f.tracks.resize(2);
    f.tracks[0].name = "Conductor";
    f.tracks[0].endTick = 1920;
    pm::midi::Track& piano = f.tracks[1];
    piano.name = std::string("Pi\xe1no");   // Latin-1 bytes go out as they are
    const struct { std::uint64_t start, end; std::uint8_t pitch, velocity; } notes[] = {
        {0, 480, 60, 90}, {0, 480, 64, 80}, {0, 0, 67, 70}, {480, 960, 60, 100}, {480, 2400, 72, 50},
        {500, 1000, 60, 40}};   // the last overlaps the {480, 960} note of the same key
    for (const auto& n : notes) piano.notes.push_back({n.start, n.end, 0, 0, n.pitch, n.velocity, 0});
    piano.unclosedNotes.push_back({2400, 0, 48, 33, 1});
    piano.orphanNoteOffs.push_back({100, 50, 2});
    piano.sustain = {{0, 0, 127}, {900, 0, 0}, {900, 0, 100}};
    piano.programs = {{0, 0, 0}, {0, 1, 6}};
    piano.endTick = 2400;
    return f;
}

TEST(MidiWriter, ComposedSongRoundTripsExactly) {
    const MidiFile song = composedSong();
    const auto bytes = pm::midi::writeMidi(song);
    ASSERT_TRUE(bytes.ok()) << bytes.error().toString();
    const MidiFile back = readBack(bytes.value());
    // The composed model has no seconds yet; the reader computes them. Everything else is equal.
    ASSERT_EQ(back.tracks.size(), 2u);
    EXPECT_EQ(back.tempos.size(), 2u);
    EXPECT_EQ(back.tracks[1].notes.size(), song.tracks[1].notes.size());
    for (std::size_t i = 0; i < back.tracks[1].notes.size(); ++i) {
        const auto& a = back.tracks[1].notes[i];
        const auto& b = song.tracks[1].notes[i];
        EXPECT_EQ(std::tie(a.start, a.end, a.pitch, a.velocity, a.channel),
                  std::tie(b.start, b.end, b.pitch, b.velocity, b.channel)) << i;
    }
    const auto longNote = std::find_if(back.tracks[1].notes.begin(), back.tracks[1].notes.end(),
                                       [](const pm::midi::Note& n) { return n.pitch == 72; });
    ASSERT_NE(longNote, back.tracks[1].notes.end());
    EXPECT_DOUBLE_EQ(longNote->endSeconds, 4 * 0.5 + 0.4);   // 2400 ticks: 4 beats at 120 BPM, 1 at 150
    // A second round trip is exact, seconds included.
    const auto again = pm::midi::writeMidi(back);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(readBack(again.value()) == back);
    EXPECT_EQ(again.value(), bytes.value());   // and byte-identical: writing is deterministic
}

TEST(MidiWriter, EveryFixtureRoundTripsExactly) {
    for (const char* folder : {"real", "crafted"}) {
        for (const std::string& f : midiFixtures(folder)) {
            const auto original = pm::midi::readMidiFile(f);
            ASSERT_TRUE(original.ok()) << f;
            const auto bytes = pm::midi::writeMidi(original.value());
            ASSERT_TRUE(bytes.ok()) << f << ": " << bytes.error().toString();
            EXPECT_TRUE(readBack(bytes.value()) == original.value()) << f;
        }
    }
}

TEST(MidiWriter, OverlapsThatFifoCannotExpressArePairedFifoOnReading) {
    // Same key: a note 0-100 and one 10-50 inside it. Note-ons at 0 and 10, note-offs at 50 and
    // 100: whatever wrote them, a FIFO reader (ours, mido's users) pairs 0-50 and 10-100. The
    // sounding key is the same; only which note-on "owns" which note-off differs.
    MidiFile f;
    f.format = 0;
    f.tracks.resize(1);
    f.tracks[0].notes = {{0, 100, 0, 0, 60, 90, 0}, {10, 50, 0, 0, 60, 30, 0}};
    f.tracks[0].endTick = 100;
    const auto bytes = pm::midi::writeMidi(f);
    ASSERT_TRUE(bytes.ok());
    const MidiFile back = readBack(bytes.value());
    ASSERT_EQ(back.tracks[0].notes.size(), 2u);
    EXPECT_EQ(back.tracks[0].notes[0].end, 50u);
    EXPECT_EQ(back.tracks[0].notes[1].end, 100u);
}

TEST(MidiWriter, WritesAValidHeaderAndUsesRunningStatus) {
    MidiFile f;
    f.format = 0;
    f.division.ticksPerBeat = 96;
    f.tracks.resize(1);
    f.tracks[0].notes = {{0, 10, 0, 0, 60, 100, 0}, {0, 10, 0, 0, 64, 100, 0}};
    f.tracks[0].endTick = 10;
    const auto bytes = pm::midi::writeMidi(f);
    ASSERT_TRUE(bytes.ok());
    const Bytes expected = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, 'M', 'T', 'r', 'k', 0, 0, 0, 17,
                            0, 0x90, 60, 100, 0, 64, 100, 10, 60, 0, 0, 64, 0, 0, 0xFF, 0x2F, 0};
    EXPECT_EQ(bytes.value(), expected);
}

TEST(MidiWriter, DeltasBeyondFourBytesAreCarried) {
    MidiFile f;
    f.format = 0;
    f.tracks.resize(1);
    f.tracks[0].notes = {{0, 3ull << 32, 0, 0, 60, 100, 0}};
    f.tracks[0].endTick = 3ull << 32;
    const auto bytes = pm::midi::writeMidi(f);
    ASSERT_TRUE(bytes.ok());
    const MidiFile back = readBack(bytes.value());
    EXPECT_EQ(back.tracks[0].notes.at(0).end, 3ull << 32);
}

TEST(MidiWriter, RefusesModelsMidiCannotHold) {
    MidiFile f;
    f.format = 0;
    f.tracks.resize(2);
    auto r = pm::midi::writeMidi(f);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("format 0 holds exactly one track"), std::string::npos);
    f.format = 1;
    f.tracks[1].notes = {{5, 4, 0, 0, 60, 100, 0}};
    r = pm::midi::writeMidi(f);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().track, 1);
    f.tracks[1].notes = {{0, 4, 0, 0, 60, 0, 0}};   // velocity 0 would read back as a note-off
    EXPECT_FALSE(pm::midi::writeMidi(f).ok());
    f.tracks[1].notes.clear();
    f.tempos = {{0, 500000, 7}};
    EXPECT_FALSE(pm::midi::writeMidi(f).ok());
}

TEST(MidiWriter, WritesFilesToDisk) {
    const std::string path = ::testing::TempDir() + "/pianomuse_writer_test.mid";
    const auto n = pm::midi::writeMidiFile(composedSong(), path);
    ASSERT_TRUE(n.ok()) << n.error().toString();
    EXPECT_EQ(readFileBytes(path).size(), n.value());
    EXPECT_TRUE(pm::midi::readMidiFile(path).ok());
    std::remove(path.c_str());
    EXPECT_FALSE(pm::midi::writeMidiFile(composedSong(), "/nonexistent/dir/x.mid").ok());
}

}  // namespace
