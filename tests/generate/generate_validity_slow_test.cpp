// 1,000 random-seed generations from an untrained tiny model: every one decodes with nothing
// skipped, is written as a MIDI file and read back by our strict reader with the same notes.
#include "generate_test_support.h"

#include <gtest/gtest.h>

#include <random>

using namespace pm;
using pm::test::GenFixture;

TEST_F(GenFixture, AThousandRandomGenerationsAllDecode) {
    std::mt19937_64 seeds(20261127);
    for (int i = 0; i < 1000; ++i) {
        gen::GenerationRequest r = request(1 + double(i % 3), seeds());
        if (i % 2) r.prompt = gen::metadataPrompt(tokenizer, {3, 4}, 90).tokens;   // from nothing, too
        r.sampling.temperature = 0.5 + (i % 4) * 0.5;
        r.sampling.topK = (i % 5) * 10;
        r.sampling.repetitionPenalty = 1.0 + (i % 3) * 0.2;
        const auto out = generator->generate(r);
        ASSERT_EQ(out.size(), 1u);
        expectValidPiece(out[0]);
        if (HasFailure()) FAIL() << "generation " << i << " seed " << out[0].seed;
    }
}
