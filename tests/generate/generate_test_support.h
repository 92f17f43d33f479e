// A tiny random-weight model with the real tokenizer's vocabulary, a generated source piece and
// the checks every generated piece must pass.
#pragma once

#include "generate/generator.h"
#include "generate/prompt.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "model/rwkv7_config.h"

#include <gtest/gtest.h>

#include <memory>

namespace pm::test {

// 8 bars of 4/4 at 120 BPM, one quarter note per beat on a rising scale.
inline midi::MidiFile scalePiece(int bars = 8) {
    midi::MidiFile f;
    f.format = 0;
    f.division.ticksPerBeat = 480;
    f.tempos.push_back({0, 500000, 0});
    midi::TimeSignature ts;
    f.timeSignatures.push_back(ts);
    f.tracks.resize(1);
    for (int i = 0; i < bars * 4; ++i) {
        midi::Note n;
        n.start = midi::Tick(i) * 480;
        n.end = n.start + 480;
        n.startSeconds = i * 0.5;
        n.endSeconds = n.startSeconds + 0.5;
        n.pitch = std::uint8_t(48 + (i * 2) % 36);
        n.velocity = 80;
        f.tracks[0].notes.push_back(n);
    }
    f.tracks[0].endTick = midi::Tick(bars) * 4 * 480;
    f.durationSeconds = bars * 2.0;
    return f;
}

class GenFixture : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        // Two layers of the tiny preset: the same code paths, half the time per token.
        model::Rwkv7Config c = model::Rwkv7Config::preset("tiny", std::int64_t(tok::Tokenizer().vocabulary().size()));
        c.nLayer = 2;
        auto m = model::Rwkv7Model(c);
        m->initWeights(1234);
        sharedModel_ = new model::Rwkv7Model(m);
    }
    static void TearDownTestSuite() {
        delete sharedModel_;
        sharedModel_ = nullptr;
    }
    void SetUp() override {
        model = *sharedModel_;
        generator = std::make_unique<gen::Generator>(model, tokenizer);
    }

    std::vector<tok::TokenId> promptOf(std::size_t bars) const { return gen::promptFromBars(tokenizer, source, bars).tokens; }

    gen::GenerationRequest request(double bars, std::uint64_t seed) const {
        gen::GenerationRequest r;
        r.prompt = promptOf(4);
        r.length = {gen::LengthUnit::Bars, bars};
        r.sampling.seed = seed;
        r.maxTokens = 400;   // an untrained model wanders; keep unit tests short
        return r;
    }

    // Clean decode, every token used, and the written file reads back with the same notes.
    void expectValidPiece(const gen::GenerationResult& r) const {
        EXPECT_TRUE(r.stats.clean()) << "skipped " << r.stats.skipped << " unfinished " << r.stats.unfinished;
        EXPECT_EQ(r.stats.skipped, 0u);
        EXPECT_EQ(r.stats.tokens, r.tokens.size());
        const auto bytes = midi::writeMidi(r.file);
        ASSERT_TRUE(bytes.ok()) << bytes.error().toString();
        const auto back = midi::readMidi(bytes.value().data(), bytes.value().size(), {midi::ReadMode::Strict, {}});
        ASSERT_TRUE(back.ok()) << back.error().toString();
        EXPECT_EQ(back.value().noteCount(), r.file.noteCount());
    }

    tok::Tokenizer tokenizer;
    midi::MidiFile source = scalePiece();
    model::Rwkv7Model model{nullptr};
    std::unique_ptr<gen::Generator> generator;

private:
    static model::Rwkv7Model* sharedModel_;
};

inline model::Rwkv7Model* GenFixture::sharedModel_ = nullptr;

}  // namespace pm::test
