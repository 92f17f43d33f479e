// Tokens to NoteSequence through the tokenizer's decoder, on hand-built token sequences whose
// notes and bar lines are written out below, and MIDI files (good, empty, not MIDI at all).
#include "analysis/note_sequence_from_tokens.h"

#include "midi/midi_writer.h"
#include "synthetic_pieces.h"
#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using pm::tok::TokenKind;
namespace fs = std::filesystem;

struct Tokens {
    const pm::tok::Vocabulary& v;
    std::vector<std::uint16_t> ids;
    Tokens& add(TokenKind k, int value = 0) {
        ids.push_back(v.id(k, value));
        return *this;
    }
    // Pitch, velocity bin 15 (decoded as 62), duration in steps (extra spans of 96 first).
    Tokens& note(int pitch, int steps) {
        add(TokenKind::Pitch, pitch).add(TokenKind::Velocity, 15);
        if (steps >= 96) add(TokenKind::DurationExtra, steps / 96);
        return add(TokenKind::Duration, steps % 96);
    }
};

class FromTokens : public ::testing::Test {
protected:
    pm::tok::Tokenizer tokenizer;
    Tokens start() {
        Tokens t{tokenizer.vocabulary(), {}};
        t.add(TokenKind::Bos).add(TokenKind::TimeSig, tokenizer.vocabulary().metreIndex({4, 4})).add(TokenKind::Tempo, 20);
        return t;
    }
};

TEST_F(FromTokens, NotesAndBarLinesOnTheGrid) {
    // Bar 1 (4/4, steps 0-95): C4 at 0 for a quarter, E4 + G4 at 24 (G4 shorter than half a
    // step); bar 2: an empty bar; bar 3 switches to 3/4: A4 at its step 12 for 100 steps.
    Tokens t = start();
    t.add(TokenKind::Bar).add(TokenKind::Position, 0).note(60, 24);
    t.add(TokenKind::Position, 24).note(64, 12).note(67, 0);
    t.add(TokenKind::Bar);
    t.add(TokenKind::Bar).add(TokenKind::TimeSig, tokenizer.vocabulary().metreIndex({3, 4}));
    t.add(TokenKind::Position, 12).note(69, 100);
    t.add(TokenKind::Bar).add(TokenKind::Eos);   // A4 sounds into bar 4 (steps 264-335), which ends the piece
    const pm::analysis::NoteSequence s = pm::analysis::noteSequenceFromTokens(t.ids, tokenizer);

    EXPECT_EQ(s.stepsPerQuarter, 24);
    EXPECT_EQ(s.barStarts, (std::vector<std::int64_t>{0, 96, 192, 264}));
    EXPECT_EQ(s.end, 336);
    ASSERT_EQ(s.notes.size(), 4u);
    const std::vector<std::array<std::int64_t, 3>> want{{0, 24, 60}, {24, 12, 64}, {24, 0, 67}, {204, 100, 69}};
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(s.notes[i].onset, want[i][0]) << i;
        EXPECT_EQ(s.notes[i].duration, want[i][1]) << i;
        EXPECT_EQ(s.notes[i].pitch, want[i][2]) << i;
        EXPECT_EQ(s.notes[i].velocity, 62) << i;   // bin 15 of 4-wide bins: 4 * 15 + 2
    }
    EXPECT_EQ(s.barOf(203), 2);
    EXPECT_EQ(s.barOf(204), 2);
    EXPECT_EQ(s.barOf(264), 3);
}

TEST_F(FromTokens, SkippedIdsAreNotNotesAndAnUnfinishedPieceEndsAtItsLastBar) {
    // A Pitch with nothing after it and an id outside the vocabulary; no EOS.
    Tokens t = start();
    t.add(TokenKind::Bar).add(TokenKind::Position, 48).note(72, 48);
    t.ids.push_back(9999);
    t.add(TokenKind::Pitch, 50);
    t.add(TokenKind::Bar).add(TokenKind::Position, 6).note(74, 6);
    const pm::analysis::NoteSequence s = pm::analysis::noteSequenceFromTokens(t.ids, tokenizer);
    EXPECT_EQ(s.barStarts, (std::vector<std::int64_t>{0, 96}));
    EXPECT_EQ(s.end, 192);
    ASSERT_EQ(s.notes.size(), 2u);
    EXPECT_EQ(s.notes[0].onset, 48);
    EXPECT_EQ(s.notes[1].onset, 102);
    EXPECT_EQ(s.notes[1].pitch, 74);
}

