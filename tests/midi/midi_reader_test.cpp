// The reader's rules one by one, on files built byte by byte: note pairing, containers, limits,
// and each repair lenient mode makes (and strict mode refuses, saying where).
#include "midi/midi_reader.h"

#include "smf_bytes.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::test;
using pm::midi::MidiFile;
using pm::midi::ReadMode;
using pm::midi::ReadOptions;

pm::midi::Result<MidiFile> read(const Bytes& bytes, ReadMode mode = ReadMode::Lenient, ReadOptions options = {}) {
    options.mode = mode;
    return pm::midi::readMidi(bytes.data(), bytes.size(), options);
}

MidiFile readClean(const Bytes& bytes) {
    auto r = read(bytes, ReadMode::Strict);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? r.value() : MidiFile{};
}

// Lenient reading repairs (one warning containing `warning`); strict reading refuses with an
// error containing `warning` too, at `offset` in `track`.
MidiFile expectRepaired(const Bytes& bytes, const std::string& warning, std::uint64_t offset, int track) {
    const auto strict = read(bytes, ReadMode::Strict);
    EXPECT_FALSE(strict.ok());
    if (!strict.ok()) {
        EXPECT_NE(strict.error().message.find(warning), std::string::npos) << strict.error().toString();
        EXPECT_EQ(strict.error().offset, offset) << strict.error().toString();
        EXPECT_EQ(strict.error().track, track) << strict.error().toString();
    }
    auto lenient = read(bytes);
    EXPECT_TRUE(lenient.ok()) << lenient.error().toString();
    if (!lenient.ok()) return {};
    const MidiFile& f = lenient.value();
    EXPECT_FALSE(f.warnings.empty());
    if (!f.warnings.empty()) {
        EXPECT_NE(f.warnings[0].message.find(warning), std::string::npos) << f.warnings[0].toString();
    }
    return f;
}

TEST(MidiReader, ReadsASimpleSong) {
    const MidiFile f = readClean(simpleSong());
    EXPECT_EQ(f.format, 0);
    ASSERT_EQ(f.tracks.size(), 1u);
    const auto& notes = f.tracks[0].notes;
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_EQ(notes[0].pitch, 60);
    EXPECT_EQ(notes[0].end, 480u);
    EXPECT_EQ(notes[1].pitch, 64);
    EXPECT_EQ(notes[1].start, 240u);
    EXPECT_DOUBLE_EQ(notes[0].endSeconds, 0.5);   // 480 ticks at 500000 µs per 480-tick beat
    EXPECT_EQ(f.tracks[0].orphanNoteOffs.size(), 1u);
    EXPECT_EQ(f.tracks[0].sustain.size(), 1u);
}

TEST(MidiReader, PairsOverlappingNotesOfOneKeyFirstInFirstOut) {
    const MidiFile f = readClean(smf(0, 96, {trackOf({event(0, {0x90, 60, 10}), event(5, {0x90, 60, 20}),
                                                      event(5, {0x90, 60, 30}), event(10, {0x80, 60, 0}),
                                                      event(10, {0x90, 60, 0})})}));
    const auto& t = f.tracks[0];
    ASSERT_EQ(t.notes.size(), 2u);
    EXPECT_EQ(t.notes[0].velocity, 10);   // the first note-on closes first ...
    EXPECT_EQ(t.notes[0].end, 20u);
    EXPECT_EQ(t.notes[1].velocity, 20);   // ... then the second
    EXPECT_EQ(t.notes[1].end, 30u);
    ASSERT_EQ(t.unclosedNotes.size(), 1u);   // the third never ends
    EXPECT_EQ(t.unclosedNotes[0].velocity, 30);
    EXPECT_EQ(t.unclosedNotes[0].start, 10u);
}

TEST(MidiReader, KeepsZeroLengthNotesAndSortsChords) {
    const MidiFile f = readClean(smf(0, 96, {trackOf({event(0, {0x90, 67, 1}), event(0, {0x90, 60, 2}),
                                                      event(0, {0x91, 60, 3}), event(0, {0x80, 60, 0}),
                                                      event(7, {0x80, 67, 0}), event(0, {0x81, 60, 0})})}));
    const auto& n = f.tracks[0].notes;
    ASSERT_EQ(n.size(), 3u);
    // (start, pitch, channel, end, velocity)
    EXPECT_EQ(n[0].pitch, 60);
    EXPECT_EQ(n[0].channel, 0);
    EXPECT_EQ(n[0].end, 0u);   // zero length, kept
    EXPECT_EQ(n[1].pitch, 60);
    EXPECT_EQ(n[1].channel, 1);
    EXPECT_EQ(n[2].pitch, 67);
}

