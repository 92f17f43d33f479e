// 200 random infills with the tiny random-weight model (label slow): every one decodes without a
// skip, passes the strict reader and joins the kept bars cleanly (infill_test_support.h).
#include "generate_test_support.h"
#include "infill_test_support.h"

#include <gtest/gtest.h>

namespace {

class InfillSlowTest : public pm::test::GenFixture {};

TEST_F(InfillSlowTest, TwoHundredRandomInfillsJoinCleanly) {
    std::mt19937 rng(2019);
    std::size_t notes = 0, tokens = 0;
    for (int i = 0; i < 200; ++i) {
        const pm::midi::MidiFile piece = pm::test::randomInfillPiece(rng);
        const pm::tok::Encoding e = tokenizer.encode(piece);
        const std::size_t bars = e.bars.size();
        const int a = 1 + int(rng() % bars);
        int b = std::min<int>(int(bars), a + int(rng() % 4));
        if (a == 1 && std::size_t(b) == bars) b = a;
        pm::gen::InfillRequest r;
        r.piece = e.tokens;
        r.firstBar = a;
        r.lastBar = b;
        r.sampling.seed = 5000 + std::uint64_t(i);
        r.sampling.temperature = 0.7 + 0.1 * (i % 6);
        r.maxTokens = 300;
        const pm::gen::InfillResult out = pm::gen::infill(*generator, r);
        pm::test::expectCleanInfill(out, tokenizer.decode(e.tokens).file, "infill " + std::to_string(i) + " bars " + std::to_string(a) + "-" + std::to_string(b));
        notes += out.generatedNotes;
        tokens += out.generatedTokens;
        if (HasFatalFailure()) return;
    }
    std::printf("[infill] 200 infills: %zu tokens, %zu new notes\n", tokens, notes);
}

}  // namespace
