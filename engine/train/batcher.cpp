#include "train/batcher.h"

#include "tokenizer/infill_layout.h"
#include "tokenizer/tokenizer_config.h"
#include "tokenizer/windowing.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace pm::train {

std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    std::uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
                      (c + 0x8CB92BA72F3D8DD7ull) * 0x94D049BB133111EBull;
    x ^= x >> 30, x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27, x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

Batcher::Batcher(const dataset::DatasetContents& data, dataset::Split split, const BatcherOptions& options)
    : options_(options), aug_(data.manifest.options.augmentation) {
    if (options_.ctxLen < 8) throw std::invalid_argument("context length must be at least 8 tokens");
    if (options_.batchSize < 1) throw std::invalid_argument("batch size must be at least 1");
    if (!(options_.infillRate >= 0 && options_.infillRate <= 1)) throw std::invalid_argument("the infilling rate must be between 0 and 1");
    if (options_.infillMaxGapBars < 1) throw std::invalid_argument("an infilling gap needs at least 1 bar");
    tok::ConfigReadResult cfg = tok::configFromJson(data.manifest.tokenizer);
    if (!cfg.config) throw std::invalid_argument("dataset tokenizer config: " + cfg.error);
    vocab_ = std::make_shared<tok::Vocabulary>(*cfg.config);

    for (std::size_t p = 0; p < data.pieces.size(); ++p) {
        const dataset::PieceEntry& e = data.pieces[p];
        if (e.split != split || e.tokenCount == 0) continue;
        const std::uint16_t* tokens = data.tokens.data() + e.firstToken;
        // The store keeps bar offsets only; metre/tempo/pedal per bar come from the tokens.
        const std::vector<tok::BarStart> bars = tok::indexBars(*vocab_, tokens, e.tokenCount);
        tok::PieceTokens piece;
        piece.tokens = tokens;
        piece.tokenCount = e.tokenCount;
        piece.bars = bars.data();
        piece.barCount = bars.size();
        for (tok::Window& w : tok::splitIntoWindows(*vocab_, piece, std::size_t(options_.ctxLen) + 1)) {
            if (w.tokens.size() < 2) continue;   // nothing to predict
            windows_.push_back({std::uint32_t(p), std::move(w.tokens)});
        }
    }
}

std::size_t Batcher::batchesPerEpoch() const {
    return (windows_.size() + std::size_t(options_.batchSize) - 1) / std::size_t(options_.batchSize);
}

std::vector<std::uint32_t> Batcher::epochOrder(std::uint64_t epoch) const {
    std::vector<std::uint32_t> order(windows_.size());
    std::iota(order.begin(), order.end(), 0u);
    // Fisher-Yates with our own draws: std::shuffle's algorithm is not fixed by the standard,
    // and the order must be the same on every platform for resume and reproducibility.
    std::mt19937_64 rng(mixSeed(options_.seed, epoch, 0x5EED));
    for (std::size_t i = order.size(); i > 1; --i) {
        const std::size_t j = std::size_t(rng() % i);
        std::swap(order[i - 1], order[j]);
    }
    if (!options_.bucketByLength || options_.batchSize < 2) return order;
    // Buckets of similar lengths. Sorting is stable (ties keep the shuffled order) and the
    // batches of a bucket are shuffled with the same generator, so the order still depends only
    // on (seed, epoch). A partial last batch stays last: it is the epoch's short one.
    const std::size_t batch = std::size_t(options_.batchSize), bucket = batch * std::size_t(kBucketBatches);
    auto longer = [this](std::uint32_t a, std::uint32_t b) { return windows_[a].tokens.size() > windows_[b].tokens.size(); };
    std::vector<std::uint32_t> groups;
    for (std::size_t first = 0; first < order.size(); first += bucket) {
        const std::size_t end = std::min(order.size(), first + bucket);
        std::stable_sort(order.begin() + std::ptrdiff_t(first), order.begin() + std::ptrdiff_t(end), longer);
        const std::size_t full = (end - first) / batch;
        groups.resize(full);
        std::iota(groups.begin(), groups.end(), 0u);
        for (std::size_t i = full; i > 1; --i) std::swap(groups[i - 1], groups[std::size_t(rng() % i)]);
        std::vector<std::uint32_t> sorted(order.begin() + std::ptrdiff_t(first), order.begin() + std::ptrdiff_t(first + full * batch));
        for (std::size_t g = 0; g < full; ++g)
            std::copy_n(sorted.begin() + std::ptrdiff_t(groups[g] * batch), batch, order.begin() + std::ptrdiff_t(first + g * batch));
    }
    return order;
}

int Batcher::columnsFor(std::size_t longestWindow) const {
    // A window of n tokens makes n - 1 predictions.
    const int needed = std::max(1, int(longestWindow) - 1);
    const int rounded = (needed + kColumnMultiple - 1) / kColumnMultiple * kColumnMultiple;
    return std::min(options_.ctxLen, rounded);
}

