// The generator with an untrained (random) tiny model: every output decodes with nothing
// skipped, seeds reproduce, lengths and cancel are honoured, streamed notes are the final
// piece's notes, prompts keep exactly their bars, continue/undo, RNN steps = sequence logits.
#include "generate_test_support.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "tokenizer/value_bins.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace pm;
using namespace pm::gen;
using pm::test::GenFixture;

namespace {

// Seconds per quarter note of 120 BPM after the tokenizer's tempo binning.
double beatSeconds(const tok::Tokenizer& t) { return 60.0 / tok::tempoBinBpm(tok::tempoBin(120.0, t.config()), t.config()); }

// Start times of the Bar events of `tokens` from index `from` on, decoded independently.
std::vector<double> barStarts(const tok::Tokenizer& t, const std::vector<tok::TokenId>& tokens, std::size_t from) {
    auto dec = t.streamingDecoder();
    std::vector<tok::DecodedEvent> ev;
    std::vector<double> starts;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        ev.clear();
        dec.push(tokens[i], &ev);
        if (i >= from)
            for (const auto& e : ev)
                if (e.kind == tok::DecodedEvent::Kind::Bar) starts.push_back(e.seconds);
    }
    return starts;
}

std::vector<std::tuple<midi::Tick, int, midi::Tick, int>> noteKeys(const midi::MidiFile& f) {
    std::vector<std::tuple<midi::Tick, int, midi::Tick, int>> k;
    for (const auto& t : f.tracks)
        for (const auto& n : t.notes) k.emplace_back(n.start, n.pitch, n.end, n.velocity);
    std::sort(k.begin(), k.end());
    return k;
}

}  // namespace

TEST_F(GenFixture, RnnPrefillPlusStepsEqualsSequenceLogits) {
    torch::InferenceMode guard;
    const auto prompt = promptOf(4);
    const auto n = std::int64_t(prompt.size());
    ASSERT_GT(n, 12);
    auto all = torch::empty({1, n}, torch::kLong);
    for (std::int64_t i = 0; i < n; ++i) all[0][i] = std::int64_t(prompt[std::size_t(i)]);
    const torch::Tensor seq = model->forward(all);   // (1, T, V): the sequence path, no state
    // Prefill the first 5 tokens, then one RNN step per token, as the generator does.
    model::Rwkv7State st = model->initialState(1);
    const torch::Tensor pre = model->forward(all.slice(1, 0, 5), &st);
    EXPECT_TRUE(torch::allclose(pre[0][4], seq[0][4], 1e-4, 1e-4));
    for (std::int64_t i = 5; i < n; ++i) {
        const torch::Tensor logits = model->step(all[0].slice(0, i, i + 1), st);   // (1, V)
        const double err = (logits[0] - seq[0][i]).abs().max().item<double>();
        EXPECT_LT(err, 1e-4) << "position " << i;
    }
}

TEST_F(GenFixture, EveryOutputDecodesCleanlyAndReadsBack) {
    // Random seeds, a bars length, the model free to end early: 20 pieces (1,000 in the slow tier).
    for (std::uint64_t seed = 1000; seed < 1020; ++seed) {
        GenerationRequest r = request(2, seed);
        auto out = generator->generate(r);
        ASSERT_EQ(out.size(), 1u);
        expectValidPiece(out[0]);
    }
}

TEST_F(GenFixture, SameSeedSameOutputDifferentSeedDifferentOutput) {
    const auto a = generator->generate(request(2, 77))[0];
    const auto b = generator->generate(request(2, 77))[0];
    const auto c = generator->generate(request(2, 78))[0];
    EXPECT_EQ(a.tokens, b.tokens);
    EXPECT_NE(a.tokens, c.tokens);
}