TEST(MidiReader, HandlesSixtyThousandNotesAndHundredKilobyteSysexAndText) {
    Bytes body;
    append(body, event(0, {0xF0}));
    append(body, vlq(100'000));
    body.insert(body.end(), 100'000 - 1, 0x11);
    body.push_back(0xF7);
    append(body, event(0, {0xFF, 0x01}));
    append(body, vlq(100'000));
    body.insert(body.end(), 100'000, 'a');
    for (int i = 0; i < 60'000; ++i) {
        append(body, event(1, {0x90, std::uint8_t(i % 128), 100}));
        append(body, event(1, {std::uint8_t(i % 128), 0}));
    }
    append(body, kEndOfTrack);
    Bytes file = header(0, 1, 480);
    append(file, trackChunk(body));
    const MidiFile f = readClean(file);
    EXPECT_EQ(f.tracks[0].notes.size(), 60'000u);
    EXPECT_EQ(f.tracks[0].sysexCount, 1u);
}

TEST(MidiReader, LimitsFailWithAClearMessage) {
    ReadOptions small;
    small.limits.maxNotes = 1;
    auto r = read(simpleSong(), ReadMode::Lenient, small);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("more than 1 notes"), std::string::npos) << r.error().toString();

    small = {};
    small.limits.maxEvents = 3;
    r = read(simpleSong(), ReadMode::Lenient, small);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("more than 3 events"), std::string::npos);

    small = {};
    small.limits.maxFileBytes = 20;
    r = read(simpleSong(), ReadMode::Lenient, small);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("20-byte limit"), std::string::npos);

    small = {};
    small.limits.maxTracks = 1;
    r = read(smf(1, 96, {trackOf({}), trackOf({})}), ReadMode::Lenient, small);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("more than 1 tracks"), std::string::npos);
}

TEST(MidiReader, KeepsAtMostTheConfiguredNumberOfWarnings) {
    Bytes body;
    for (int i = 0; i < 300; ++i) append(body, event(0, {0x90, 0x80 | 60, 100}));   // data byte > 127 each time
    append(body, kEndOfTrack);
    Bytes file = header(0, 1, 96);
    append(file, trackChunk(body));
    const auto r = read(file);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().warnings.size(), 100u);
    EXPECT_EQ(r.value().warningsDropped, 200u);
}

Bytes riff(const std::string& form, const Bytes& payload, const std::string& dataId = "data") {
    auto le32 = [](std::uint32_t v) {
        return Bytes{std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)};
    };
    Bytes out = {'R', 'I', 'F', 'F'};
    Bytes inner(form.begin(), form.end());
    const Bytes info = {'I', 'N', 'F', 'O', 3, 0, 0, 0, 'a', 'b', 'c', 0};   // an odd-sized chunk, padded
    append(inner, info);
    inner.insert(inner.end(), dataId.begin(), dataId.end());
    append(inner, le32(std::uint32_t(payload.size())));
    append(inner, payload);
    append(out, le32(std::uint32_t(inner.size())));
    append(out, inner);
    return out;
}

TEST(MidiReader, UnwrapsRiffRmidFiles) {
    const MidiFile plain = readClean(simpleSong());
    const MidiFile wrapped = readClean(riff("RMID", simpleSong()));
    EXPECT_EQ(wrapped, plain);
    // Two levels (an RMID wrapped again) are still read; five are refused.
    EXPECT_EQ(readClean(riff("RMID", riff("RMID", simpleSong()))), plain);
    Bytes deep = simpleSong();
    for (int i = 0; i < 5; ++i) deep = riff("RMID", deep);
    const auto r = read(deep);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nested more than 4 deep"), std::string::npos);
    const auto noData = read(riff("RMID", simpleSong(), "DATA"));
    ASSERT_FALSE(noData.ok());
    EXPECT_NE(noData.error().message.find("without a 'data' chunk"), std::string::npos);
}

TEST(MidiReader, WarningsInsideRmidPointAtOffsetsOfTheWholeFile) {
    Bytes song = simpleSong();
    song.push_back(0x00);   // one trailing byte
    const Bytes wrapped = riff("RMID", song);
    const MidiFile f = expectRepaired(wrapped, "trailing", wrapped.size() - 1, -1);
    EXPECT_EQ(f.tracks.size(), 1u);
}

TEST(MidiReader, SkipsUnknownChunks) {
    Bytes file = header(1, 2, 96);
    append(file, {'X', 'F', 'I', 'H', 0, 0, 0, 3, 1, 2, 3});
    append(file, trackOf({event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})}));
    append(file, {'M', 'a', 'r', 'k', 0, 0, 0, 0});
    append(file, trackOf({event(0, {0x90, 62, 1}), event(1, {0x80, 62, 0})}));
    const MidiFile f = readClean(file);
    ASSERT_EQ(f.tracks.size(), 2u);
    EXPECT_EQ(f.tracks[1].notes[0].pitch, 62);
}