std::vector<std::uint16_t> Batcher::augmented(const TrainWindow& w, std::uint64_t epoch, std::uint64_t index) const {
    std::vector<std::uint16_t> t = w.tokens;
    if (!options_.augment) return t;
    const tok::Vocabulary& v = *vocab_;
    std::mt19937_64 rng(mixSeed(options_.seed, epoch, index + 1));

    const int pitchFirst = v.first(tok::TokenKind::Pitch), pitchCount = v.count(tok::TokenKind::Pitch);
    if (aug_.transposeMax > aug_.transposeMin || aug_.transposeMin != 0) {
        // Keep every note on the keyboard: narrow the shift range to what this window allows.
        int lo = pitchCount, hi = -1;
        for (std::uint16_t id : t)
            if (id >= pitchFirst && id < pitchFirst + pitchCount) lo = std::min(lo, id - pitchFirst), hi = std::max(hi, id - pitchFirst);
        if (hi >= 0) {
            const int minShift = std::max(aug_.transposeMin, -lo), maxShift = std::min(aug_.transposeMax, pitchCount - 1 - hi);
            if (maxShift >= minShift) {
                const int shift = minShift + int(rng() % std::uint64_t(maxShift - minShift + 1));
                for (std::uint16_t& id : t)
                    if (id >= pitchFirst && id < pitchFirst + pitchCount) id = std::uint16_t(id + shift);
            }
        }
    }
    const int tempoFirst = v.first(tok::TokenKind::Tempo), tempoCount = v.count(tok::TokenKind::Tempo);
    if (aug_.tempoStretchMax > aug_.tempoStretchMin && aug_.tempoStretchMin > 0 && tempoCount > 1) {
        // Tempo bins are geometric: a stretch factor is a shift by log(f)/log(bin ratio) bins.
        const auto& c = v.config();
        const double binsPerLog = c.tempoBins / std::log(c.tempoMaxBpm / c.tempoMinBpm);
        const double u = double(rng() >> 11) / double(1ull << 53);
        const double logF = std::log(aug_.tempoStretchMin) + u * (std::log(aug_.tempoStretchMax) - std::log(aug_.tempoStretchMin));
        int shift = int(std::lround(logF * binsPerLog));
        int lo = tempoCount, hi = -1;
        for (std::uint16_t id : t)
            if (id >= tempoFirst && id < tempoFirst + tempoCount) lo = std::min(lo, id - tempoFirst), hi = std::max(hi, id - tempoFirst);
        if (hi >= 0) {
            shift = std::clamp(shift, -lo, tempoCount - 1 - hi);
            for (std::uint16_t& id : t)
                if (id >= tempoFirst && id < tempoFirst + tempoCount) id = std::uint16_t(id + shift);
        }
    }
    return t;
}

ArrangedWindow Batcher::arranged(std::vector<std::uint16_t> tokens, std::uint64_t epoch, std::uint64_t index) const {
    ArrangedWindow out;
    out.tokens = std::move(tokens);
    if (options_.infillRate <= 0) return out;
    // Its own stream (not augmentation's), so turning infilling on leaves the augmentation as it was.
    std::mt19937_64 rng(mixSeed(options_.seed ^ 0x1F111F111F111F11ull, epoch, index + 1));
    const double u = double(rng() >> 11) / double(1ull << 53);
    if (u >= options_.infillRate) return out;
    const tok::Vocabulary& v = *vocab_;
    const std::vector<std::uint16_t>& t = out.tokens;
    const std::vector<tok::BarStart> bars = tok::indexBars(v, t.data(), t.size());
    const std::size_t n = bars.size();
    // Windows of two or more bars hold whole bars (only a lone bar too long for a window is cut).
    if (n < 2) return out;
    const bool endsPiece = v.token(t.back()).kind == tok::TokenKind::Eos;
    const std::size_t gapBars = 1 + std::size_t(rng() % std::uint64_t(std::min<std::size_t>(std::size_t(options_.infillMaxGapBars), n - 1)));
    // At least one bar of context; the gap may end the window only where the window ends the
    // piece (in the layout, nothing after the gap means the piece ends there).
    const std::size_t places = n - gapBars + (endsPiece ? 1 : 0);
    tok::InfillGap gap;
    gap.gapBegin = std::size_t(rng() % std::uint64_t(places));
    gap.gapEnd = gap.gapBegin + gapBars;
    gap.contextBegin = 0;
    gap.contextEnd = n;
    tok::PieceTokens piece;
    piece.tokens = t.data();
    piece.tokenCount = t.size();
    piece.bars = bars.data();
    piece.barCount = n;
    // The layout adds the MASKs, SEP and a second and third metadata: give back bars of context
    // (the far end of the suffix first, then the far end of the prefix) until it fits.
    const std::size_t limit = std::size_t(options_.ctxLen) + 1;
    for (;;) {
        tok::InfillLayout l = tok::buildInfillLayout(v, piece, gap, true);
        if (l.tokens.empty()) return out;
        if (l.tokens.size() <= limit) {
            out.tokens = std::move(l.tokens);
            out.middleFrom = l.middleBarsIndex;
            return out;
        }
        // At least one bar on each side is kept where there is one (generation always shows one).
        if (gap.contextEnd > gap.gapEnd + 1) --gap.contextEnd;
        else if (gap.contextBegin + 1 < gap.gapBegin) ++gap.contextBegin;
        else return out;   // no layout fits: an ordinary window
    }
}

