// Where we deliberately read differently from mido (the reader behind midi_oracle.py), and why.
// Each case was checked against mido 1.2.10 (Debian 12's python3-mido); what mido does is in
// the comment, what we do is asserted. On clean files the two agree exactly (golden and corpus tests).
#include "midi/midi_reader.h"

#include "smf_bytes.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::test;

pm::midi::MidiFile readLenient(const Bytes& bytes) {
    auto r = pm::midi::readMidi(bytes.data(), bytes.size());
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? r.value() : pm::midi::MidiFile{};
}

// mido: "no MTrk header at start of track" — it expects an MTrk right after each track.
// The SMF spec tells readers to skip chunk types they do not know, so we do, silently.
TEST(MidiMidoDifferences, UnknownChunksAreSkippedNotFatal) {
    Bytes file = header(0, 1, 96);
    append(file, {'X', 'Y', 'Z', 'W', 0, 0, 0, 1, 0});
    append(file, trackOf({event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})}));
    const auto f = readLenient(file);
    EXPECT_EQ(f.noteCount(), 1u);
    EXPECT_TRUE(f.warnings.empty());
}

// mido reads the events of a sysex as a new sysex when a data byte follows it (it stores F0 as
// the running status), which turns the next note's bytes into a bogus sysex length and fails or
// misreads. A data byte there can only mean the last channel status: we continue that.
TEST(MidiMidoDifferences, RunningStatusSurvivesSysexEvents) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0x90, 60, 100}), event(0, {0xF0, 1, 0xF7}), event(10, {60, 0})}));
    const auto f = readLenient(file);
    ASSERT_EQ(f.noteCount(), 1u);
    EXPECT_EQ(f.tracks[0].notes[0].end, 10u);
    EXPECT_TRUE(f.warnings.empty());
}

// mido keeps reading events after end-of-track until the chunk's length is used up. The spec
// says end-of-track is the last event; bytes after it are padding or garbage, and we ignore
// them with a warning rather than invent notes from them.
TEST(MidiMidoDifferences, NothingIsReadAfterEndOfTrack) {
    Bytes body = {0x00, 0x90, 60, 100, 0x01, 0x80, 60, 0};
    append(body, kEndOfTrack);
    append(body, {0x00, 0x90, 62, 100, 0x01, 0x80, 62, 0});
    Bytes file = header(0, 1, 96);
    append(file, trackChunk(body));
    const auto f = readLenient(file);
    EXPECT_EQ(f.noteCount(), 1u);
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].message.find("bytes after the end-of-track event ignored"), std::string::npos);
}

// mido: "data byte must be in range 0..127" unless clip=True, which clips to 127. We clip the
// same way (so `midi_oracle.py --clip` agrees) and warn.
TEST(MidiMidoDifferences, DataBytesAbove127AreClippedLikeMidoClip) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0x90, 60, 0xFF}), event(1, {0x80, 60, 0})}));
    EXPECT_EQ(readLenient(file).tracks[0].notes.at(0).velocity, 127);
}

// mido raises KeySignatureError on a key with more than 7 sharps or flats, and IndexError on a
// tempo event shorter than 3 bytes, losing the whole file over one meta event. We drop the event.
TEST(MidiMidoDifferences, OneBadMetaEventDoesNotLoseTheFile) {
    Bytes file = header(0, 1, 96);
    append(file, trackOf({event(0, {0xFF, 0x59, 2, 8, 0}), event(0, {0xFF, 0x51, 1, 7}),
                          event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})}));
    const auto f = readLenient(file);
    EXPECT_EQ(f.noteCount(), 1u);
    EXPECT_EQ(f.warnings.size(), 2u);
}

// mido stops after the number of tracks the header declares and fails ("EOFError") when the
// file has fewer. We read every MTrk chunk that is there and warn when the count differs.
TEST(MidiMidoDifferences, TrackCountComesFromTheChunksNotTheHeader) {
    Bytes file = header(1, 3, 96);
    append(file, trackOf({event(0, {0x90, 60, 1}), event(1, {0x80, 60, 0})}));
    const auto f = readLenient(file);
    EXPECT_EQ(f.tracks.size(), 1u);
    EXPECT_EQ(f.headerTrackCount, 3);
    ASSERT_EQ(f.warnings.size(), 1u);
}

// mido fails with EOFError on a truncated file (a download cut short). We keep every complete
// event; notes cut off are reported as unclosed.
TEST(MidiMidoDifferences, TruncatedFilesKeepWhatWasThere) {
    Bytes file = simpleSong();
    file.resize(file.size() - 6);
    const auto f = readLenient(file);
    EXPECT_EQ(f.noteCount(), 2u);
    EXPECT_FALSE(f.warnings.empty());
}

// mido: "MThd not found. Probably not a MIDI file" for RIFF RMID (.rmi) files.
TEST(MidiMidoDifferences, RmidFilesAreRead) {
    const Bytes song = simpleSong();
    Bytes file = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'R', 'M', 'I', 'D', 'd', 'a', 't', 'a',
                  std::uint8_t(song.size()), 0, 0, 0};
    append(file, song);
    file[4] = std::uint8_t(file.size() - 8);
    EXPECT_EQ(readLenient(file).noteCount(), 2u);
}

}  // namespace