TEST_F(GenFixture, VariationsAreTheSeedsRunOneByOne) {
    GenerationRequest r = request(1, 500);
    r.variations = 3;
    const auto all = generator->generate(r);
    ASSERT_EQ(all.size(), 3u);
    for (int v = 0; v < 3; ++v) {
        EXPECT_EQ(all[std::size_t(v)].seed, 500u + std::uint64_t(v));
        const auto single = generator->generate(request(1, 500 + std::uint64_t(v)))[0];
        EXPECT_EQ(all[std::size_t(v)].tokens, single.tokens) << v;
    }
}

TEST_F(GenFixture, BarsLengthGivesExactlyThatManyBarsEachWithANote) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        GenerationRequest r = request(3, seed);
        r.allowEarlyEnd = false;
        const auto out = generator->generate(r)[0];
        EXPECT_EQ(out.generatedBars, 3u) << seed;
        EXPECT_FALSE(out.endedByModel);
        // Independently from the tokens: a Pitch between every two generated Bar tokens.
        const auto& v = tokenizer.vocabulary();
        int barsSeen = 0, pitchesInBar = 0;
        for (std::size_t i = out.promptTokens; i < out.tokens.size(); ++i) {
            const auto t = v.token(out.tokens[i]);
            if (t.kind == tok::TokenKind::Bar) {
                if (barsSeen > 0) {
                    EXPECT_GT(pitchesInBar, 0) << "seed " << seed << " bar " << barsSeen;
                }
                ++barsSeen;
                pitchesInBar = 0;
            } else if (t.kind == tok::TokenKind::Pitch) {
                ++pitchesInBar;
            }
        }
        EXPECT_GT(pitchesInBar, 0) << "last bar, seed " << seed;
        expectValidPiece(out);
    }
}

TEST_F(GenFixture, TokensAndSecondsLengths) {
    GenerationRequest r = request(0, 5);
    r.length = {LengthUnit::Tokens, 30};
    r.allowEarlyEnd = false;
    auto out = generator->generate(r)[0];
    EXPECT_GE(out.generatedTokens, 30u);
    EXPECT_LE(out.generatedTokens, 30u + 6u);   // finishing the note it was in, then EOS
    expectValidPiece(out);

    // Seconds: generation stops at the first bar line at or after prompt end + 5 s. The random
    // model may change tempo and metre, so the bar times come from decoding the output.
    for (std::uint64_t seed = 5; seed < 9; ++seed) {
        r.sampling.seed = seed;
        r.length = {LengthUnit::Seconds, 5.0};
        out = generator->generate(r)[0];
        expectValidPiece(out);
        EXPECT_NEAR(out.promptSeconds, 16 * beatSeconds(tokenizer), 1e-6);   // the 4-bar prompt
        const double target = out.promptSeconds + 5.0;
        const auto starts = barStarts(tokenizer, out.tokens, out.promptTokens);
        ASSERT_EQ(starts.size(), out.generatedBars);
        ASSERT_FALSE(starts.empty());
        EXPECT_LT(starts.back(), target) << "a bar was opened after the target";
        if (out.stats.ended && !out.cancelled && out.generatedTokens < r.maxTokens) {
            EXPECT_GE(out.file.durationSeconds, target - 1e-6) << "ended before the target";
        }
    }
}

TEST_F(GenFixture, CancelStopsWithinOneToken) {
    std::atomic<bool> cancel{false};
    std::size_t seen = 0;
    const auto out = generator->generate(request(50, 9), [&](const GenerationUpdate& u) {
        if (u.prompt) return;
        seen = u.generatedTokens;
        if (u.generatedTokens == 7) cancel = true;
    }, &cancel);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].cancelled);
    EXPECT_EQ(out[0].generatedTokens, 7u);
    EXPECT_EQ(seen, 7u);
}