void Batcher::fill(Batch& b, int row, const std::vector<std::uint16_t>& tokens, std::size_t middleFrom) const {
    const tok::Vocabulary& v = *vocab_;
    const int T = b.cols;
    const std::int64_t pad = v.first(tok::TokenKind::Pad);
    const int pitchFirst = v.first(tok::TokenKind::Pitch), pitchCount = v.count(tok::TokenKind::Pitch);
    const int n = std::min<int>(int(tokens.size()) - 1, T);   // predictions in this row
    // Where the infilling layout's gap starts, how many bars it has and where the suffix is cut
    // are our random choices, not the music's: MASK and SEP targets do not count.
    const std::uint16_t mask = v.first(tok::TokenKind::Mask), sep = v.first(tok::TokenKind::Sep);
    b.infillRows += middleFrom > 0;
    int completion = 0;
    if (options_.lossMode == LossMode::Continuation && middleFrom > 0) {
        completion = int(middleFrom);   // the middle is the completion, both sides (and the MASKs) its prompt
    } else if (options_.lossMode == LossMode::Continuation) {
        // First Bar at or after the context fraction; a window without one has no completion.
        const int from = std::max(1, int(std::ceil(options_.contextFraction * n)));
        const std::uint16_t bar = v.first(tok::TokenKind::Bar);
        completion = n + 1;
        for (int i = from; i <= n; ++i)
            if (tokens[std::size_t(i)] == bar) { completion = i; break; }
    }
    for (int t = 0; t < T; ++t) {
        const std::size_t k = std::size_t(row) * std::size_t(T) + std::size_t(t);
        if (t < n) {
            b.inputs[k] = tokens[std::size_t(t)];
            b.targets[k] = tokens[std::size_t(t) + 1];
            // Target index t+1 is a completion token when t+1 >= completion.
            const std::uint16_t target16 = tokens[std::size_t(t) + 1];
            const bool counts = t + 1 >= completion && (middleFrom == 0 || (target16 != mask && target16 != sep));
            b.mask[k] = counts ? 1.f : 0.f;
            b.countedTokens += counts;
            ++b.realTokens;
            const int target = tokens[std::size_t(t) + 1];
            if (counts && target >= pitchFirst && target < pitchFirst + pitchCount) ++b.notes;
        } else {
            b.inputs[k] = pad;
            b.targets[k] = pad;
            b.mask[k] = 0.f;
        }
    }
}

static Batch emptyBatch(int rows, int cols) {
    Batch b;
    b.rows = rows;
    b.cols = cols;
    const std::size_t n = std::size_t(rows) * std::size_t(cols);
    b.inputs.assign(n, 0);
    b.targets.assign(n, 0);
    b.mask.assign(n, 0.f);
    return b;
}

Batch Batcher::next() {
    if (windows_.empty()) throw std::runtime_error("the dataset has no training windows");
    if (pos_.cursor >= windows_.size()) pos_.cursor = 0, ++pos_.epoch;
    const std::vector<std::uint32_t> order = epochOrder(pos_.epoch);
    const std::size_t rows = std::min<std::size_t>(std::size_t(options_.batchSize), windows_.size() - pos_.cursor);
    std::vector<ArrangedWindow> rowTokens;
    rowTokens.reserve(rows);
    std::size_t longest = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::uint64_t index = pos_.cursor + r;
        rowTokens.push_back(arranged(augmented(windows_[order[index]], pos_.epoch, index), pos_.epoch, index));
        longest = std::max(longest, rowTokens.back().tokens.size());
    }
    Batch b = emptyBatch(int(rows), columnsFor(longest));
    for (std::size_t r = 0; r < rows; ++r) fill(b, int(r), rowTokens[r].tokens, rowTokens[r].middleFrom);
    pos_.cursor += rows;
    if (pos_.cursor >= windows_.size()) pos_.cursor = 0, ++pos_.epoch;
    return b;
}

Batch Batcher::sequential(std::size_t first, std::size_t count) const {
    first = std::min(first, windows_.size());
    count = std::min(count, windows_.size() - first);
    std::size_t longest = 0;
    for (std::size_t r = 0; r < count; ++r) longest = std::max(longest, windows_[first + r].tokens.size());
    Batch b = emptyBatch(int(count), columnsFor(longest));
    for (std::size_t r = 0; r < count; ++r) fill(b, int(r), windows_[first + r].tokens);
    return b;
}

Batch Batcher::select(const std::vector<std::size_t>& indices) const {
    std::size_t longest = 0;
    for (std::size_t i : indices) longest = std::max(longest, windows_.at(i).tokens.size());
    Batch b = emptyBatch(int(indices.size()), columnsFor(longest));
    for (std::size_t r = 0; r < indices.size(); ++r) fill(b, int(r), windows_.at(indices[r]).tokens);
    return b;
}

}  // namespace pm::train