TEST(MidiReader, RecognisesWhatIsNotAMidiFile) {
    auto r = read({});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("empty file"), std::string::npos);
    const std::string text = "<html>not found</html>";
    r = read(Bytes(text.begin(), text.end()));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not a MIDI file"), std::string::npos);
    EXPECT_NE(r.error().message.find("<html>"), std::string::npos);
    r = read({'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("inside the MThd header"), std::string::npos);
}

TEST(MidiReader, AHeaderWithoutTracksIsAnEmptySong) {
    const MidiFile f = readClean(header(1, 0, 480));
    EXPECT_TRUE(f.tracks.empty());
    EXPECT_EQ(f.durationSeconds, 0.0);
}

TEST(MidiReader, SkipsLeadingJunkBeforeTheHeader) {
    Bytes file(128, 0);   // a MacBinary header
    append(file, simpleSong());
    const MidiFile f = expectRepaired(file, "128 bytes before the MThd header skipped", 0, -1);
    EXPECT_EQ(f.tracks[0].notes.size(), 2u);
}

TEST(MidiReader, RecoversATrackLengthPastTheEndOfTheFile) {
    Bytes file = header(0, 1, 96);
    append(file, trackChunk({0x00, 0x90, 60, 100, 0x10, 0x80, 60, 0, 0x00, 0x90, 62, 100}, 1000));
    const MidiFile f = expectRepaired(file, "track length 1000 runs past the end of the file", 14, 0);
    ASSERT_EQ(f.tracks[0].notes.size(), 1u);
    EXPECT_EQ(f.tracks[0].unclosedNotes.size(), 1u);
    EXPECT_EQ(f.tracks[0].endTick, 16u);
}

TEST(MidiReader, RecoversAMissingEndOfTrack) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0x90, 60, 1}), event(4, {0x80, 60, 0})}, false));
    const MidiFile f = expectRepaired(file, "no end-of-track event", file.size(), 0);
    EXPECT_EQ(f.tracks[0].notes.size(), 1u);
}

TEST(MidiReader, CutOffEventsSayWhetherTheFileOrTheTrackEnded) {
    Bytes file = header(0, 1, 96);
    append(file, trackChunk({0x00, 0x90, 60, 100, 0x10, 0x80, 60}));   // note-off missing its velocity
    expectRepaired(file, "the track's length ends in the middle of a channel message", 26, 0);
    file.resize(file.size() - 1);
    file[21] = 8;   // and now the chunk claims more than the file holds
    const MidiFile f = read(file).value();
    ASSERT_EQ(f.warnings.size(), 2u);
    EXPECT_NE(f.warnings[1].message.find("the file ends in the middle of"), std::string::npos);
}

TEST(MidiReader, ClipsDataBytesAbove127) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0x90, 60, 0xC8}), event(4, {0x80, 60, 0})}));
    const MidiFile f = expectRepaired(file, "data byte 0xC8 above 127 clipped to 127", 25, 0);
    EXPECT_EQ(f.tracks[0].notes.at(0).velocity, 127);
}

TEST(MidiReader, SkipsDataBytesWithoutARunningStatus) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {60, 100, 0x90, 60, 100}), event(4, {0x80, 60, 0})}));
    const MidiFile f = expectRepaired(file, "2 data byte(s) with no status byte to repeat", 23, 0);
    EXPECT_EQ(f.tracks[0].notes.size(), 1u);
}

TEST(MidiReader, SkipsUnknownStatusBytesAndSystemMessages) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0xF4}), event(0, {0xF8}), event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})}));
    const MidiFile f = expectRepaired(file, "unknown status byte 0xF4 skipped", 22, 0);
    EXPECT_EQ(f.warnings.size(), 2u);
    EXPECT_EQ(f.tracks[0].notes.size(), 1u);
}

