// Decoding anything: random ids, cut sequences, stray tokens. Never a crash, always counted;
// and the streaming decoder hands out the same notes as the whole-sequence one, as they complete.
#include "tokenizer_test_support.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include <gtest/gtest.h>

namespace {

using namespace pm::tok;

Encoding encodeFixture(const Tokenizer& t, const std::string& name) {
    auto read = pm::midi::readMidiFile(pm::test::tokenizerDataDir() + "/midi/real/" + name);
    EXPECT_TRUE(read.ok());
    return t.encode(read.value());
}

TEST(Decoder, RandomIdsNeverCrashAndAlwaysGiveAWritableFile) {
    const Tokenizer t;
    std::mt19937 rng(5);
    std::size_t notes = 0;
    for (int i = 0; i < 300; ++i) {
        std::vector<TokenId> ids(rng() % 2000);
        // Mostly in the vocabulary, sometimes far outside it.
        for (auto& id : ids) id = TokenId(rng() % 8 ? rng() % t.vocabulary().size() : rng() % 65536);
        const Decoded d = t.decode(ids);
        EXPECT_EQ(d.stats.tokens, ids.size());
        notes += d.stats.notes;
        EXPECT_EQ(d.file.noteCount(), d.stats.notes);
        ASSERT_TRUE(pm::midi::writeMidi(d.file).ok());
    }
    EXPECT_GT(notes, 0u) << "random ids should still make a few notes";
}

TEST(Decoder, EveryCutOfAValidSequenceDecodesWithOnlyTheOpenTailCounted) {
    const Tokenizer t;
    const Encoding e = encodeFixture(t, "test01.mid");
    for (std::size_t cut = 0; cut <= e.tokens.size(); ++cut) {
        const Decoded d = t.decode(e.tokens.data(), cut);
        EXPECT_EQ(d.stats.skipped, 0u) << cut;
        EXPECT_EQ(d.stats.assumedPrefix, 0u) << cut;
        EXPECT_LE(d.stats.unfinished, 4u) << "at most Position Pitch Velocity DurationExtra are open";
    }
}

TEST(Decoder, SkipsAndCountsWhatDoesNotFitAndCarriesOn) {
    const Tokenizer t;
    const Vocabulary& v = t.vocabulary();
    Encoding e = encodeFixture(t, "test01.mid");
    const std::size_t notes = t.decode(e.tokens).stats.notes;
    // A stray token in the middle of the first note (after its Pitch and Velocity).
    std::vector<TokenId> broken = e.tokens;
    const std::size_t firstPitch = std::size_t(std::find_if(broken.begin(), broken.end(), [&](TokenId id) {
                                                   return v.token(id).kind == TokenKind::Pitch;
                                               }) - broken.begin());
    broken.insert(broken.begin() + long(firstPitch) + 2, v.id(TokenKind::Sep));
    const Decoded d = t.decode(broken);
    EXPECT_EQ(d.stats.skipped, 1u) << "SEP is never music";
    EXPECT_EQ(d.stats.notes, notes) << "the note still completes: SEP was only skipped";

    broken = e.tokens;
    broken.insert(broken.begin() + long(firstPitch) + 2, v.id(TokenKind::Bar));
    const Decoded d2 = t.decode(broken);
    // test01's first note sits at the bar line: Position_0 Pitch Velocity are given up, the
    // Bar starts a new bar, and the orphaned Duration is skipped.
    EXPECT_EQ(d2.stats.skipped, 3u + 1u);
    EXPECT_EQ(d2.stats.notes, notes - 1) << "one note lost, the rest kept";
}

TEST(Decoder, AMissingPrefixIsAssumedAndCounted) {
    const Tokenizer t;
    const Encoding e = encodeFixture(t, "test01.mid");
    const std::vector<TokenId> body(e.tokens.begin() + 3, e.tokens.end());   // without BOS TimeSig Tempo
    const Decoded d = t.decode(body);
    EXPECT_EQ(d.stats.assumedPrefix, 3u);
    EXPECT_EQ(d.stats.skipped, 0u);
    EXPECT_EQ(d.stats.notes, t.decode(e.tokens).stats.notes);
}

TEST(Decoder, PaddingIsIgnored) {
    const Tokenizer t;
    Encoding e = encodeFixture(t, "test01.mid");
    std::vector<TokenId> padded = e.tokens;
    padded.insert(padded.end(), 50, t.vocabulary().id(TokenKind::Pad));
    const Decoded d = t.decode(padded);
    EXPECT_EQ(d.stats.padding, 50u);
    EXPECT_TRUE(d.stats.clean());
}

TEST(StreamingDecoder, GivesEachNoteAsSoonAsItsDurationIsRead) {
    const Tokenizer t;
    const Encoding e = encodeFixture(t, "BachJS__bach-praeludium-02.mid");
    StreamingDecoder stream = t.streamingDecoder();
    std::vector<pm::midi::Note> streamed;
    std::vector<DecodedEvent> events;
    for (TokenId id : e.tokens) {
        events.clear();
        ASSERT_TRUE(stream.grammar().accepts(id));
        ASSERT_TRUE(stream.push(id, &events));
        const bool isDuration = t.vocabulary().token(id).kind == TokenKind::Duration;
        std::size_t noteEvents = 0;
        for (const DecodedEvent& ev : events)
            if (ev.kind == DecodedEvent::Kind::Note) {
                ++noteEvents;
                streamed.push_back(ev.note);
                EXPECT_GE(ev.seconds, 0.0);
            }
        EXPECT_EQ(noteEvents, isDuration ? 1u : 0u);
    }
    const Decoded whole = t.decode(e.tokens);
    ASSERT_EQ(streamed.size(), whole.file.noteCount());
    // Same notes in ticks; start seconds agree too (tempo changes come before their notes).
    std::vector<pm::midi::Note> sorted = whole.file.tracks[0].notes;
    auto key = [](const pm::midi::Note& n) { return std::make_tuple(n.start, n.pitch, n.end, n.velocity); };
    std::sort(streamed.begin(), streamed.end(), [&](auto& a, auto& b) { return key(a) < key(b); });
    std::sort(sorted.begin(), sorted.end(), [&](auto& a, auto& b) { return key(a) < key(b); });
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        EXPECT_EQ(key(streamed[i]), key(sorted[i]));
        EXPECT_NEAR(streamed[i].startSeconds, sorted[i].startSeconds, 1e-6);
    }
}

}  // namespace