TEST_F(GenFixture, StreamedEventsArriveInOrderAndAreTheFinalNotes) {
    std::vector<tok::DecodedEvent> notes;
    bool promptFirst = false;
    std::size_t updates = 0;
    const auto out = generator->generate(request(3, 21), [&](const GenerationUpdate& u) {
        if (updates++ == 0) promptFirst = u.prompt;
        for (const auto& e : u.events)
            if (e.kind == tok::DecodedEvent::Kind::Note) notes.push_back(e);
    })[0];
    EXPECT_TRUE(promptFirst);
    EXPECT_EQ(updates, 1 + out.generatedTokens);   // one per token, after the prompt's
    for (std::size_t i = 1; i < notes.size(); ++i) EXPECT_LE(notes[i - 1].note.start, notes[i].note.start) << i;
    midi::MidiFile streamed;
    streamed.tracks.resize(1);
    for (const auto& e : notes) streamed.tracks[0].notes.push_back(e.note);
    EXPECT_EQ(noteKeys(streamed), noteKeys(out.file));
}

TEST_F(GenFixture, PromptKeepsExactlyItsBars) {
    // The source: one quarter note per beat, 8 bars of 4/4 at 120 BPM (2 s per bar).
    const auto p = promptFromBars(tokenizer, source, 3);
    ASSERT_TRUE(p.ok()) << p.error;
    EXPECT_EQ(p.bars, 3u);
    const double bar3 = 12 * beatSeconds(tokenizer);
    EXPECT_NEAR(p.seconds, bar3, 1e-6);
    const auto decoded = tokenizer.decode(p.tokens);
    EXPECT_TRUE(decoded.stats.clean());
    EXPECT_EQ(decoded.file.noteCount(), 12u);
    const auto bySeconds = promptFromSeconds(tokenizer, source, 5.5);   // bars starting at 0, 2, 4 s
    EXPECT_EQ(bySeconds.tokens, p.tokens);

    const auto out = generator->generate([&] {
        GenerationRequest r = request(2, 3);
        r.prompt = p.tokens;
        return r;
    }())[0];
    // The output starts with the prompt, and its notes before the cut are the prompt's notes.
    ASSERT_GE(out.tokens.size(), p.tokens.size());
    EXPECT_TRUE(std::equal(p.tokens.begin(), p.tokens.end(), out.tokens.begin()));
    std::size_t early = 0;
    for (const auto& n : out.file.tracks.at(0).notes) early += n.startSeconds < bar3 - 1e-9;
    EXPECT_EQ(early, 12u);

    const auto fresh = metadataPrompt(tokenizer, {3, 4}, 90);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(tokenizer.vocabulary().name(fresh.tokens.at(1)), "TimeSig_3/4");
    EXPECT_FALSE(metadataPrompt(tokenizer, {7, 1}, 90).ok());
}

TEST_F(GenFixture, ContinueExtendsTheCurrentPieceAndUndoGoesBack) {
    GenerationSession session(*generator);
    const auto first = session.start(request(2, 1))[0];
    EXPECT_FALSE(session.canUndo());
    const auto second = session.continueCurrent(request(2, 2))[0];
    const auto base = continuable(tokenizer, first.tokens);
    ASSERT_GT(second.tokens.size(), base.size());
    EXPECT_TRUE(std::equal(base.begin(), base.end(), second.tokens.begin()));
    EXPECT_EQ(second.promptTokens, base.size());
    EXPECT_GE(second.file.noteCount(), first.file.noteCount());
    expectValidPiece(second);
    ASSERT_TRUE(session.canUndo());
    ASSERT_TRUE(session.undo());
    EXPECT_EQ(session.current()->tokens, first.tokens);
    EXPECT_FALSE(session.undo());
}

TEST_F(GenFixture, AnInvalidPromptIsRejected) {
    GenerationRequest r = request(1, 1);
    r.prompt = {tokenizer.vocabulary().id(tok::TokenKind::Bos), tokenizer.vocabulary().id(tok::TokenKind::Pitch, 60)};
    EXPECT_THROW(generator->generate(r), std::invalid_argument);
}
