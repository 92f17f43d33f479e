#include "generate/infill_eval.h"

#include "tokenizer/tokenizer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace pm::gen {

using pm::tok::TokenId;

namespace {

// Bits of tokens[i] given tokens[0..i), summed over i in [from, to), and the Pitch tokens there.
struct Scored {
    double bits = 0;
    std::size_t notes = 0, tokens = 0;
};

Scored score(pm::model::Rwkv7Model& model, const pm::tok::Vocabulary& v, const std::vector<TokenId>& tokens,
             std::size_t from, std::size_t to) {
    Scored s;
    if (from < 1 || to > tokens.size() || from >= to) return s;
    auto input = torch::empty({1, std::int64_t(to - 1)}, torch::kLong);   // (1, T): predicts tokens 1..to-1
    std::copy(tokens.begin(), tokens.begin() + std::ptrdiff_t(to - 1), input.data_ptr<std::int64_t>());
    const torch::Device device = model->parameters().front().device();
    const torch::Tensor hidden = model->forwardHidden(input.to(device));                    // (1, T, C)
    const torch::Tensor rows = hidden.narrow(1, std::int64_t(from - 1), std::int64_t(to - from));   // predicting [from, to)
    const torch::Tensor logp = torch::log_softmax(model->head(rows).to(torch::kFloat), -1).cpu().contiguous();   // (1, n, V)
    const float* p = logp.data_ptr<float>();
    const std::size_t V = std::size_t(logp.size(2));
    for (std::size_t i = from; i < to; ++i) {
        s.bits -= double(p[(i - from) * V + tokens[i]]) / std::log(2.0);
        s.notes += v.token(tokens[i]).kind == pm::tok::TokenKind::Pitch;
        ++s.tokens;
    }
    return s;
}

}  // namespace

InfillEvalResult evaluateInfill(pm::model::Rwkv7Model& model, const pm::dataset::DatasetContents& data,
                                const InfillEvalOptions& o) {
    InfillEvalResult r;
    try {
        torch::InferenceMode inference;
        model->eval();
        const pm::tok::ConfigReadResult cfg = pm::tok::configFromJson(data.manifest.tokenizer);
        if (!cfg.config) {
            r.error = "the dataset's tokenizer config: " + cfg.error;
            return r;
        }
        const pm::tok::Vocabulary v(*cfg.config);
        if (model->config().vocabSize < std::int64_t(v.size())) {
            r.error = "the model's vocabulary is smaller than the dataset's";
            return r;
        }
        if (o.gapsPerPiece < 1 || o.maxGapBars < 1) {
            r.error = "at least one gap of at least one bar";
            return r;
        }
        std::mt19937_64 rng(o.seed);
        for (const pm::dataset::PieceEntry& e : data.pieces) {
            if (e.split != pm::dataset::Split::Validation || e.tokenCount == 0) continue;
            if (o.maxPieces > 0 && r.pieces >= o.maxPieces) break;
            const std::uint16_t* tokens = data.tokens.data() + e.firstToken;
            const std::vector<pm::tok::BarStart> bars = pm::tok::indexBars(v, tokens, e.tokenCount);
            if (bars.size() < 3) continue;
            pm::tok::PieceTokens piece;
            piece.tokens = tokens;
            piece.tokenCount = e.tokenCount;
            piece.bars = bars.data();
            piece.barCount = bars.size();
            const auto offset = [&](std::size_t bar) { return bar < bars.size() ? std::size_t(bars[bar].tokenOffset) : std::size_t(e.tokenCount); };
            ++r.pieces;
            for (int g = 0; g < o.gapsPerPiece; ++g) {
                pm::tok::InfillGap gap;
                const std::size_t length = 1 + std::size_t(rng() % std::uint64_t(std::min<std::size_t>(std::size_t(o.maxGapBars), bars.size() - 2)));
                gap.gapBegin = 1 + std::size_t(rng() % std::uint64_t(bars.size() - length - 1));
                gap.gapEnd = gap.gapBegin + length;
                gap.contextBegin = gap.gapBegin - 1;
                while (gap.contextBegin > 0 && offset(gap.gapBegin) - offset(gap.contextBegin - 1) <= o.contextBefore) --gap.contextBegin;
                gap.contextEnd = gap.gapEnd + 1;
                while (gap.contextEnd < bars.size() && offset(gap.contextEnd + 1) - offset(gap.gapEnd) <= o.contextAfter) ++gap.contextEnd;

                const pm::tok::InfillLayout both = pm::tok::buildInfillLayout(v, piece, gap, true);
                if (!both.error.empty()) {
                    r.error = both.error;
                    return r;
                }
                // The same bars after the same left context, as an ordinary sequence.
                const std::vector<TokenId> left = pm::tok::barsAsWindow(v, piece, gap.contextBegin, gap.gapEnd);
                const std::size_t leftFrom = pm::tok::barsAsWindow(v, piece, gap.contextBegin, gap.gapBegin).size();
                // The gap's bars, the same tokens in both (the layout's closing EOS is forced, not scored).
                const Scored b = score(model, v, both.tokens, both.middleBarsIndex, both.tokens.size() - 1);
                const Scored l = score(model, v, left, leftFrom, left.size());
                if (b.notes != l.notes || b.tokens != l.tokens) {
                    r.error = "internal error: the two spellings of a gap differ";
                    return r;
                }
                if (b.notes == 0) continue;   // a silent gap has no bits per note
                r.bitsBoth += b.bits;
                r.bitsLeft += l.bits;
                r.notes += b.notes;
                ++r.gaps;
            }
        }
        if (r.gaps == 0) r.error = "no validation piece has 3 bars or more with notes to measure";
    } catch (const std::exception& ex) {
        r = InfillEvalResult();
        r.error = ex.what();
    }
    return r;
}

}  // namespace pm::gen