TEST_F(FromTokens, TheGrammarsPathAndTheDecodersRepairsAgree) {
    // A valid sequence is read off the grammar's state; one PAD in front sends the same tokens
    // through the streaming decoder (the grammar refuses PAD, the decoder ignores it). A real
    // piece's tokens must come out the same both ways.
    const pm::tok::Encoding e = tokenizer.encode(pm::test::toMidi(pm::test::syntheticPiece(42)));
    std::vector<std::uint16_t> padded{tokenizer.vocabulary().id(TokenKind::Pad)};
    padded.insert(padded.end(), e.tokens.begin(), e.tokens.end());
    const pm::analysis::NoteSequence a = pm::analysis::noteSequenceFromTokens(e.tokens, tokenizer);
    const pm::analysis::NoteSequence b = pm::analysis::noteSequenceFromTokens(padded, tokenizer);
    EXPECT_GT(a.notes.size(), 300u);
    EXPECT_EQ(a.barStarts, b.barStarts);
    EXPECT_EQ(a.end, b.end);
    ASSERT_EQ(a.notes.size(), b.notes.size());
    for (std::size_t i = 0; i < a.notes.size(); ++i) {
        EXPECT_EQ(a.notes[i].onset, b.notes[i].onset) << i;
        EXPECT_EQ(a.notes[i].duration, b.notes[i].duration) << i;
        EXPECT_EQ(a.notes[i].pitch, b.notes[i].pitch) << i;
        EXPECT_EQ(a.notes[i].velocity, b.notes[i].velocity) << i;
    }
    // And both are the piece that was encoded (the synthetic piece is on the grid already).
    const pm::analysis::NoteSequence original = pm::test::syntheticPiece(42);
    EXPECT_EQ(a.barStarts, original.barStarts);
    ASSERT_EQ(a.notes.size(), original.notes.size());
    for (std::size_t i = 0; i < a.notes.size(); ++i) {
        EXPECT_EQ(a.notes[i].onset, original.notes[i].onset) << i;
        EXPECT_EQ(a.notes[i].duration, original.notes[i].duration) << i;
        EXPECT_EQ(a.notes[i].pitch, original.notes[i].pitch) << i;
    }
}

TEST_F(FromTokens, NothingDecodesToNothing) {
    const pm::analysis::NoteSequence s = pm::analysis::noteSequenceFromTokens(std::vector<std::uint16_t>{}, tokenizer);
    EXPECT_TRUE(s.notes.empty());
    EXPECT_TRUE(s.barStarts.empty());
    EXPECT_EQ(s.end, 0);
    EXPECT_EQ(s.barOf(10), -1);
}

TEST_F(FromTokens, AMidiFileGoesThroughTheTokenizer) {
    // Two bars of 4/4 at 20 ticks per step: onsets and durations come back in steps.
    pm::analysis::NoteSequence in;
    in.barStarts = {0, 96};
    in.end = 192;
    in.notes = {{0, 48, 60, 80}, {48, 24, 62, 80}, {96, 96, 64, 80}};
    const fs::path dir = fs::temp_directory_path() / ("pm-nsft-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    fs::create_directories(dir);
    const std::string good = (dir / "good.mid").string();
    ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::toMidi(in), good).ok());
    const pm::analysis::MidiNoteSequence r = pm::analysis::noteSequenceFromMidiFile(good, tokenizer);
    ASSERT_TRUE(r.sequence) << r.error;
    EXPECT_EQ(r.sequence->barStarts, in.barStarts);
    EXPECT_EQ(r.sequence->end, 192);
    ASSERT_EQ(r.sequence->notes.size(), 3u);
    EXPECT_EQ(r.sequence->notes[1].onset, 48);
    EXPECT_EQ(r.sequence->notes[1].duration, 24);
    EXPECT_EQ(r.sequence->notes[2].pitch, 64);

    // Not MIDI, and MIDI without notes: one-line errors that name the file.
    const std::string text = (dir / "notes.mid").string();
    std::ofstream(text) << "these are not the notes you are looking for\n";
    const auto bad = pm::analysis::noteSequenceFromMidiFile(text, tokenizer);
    EXPECT_FALSE(bad.sequence);
    EXPECT_NE(bad.error.find("notes.mid"), std::string::npos) << bad.error;
    EXPECT_EQ(bad.error.find('\n'), std::string::npos);
    pm::analysis::NoteSequence silent = in;
    silent.notes.clear();
    const std::string emptyFile = (dir / "empty.mid").string();
    ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::toMidi(silent), emptyFile).ok());
    const auto empty = pm::analysis::noteSequenceFromMidiFile(emptyFile, tokenizer);
    EXPECT_FALSE(empty.sequence);
    EXPECT_NE(empty.error.find("no notes"), std::string::npos) << empty.error;
    fs::remove_all(dir);
}

}  // namespace
