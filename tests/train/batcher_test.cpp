// Batches: bar-aligned windows with their prefix, padding masked, seeded augmentation that keeps
// every note on the keyboard, a deterministic order, and a position that reproduces the stream.
#include "train/batcher.h"

#include "train_fixture.h"

#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace {

using pm::tok::TokenKind;

struct Data {
    pm::test::TempDir tmp;
    pm::dataset::DatasetContents contents;
    Data(int pieces = 8, int bars = 8) {
        const std::string dir = pm::test::buildSyntheticDataset(tmp, pieces, bars);
        EXPECT_EQ(pm::dataset::loadDataset(dir, &contents), "");
    }
};

TEST(Batcher, WindowsStartWithThePrefixAndFitTheContext) {
    Data d;
    pm::train::BatcherOptions o;
    o.ctxLen = 40;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    ASSERT_GT(b.windowCount(), 6u);   // several windows per piece: mid-piece starts exist
    const auto& v = b.vocabulary();
    for (const auto& w : b.windows()) {
        ASSERT_LE(w.tokens.size(), 41u);
        EXPECT_EQ(v.token(w.tokens[0]).kind, TokenKind::Bos);
        EXPECT_EQ(v.token(w.tokens[1]).kind, TokenKind::TimeSig);
        EXPECT_EQ(v.token(w.tokens[2]).kind, TokenKind::Tempo);
    }
}

TEST(Batcher, PaddingIsMaskedAndTargetsAreShiftedInputs) {
    Data d;
    pm::train::BatcherOptions o;
    o.ctxLen = 200;   // longer than the windows: padding
    o.batchSize = 4;
    o.augment = false;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    const pm::train::Batch batch = b.sequential(0, 2);
    const auto& w = b.windows()[0].tokens;
    ASSERT_LT(w.size(), 201u);
    // The batch is as wide as its longest window's predictions, rounded up to 16.
    const std::size_t longest = std::max(w.size(), b.windows()[1].tokens.size()) - 1;
    EXPECT_EQ(batch.cols, int((longest + 15) / 16 * 16));
    EXPECT_LT(batch.cols, 200);
    for (std::size_t t = 0; t < std::size_t(batch.cols); ++t) {
        if (t + 1 < w.size()) {
            EXPECT_EQ(batch.inputs[t], w[t]);
            EXPECT_EQ(batch.targets[t], w[t + 1]);
            EXPECT_EQ(batch.mask[t], 1.f);
        } else {
            EXPECT_EQ(batch.mask[t], 0.f) << t;
            EXPECT_EQ(batch.inputs[t], b.vocabulary().first(TokenKind::Pad));
        }
    }
    EXPECT_EQ(batch.countedTokens, std::int64_t(b.windows()[0].tokens.size() + b.windows()[1].tokens.size() - 2));
}

TEST(Batcher, SelectTakesTheWindowsAtTheGivenIndicesInOrder) {
    Data d;
    pm::train::BatcherOptions o;
    o.ctxLen = 200;
    o.augment = false;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    ASSERT_GE(b.windowCount(), 3u);
    const pm::train::Batch picked = b.select({2, 0});
    const pm::train::Batch two = b.sequential(2, 1), zero = b.sequential(0, 1);
    ASSERT_EQ(picked.rows, 2);
    // Rows of the picked batch are the single-window batches' rows, padded to the wider of them.
    const std::size_t T = std::size_t(picked.cols);
    ASSERT_EQ(picked.cols, std::max(two.cols, zero.cols));
    auto row = [&](std::size_t r, const pm::train::Batch& alone) {
        std::vector<std::int64_t> v(picked.inputs.begin() + std::ptrdiff_t(r * T), picked.inputs.begin() + std::ptrdiff_t(r * T + std::size_t(alone.cols)));
        for (std::size_t t = std::size_t(alone.cols); t < T; ++t)
            EXPECT_EQ(picked.inputs[r * T + t], b.vocabulary().first(TokenKind::Pad));
        return v;
    };
    EXPECT_EQ(row(0, two), two.inputs);
    EXPECT_EQ(row(1, zero), zero.inputs);
    EXPECT_EQ(picked.countedTokens, two.countedTokens + zero.countedTokens);
    EXPECT_THROW(b.select({b.windowCount()}), std::out_of_range);
}

TEST(Batcher, ContinuationMaskStartsAtABarAfterTheContext) {
    Data d;
    pm::train::BatcherOptions o;
    o.ctxLen = 64;
    o.augment = false;
    o.lossMode = pm::train::LossMode::Continuation;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    const pm::train::Batch batch = b.sequential(0, 1);
    const auto& w = b.windows()[0].tokens;
    int first = -1;
    for (int t = 0; t < 64; ++t)
        if (batch.mask[std::size_t(t)] > 0 && first < 0) first = t;
    ASSERT_GT(first, 0);
    EXPECT_EQ(b.vocabulary().token(w[std::size_t(first) + 1]).kind, TokenKind::Bar);   // target = the bar line
    EXPECT_GE(first + 1, int(0.5 * (w.size() - 1)));
    for (int t = first; t < int(w.size()) - 1; ++t) EXPECT_EQ(batch.mask[std::size_t(t)], 1.f);
}