TEST(MidiReader, ContinuesAtTheNextTrackWhenATrackLengthIsTooLong) {
    Bytes first = trackOf({event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})});
    first[7] += 8;   // declared 8 bytes longer: it swallows the next chunk's header
    Bytes file = header(1, 2, 96);
    append(file, first);
    append(file, trackOf({event(0, {0x90, 62, 1}), event(1, {0x80, 62, 0})}));
    const MidiFile f = expectRepaired(file, "is too long; the next track starts right after end-of-track", 14, 0);
    ASSERT_EQ(f.tracks.size(), 2u);
    EXPECT_EQ(f.tracks[1].notes.at(0).pitch, 62);
}

TEST(MidiReader, ResynchronisesOnTheNextTrackAfterGarbage) {
    Bytes file = header(1, 2, 96);
    append(file, trackOf({event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})}));
    const std::size_t garbageAt = file.size();
    append(file, {0x01, 0x02, 0xFF, 0x00, 0x7F});
    append(file, trackOf({event(0, {0x90, 62, 1}), event(1, {0x80, 62, 0})}));
    const MidiFile f = expectRepaired(file, "5 unreadable bytes skipped up to the next track", garbageAt, -1);
    EXPECT_EQ(f.tracks.size(), 2u);
}

TEST(MidiReader, HeaderProblemsAreRepairedOrRefused) {
    MidiFile f = expectRepaired(smf(3, 96, {trackOf({})}), "format 3 is not 0, 1 or 2", 8, -1);
    EXPECT_EQ(f.format, 3);   // the header's value is reported as it is
    f = expectRepaired(smf(0, 96, {trackOf({}), trackOf({})}), "format 0 file with 2 tracks", 14, -1);
    f = expectRepaired(smf(1, 0, {trackOf({event(0, {0x90, 60, 1}), event(9, {0x80, 60, 0})})}),
                       "division of 0 ticks per beat", 12, -1);
    EXPECT_EQ(f.tracks[0].notes[0].endSeconds, 0.0);
    Bytes shortHeader = {'M', 'T', 'h', 'd', 0, 0, 0, 4, 0, 0, 0, 1, 0, 96};
    const auto r = read(shortHeader);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("MThd header of 4 bytes (6 needed)"), std::string::npos);
}

TEST(MidiReader, Smpte2997UsesTheRealFrameRate) {
    // -29 = 0xE3: 29.97 frames per second, 100 ticks per frame.
    const MidiFile f = readClean(smf(0, 0xE364, {trackOf({event(0, {0x90, 60, 1}), event(2997, {0x80, 60, 0})})}));
    EXPECT_EQ(f.division.smpteFormat, 29);
    EXPECT_NEAR(f.tracks[0].notes[0].endSeconds, 1.0, 1e-12);
}

TEST(MidiReader, BadMetaEventsAreIgnoredWithAWarning) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0xFF, 0x51, 2, 1, 2}), event(0, {0xFF, 0x59, 2, 9, 0})}));
    const MidiFile f = expectRepaired(file, "tempo event with 2 data bytes (3 expected); ignored", 22, 0);
    EXPECT_TRUE(f.tempos.empty());
    EXPECT_TRUE(f.keySignatures.empty());
    ASSERT_EQ(f.warnings.size(), 2u);
    EXPECT_NE(f.warnings[1].message.find("key signature with 9 sharps"), std::string::npos);
}

TEST(MidiReader, DeltaTimesLongerThanFourBytesEndTheTrack) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0x90, 60, 1}), Bytes{0x81, 0x80, 0x80, 0x80, 0x00, 0x80, 60, 0}}));
    const MidiFile f = expectRepaired(file, "delta time longer than 4 bytes", 26, 0);
    EXPECT_EQ(f.tracks[0].unclosedNotes.size(), 1u);
}

TEST(MidiReader, UnterminatedSysexIsReported) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0xF0, 2, 0x43, 0x10})}));
    expectRepaired(file, "sysex message without its closing F7", 22, 0);
}

TEST(MidiReader, ErrorsSayWhatAndWhere) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0x90, 60, 0xC8})}));
    const auto r = read(file, ReadMode::Strict);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().toString(), "track 0, byte 25: data byte 0xC8 above 127 clipped to 127");
}

TEST(MidiReader, ReadsFilesFromDiskAndExplainsWhyNot) {
    auto r = pm::midi::readMidiFile("/nonexistent/song.mid");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("cannot open '/nonexistent/song.mid'"), std::string::npos);
    r = pm::midi::readMidiFile(PIANOMUSE_TEST_DATA_DIR);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("is a directory"), std::string::npos);
}

}  // namespace
