// Training batches from a dataset's token store (issue 7).
//
// Every piece is cut once into bar-aligned windows of at most ctxLen + 1 tokens (inputs and the
// next-token targets overlap by one), each starting with its metadata prefix, so a window from the
// middle of a piece still knows its tempo and metre. An epoch visits every training window once in
// an order shuffled by (seed, epoch); augmentation (transpose, tempo stretch) is drawn from a
// generator seeded by (seed, epoch, window), so a batch depends only on its position — resuming at
// a saved BatcherPosition reproduces the batches an uninterrupted run would have seen.
//
// Infilling (issue 19; docs/training.md "Infilling"): with fimRate > 0 each training window is,
// with that probability, rearranged into the fill-in-the-middle layout (tokenizer/infill_layout.h)
// around a random gap of whole bars, after its augmentation. The draw, like augmentation, is
// seeded by (seed, epoch, window), so resume and every rank of a distributed run see the same
// rows. Validation (sequential, select) always reads ordinary windows.
//
// No LibTorch here: batches are plain arrays the trainer turns into tensors.
#pragma once

#include "dataset/dataset_format.h"
#include "tokenizer/vocabulary.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pm::train {

enum class LossMode : std::uint8_t {
    AllTokens,      // every real (non-padding) target counts
    Continuation,   // only targets in the window's completion span (after its context span) count
};

struct BatcherOptions {
    int ctxLen = 256;          // input tokens per row
    int batchSize = 8;
    std::uint64_t seed = 1;
    bool augment = true;       // transpose / tempo stretch from the dataset's manifest ranges
    LossMode lossMode = LossMode::AllTokens;
    // Continuation mode: the completion starts at the first Bar token at or after this fraction
    // of the window (whole bars of context, like a user's prompt).
    double contextFraction = 0.5;
    // Batches of windows of similar length (docs/training.md, "Batches"): the shuffled order is
    // cut into buckets of kBucketBatches batches, each sorted by length, its batches then shuffled.
    // With whole-bar windows a fifth of a full-width batch was padding; a batch is only as wide
    // as its longest window (rounded up to kColumnMultiple), so this much less is computed.
    bool bucketByLength = true;
    // Fraction of training windows rearranged into the infilling layout (0 = none, at most 1),
    // with a gap of 1..infillMaxGapBars whole bars (at most all but one of the window's bars).
    double infillRate = 0;
    int infillMaxGapBars = 8;
};

constexpr int kBucketBatches = 16;
constexpr int kColumnMultiple = 16;

// Where the next batch comes from; saved in checkpoints.
struct BatcherPosition {
    std::uint64_t epoch = 0;
    std::uint64_t cursor = 0;   // index into the epoch's shuffled order
    bool operator==(const BatcherPosition& o) const { return epoch == o.epoch && cursor == o.cursor; }
};

struct Batch {
    // B, T: T is the longest window's predictions rounded up to kColumnMultiple, at most ctxLen.
    int rows = 0, cols = 0;
    std::vector<std::int64_t> inputs;       // [B*T]
    std::vector<std::int64_t> targets;      // [B*T], PAD where masked
    std::vector<float> mask;                // [B*T] 1 where the target counts
    std::int64_t countedTokens = 0;         // sum of mask
    std::int64_t realTokens = 0;            // non-padding inputs (throughput)
    std::int64_t notes = 0;                 // Pitch tokens among the counted targets
    int infillRows = 0;                     // rows in the infilling layout
};

// A training row's tokens, and where its middle starts when it is in the infilling layout.
struct ArrangedWindow {
    std::vector<std::uint16_t> tokens;      // at most ctxLen + 1
    std::size_t middleFrom = 0;             // index of the middle's first token (after the MASKs); 0 = an ordinary window
};

// One bar-aligned window: its tokens (prefix included) and where it came from.
struct TrainWindow {
    std::uint32_t piece = 0;
    std::vector<std::uint16_t> tokens;      // at most ctxLen + 1
};

class Batcher {
public:
    // Cuts the windows of the given split. Throws std::invalid_argument when the dataset's
    // tokenizer config cannot be read.
    Batcher(const dataset::DatasetContents& data, dataset::Split split, const BatcherOptions& options);

    std::size_t windowCount() const { return windows_.size(); }
    std::size_t batchesPerEpoch() const;
    const std::vector<TrainWindow>& windows() const { return windows_; }
    const tok::Vocabulary& vocabulary() const { return *vocab_; }
    const BatcherOptions& options() const { return options_; }

    BatcherPosition position() const { return pos_; }
    void setPosition(const BatcherPosition& p) { pos_ = p; }

    // The batch at the current position (augmented when enabled), then advances; wraps to the
    // next epoch. The last batch of an epoch may have fewer rows.
    Batch next();

    // Validation: windows [first, first + count) unshuffled, unaugmented.
    Batch sequential(std::size_t first, std::size_t count) const;
    // The windows at these indices (each < windowCount()), in this order, unaugmented.
    Batch select(const std::vector<std::size_t>& indices) const;

    // Exposed for tests: the augmentation of one window (shift of Pitch and Tempo tokens).
    std::vector<std::uint16_t> augmented(const TrainWindow& w, std::uint64_t epoch, std::uint64_t index) const;
    std::vector<std::uint32_t> epochOrder(std::uint64_t epoch) const;
    // Exposed for tests: the (augmented) window at this position of the epoch, rearranged into
    // the infilling layout when the draw says so and a layout fits in ctxLen + 1 tokens.
    ArrangedWindow arranged(std::vector<std::uint16_t> tokens, std::uint64_t epoch, std::uint64_t index) const;

private:
    void fill(Batch& b, int row, const std::vector<std::uint16_t>& tokens, std::size_t middleFrom = 0) const;
    int columnsFor(std::size_t longestWindow) const;   // a batch's T for its longest window

    std::shared_ptr<const tok::Vocabulary> vocab_;
    BatcherOptions options_;
    dataset::Augmentation aug_;
    std::vector<TrainWindow> windows_;
    BatcherPosition pos_;
};

// A 64-bit mix of its arguments (splitmix64), for per-window generator seeds.
std::uint64_t mixSeed(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0);

}  // namespace pm::train