TEST(Batcher, AugmentationIsSeededAndKeepsNotesOnTheKeyboard) {
    Data d;
    d.contents.manifest.options.augmentation.transposeMin = -40;   // far more than fits
    d.contents.manifest.options.augmentation.transposeMax = 40;
    d.contents.manifest.options.augmentation.tempoStretchMin = 0.5;
    d.contents.manifest.options.augmentation.tempoStretchMax = 2.0;
    pm::train::BatcherOptions o;
    o.ctxLen = 64;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    const auto& v = b.vocabulary();
    int changed = 0;
    for (std::size_t i = 0; i < b.windowCount(); ++i) {
        const auto a = b.augmented(b.windows()[i], 0, i);
        EXPECT_EQ(a, b.augmented(b.windows()[i], 0, i));   // same seed, same result
        ASSERT_EQ(a.size(), b.windows()[i].tokens.size());
        changed += a != b.windows()[i].tokens;
        for (std::size_t k = 0; k < a.size(); ++k) {
            const auto orig = v.token(b.windows()[i].tokens[k]), now = v.token(a[k]);
            EXPECT_EQ(orig.kind, now.kind);   // pitches stay pitches (21..108), tempos stay tempos
            if (orig.kind == TokenKind::Pitch) {
                EXPECT_TRUE(now.value >= 21 && now.value <= 108);
            } else if (orig.kind != TokenKind::Tempo) {
                EXPECT_EQ(orig.value, now.value);
            }
        }
    }
    EXPECT_GT(changed, 0);
}

TEST(Batcher, OrderIsDeterministicAndAPositionReproducesTheStream) {
    Data d;
    pm::train::BatcherOptions o;
    o.ctxLen = 48;
    o.batchSize = 3;
    pm::train::Batcher a(d.contents, pm::dataset::Split::Train, o), b(d.contents, pm::dataset::Split::Train, o);
    std::vector<pm::train::Batch> first;
    pm::train::BatcherPosition mid;
    for (int i = 0; i < 12; ++i) {
        if (i == 5) mid = a.position();
        first.push_back(a.next());
    }
    EXPECT_GT(a.position().epoch, 0u);   // wrapped at least once
    b.setPosition(mid);
    for (int i = 5; i < 12; ++i) {
        const pm::train::Batch x = b.next();
        EXPECT_EQ(x.inputs, first[std::size_t(i)].inputs) << i;
        EXPECT_EQ(x.mask, first[std::size_t(i)].mask) << i;
    }
    EXPECT_NE(a.epochOrder(0), a.epochOrder(1));
    o.seed = 2;
    pm::train::Batcher c(d.contents, pm::dataset::Split::Train, o);
    EXPECT_NE(c.epochOrder(0), a.epochOrder(0));
}

TEST(Batcher, BucketsHoldWindowsOfSimilarLengthAndEveryWindowOncePerEpoch) {
    Data d;
    pm::train::BatcherOptions o;
    o.ctxLen = 64;
    o.batchSize = 2;
    o.augment = false;
    pm::train::Batcher bucketed(d.contents, pm::dataset::Split::Train, o);
    o.bucketByLength = false;
    pm::train::Batcher plain(d.contents, pm::dataset::Split::Train, o);
    ASSERT_GT(bucketed.windowCount(), 8u);
    for (std::uint64_t epoch : {0u, 1u}) {
        std::vector<std::uint32_t> order = bucketed.epochOrder(epoch);
        EXPECT_NE(order, plain.epochOrder(epoch));
        std::sort(order.begin(), order.end());
        for (std::size_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i) << "not a permutation";
    }
    // Over an epoch the bucketed batches compute fewer columns for the same real tokens, and
    // every batch is as wide as its longest window (rounded up to 16, at most ctxLen).
    std::int64_t cellsBucketed = 0, cellsPlain = 0, realBucketed = 0, realPlain = 0;
    const std::size_t batches = bucketed.batchesPerEpoch();
    for (std::size_t i = 0; i < batches; ++i) {
        const pm::train::Batch a = bucketed.next(), p = plain.next();
        cellsBucketed += std::int64_t(a.rows) * a.cols;
        cellsPlain += std::int64_t(p.rows) * p.cols;
        realBucketed += a.realTokens;
        realPlain += p.realTokens;
        int longest = 0;
        for (int r = 0; r < a.rows; ++r)
            for (int t = 0; t < a.cols; ++t)
                if (a.mask[std::size_t(r * a.cols + t)] > 0) longest = std::max(longest, t + 1);
        EXPECT_EQ(a.cols, std::min(64, (longest + 15) / 16 * 16)) << "batch " << i;
    }
    EXPECT_EQ(realBucketed, realPlain);
    EXPECT_LT(cellsBucketed, cellsPlain);
    std::printf("[batcher] columns computed per epoch: %lld bucketed vs %lld plain (%lld real tokens)\n",
                static_cast<long long>(cellsBucketed), static_cast<long long>(cellsPlain), static_cast<long long>(realPlain));
}

// Infilling (issue 19): rows drawn at the rate, each a layout the Infill grammar accepts whole
// whose MASKs count the bars after SEP, holding exactly the window's notes (after augmentation)
// when the context did not have to be cut; seeded by position; validation never rearranged.
std::multiset<int> pitchesOf(const pm::tok::Vocabulary& v, const std::vector<std::uint16_t>& t) {
    std::multiset<int> out;
    for (std::uint16_t id : t)
        if (v.token(id).kind == TokenKind::Pitch) out.insert(v.token(id).value);
    return out;
}

TEST(Batcher, InfillRowsAreWholeLayoutsOfTheWindowsNotes) {
    Data d(8, 8);
    d.contents.manifest.options.augmentation.transposeMin = -5;
    d.contents.manifest.options.augmentation.transposeMax = 5;
    pm::train::BatcherOptions o;
    o.ctxLen = 400;   // whole pieces: no context has to be given back
    o.infillRate = 0.5;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    const auto& v = b.vocabulary();
    const pm::tok::Tokenizer tok(*pm::tok::configFromJson(d.contents.manifest.tokenizer).config);
    int infill = 0, total = 0;
    for (std::uint64_t epoch = 0; epoch < 8; ++epoch)
        for (std::size_t i = 0; i < b.windowCount(); ++i, ++total) {
            const std::vector<std::uint16_t> window = b.augmented(b.windows()[i], epoch, i);
            const pm::train::ArrangedWindow a = b.arranged(window, epoch, i);
            EXPECT_EQ(a.tokens.size(), b.arranged(window, epoch, i).tokens.size());   // seeded
            if (a.middleFrom == 0) {
                EXPECT_EQ(a.tokens, window);
                continue;
            }
            ++infill;
            ASSERT_LE(a.tokens.size(), 401u);
            EXPECT_EQ(pitchesOf(v, a.tokens), pitchesOf(v, window)) << "the augmented window's notes, all of them";
            pm::tok::Grammar g = tok.grammar(pm::tok::GrammarMode::Infill);
            int masks = 0, middleBars = 0, seps = 0;
            for (std::size_t k = 0; k < a.tokens.size(); ++k) {
                ASSERT_TRUE(g.advance(a.tokens[k])) << "token " << k;
                masks += v.token(a.tokens[k]).kind == TokenKind::Mask;
                seps += v.token(a.tokens[k]).kind == TokenKind::Sep;
                middleBars += k >= a.middleFrom && v.token(a.tokens[k]).kind == TokenKind::Bar;
            }
            EXPECT_TRUE(g.finished());
            EXPECT_EQ(v.token(a.tokens[a.middleFrom - 1]).kind, TokenKind::Mask);
            EXPECT_EQ(v.token(a.tokens[a.middleFrom]).kind, TokenKind::Bar);
            EXPECT_EQ(seps, 1);
            EXPECT_GE(masks, 1);
            EXPECT_LE(masks, 7) << "all but one of the window's 8 bars at most";
            EXPECT_EQ(masks, middleBars);
        }
    // 0.5 of the draws, within a wide margin (a binomial's 4.5 standard deviations).
    EXPECT_NEAR(double(infill) / total, 0.5, 4.5 * std::sqrt(0.25 / total)) << infill << " of " << total;
}

TEST(Batcher, InfillRowsFitTheContextAndCountOnlyTheMusic) {
    Data d(8, 12);
    pm::train::BatcherOptions o;
    o.ctxLen = 64;   // full windows: the layout's extra tokens must be given back from the context
    o.batchSize = 4;
    o.infillRate = 1.0;
    pm::train::Batcher b(d.contents, pm::dataset::Split::Train, o);
    const auto& v = b.vocabulary();
    const pm::tok::Tokenizer tok(*pm::tok::configFromJson(d.contents.manifest.tokenizer).config);
    int rows = 0;
    for (std::size_t n = 0; n < b.batchesPerEpoch(); ++n) {
        const pm::train::Batch batch = b.next();
        rows += batch.infillRows;
        for (int r = 0; r < batch.rows; ++r) {
            pm::tok::Grammar g = tok.grammar(pm::tok::GrammarMode::Infill);
            bool infillRow = false;
            for (int t = 0; t < batch.cols; ++t) {
                const std::size_t k = std::size_t(r * batch.cols + t);
                if (batch.inputs[k] == v.first(TokenKind::Pad)) break;
                ASSERT_TRUE(g.advance(pm::tok::TokenId(batch.inputs[k])));
                const auto kind = v.token(pm::tok::TokenId(batch.targets[k])).kind;
                infillRow |= kind == TokenKind::Mask;
                // MASK and SEP are the layout's random choices: never counted; everything else is.
                EXPECT_EQ(batch.mask[k], kind == TokenKind::Mask || kind == TokenKind::Sep ? 0.f : 1.f);
            }
            (void)infillRow;
        }
    }
    EXPECT_GT(rows, int(b.windowCount() / 2)) << "most 64-token windows of 12-bar pieces have room for a layout";

    // Continuation loss: only the middle (after the MASKs) counts.
    o.lossMode = pm::train::LossMode::Continuation;
    pm::train::Batcher c(d.contents, pm::dataset::Split::Train, o);
    const pm::train::Batch batch = c.next();
    int checked = 0;
    for (int r = 0; r < batch.rows; ++r) {
        int lastMask = -1;
        for (int t = 0; t < batch.cols; ++t)
            if (v.token(pm::tok::TokenId(batch.inputs[std::size_t(r * batch.cols + t)])).kind == TokenKind::Mask) lastMask = t;
        if (lastMask < 0) continue;
        ++checked;
        for (int t = 0; t < batch.cols; ++t) {
            const std::size_t k = std::size_t(r * batch.cols + t);
            const bool real = batch.inputs[k] != v.first(TokenKind::Pad);
            EXPECT_EQ(batch.mask[k], real && t >= lastMask ? 1.f : 0.f) << "row " << r << " column " << t;
        }
    }
    EXPECT_GT(checked, 0);

    // Validation batches are ordinary windows.
    pm::train::Batcher val(d.contents, pm::dataset::Split::Validation, o);
    const pm::train::Batch vb = val.sequential(0, val.windowCount());
    EXPECT_EQ(vb.infillRows, 0);
    for (std::int64_t id : vb.inputs) EXPECT_NE(v.token(pm::tok::TokenId(id)).kind, TokenKind::Mask);
}

TEST(Batcher, InfillIsSeededByPositionAndLeavesAugmentationAlone) {
    Data d;
    d.contents.manifest.options.augmentation.transposeMin = -5;
    d.contents.manifest.options.augmentation.transposeMax = 5;
    pm::train::BatcherOptions o;
    o.ctxLen = 64;
    o.batchSize = 3;
    o.infillRate = 0.3;
    pm::train::Batcher a(d.contents, pm::dataset::Split::Train, o), b(d.contents, pm::dataset::Split::Train, o);
    std::vector<pm::train::Batch> first;
    pm::train::BatcherPosition mid;
    int infill = 0;
    for (int i = 0; i < 20; ++i) {
        if (i == 7) mid = a.position();
        first.push_back(a.next());
        infill += first.back().infillRows;
    }
    EXPECT_GT(infill, 0);
    b.setPosition(mid);
    for (int i = 7; i < 20; ++i) {
        const pm::train::Batch x = b.next();
        EXPECT_EQ(x.inputs, first[std::size_t(i)].inputs) << i;
        EXPECT_EQ(x.mask, first[std::size_t(i)].mask) << i;
    }
    // The same transposition with and without infilling: each row's notes are the same notes.
    o.infillRate = 0;
    pm::train::Batcher plain(d.contents, pm::dataset::Split::Train, o);
    const auto& v = plain.vocabulary();
    for (int i = 0; i < 20; ++i) {
        const pm::train::Batch p = plain.next(), f = first[std::size_t(i)];
        ASSERT_EQ(p.rows, f.rows);
        for (int r = 0; r < p.rows; ++r) {
            std::vector<std::uint16_t> pr, fr;
            for (int t = 0; t < p.cols; ++t) pr.push_back(std::uint16_t(p.inputs[std::size_t(r * p.cols + t)]));
            for (int t = 0; t < f.cols; ++t) fr.push_back(std::uint16_t(f.inputs[std::size_t(r * f.cols + t)]));
            // Inputs drop each row's last token: compare what both rows hold in full.
            auto ps = pitchesOf(v, pr), fs = pitchesOf(v, fr);
            EXPECT_TRUE(std::includes(ps.begin(), ps.end(), fs.begin(), fs.end()) ||
                        std::includes(fs.begin(), fs.end(), ps.begin(), ps.end()))
                << "batch " << i << " row " << r;
        }
    }
    pm::train::BatcherOptions bad = o;
    bad.infillRate = 1.5;
    EXPECT_THROW(pm::train::Batcher(d.contents, pm::dataset::Split::Train, bad), std::invalid_argument);
}

}  // namespace
