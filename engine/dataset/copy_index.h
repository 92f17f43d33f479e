// The dataset's copy index (gen-NNNNNN/ngrams.bin): the originality index over all its pieces
// (engine/analysis/originality.h), built from the tokens when a generation is saved, so checking
// a piece against 1,000 training pieces needs no decoding. Datasets saved before it existed have
// no such file; opening their index builds it in memory and says so. docs/dataset-format.md.
#pragma once

#include "dataset/dataset_format.h"

#include "analysis/originality.h"   // pm::analysis::OriginalityIndex

#include <optional>
#include <string>

namespace pm::dataset {

inline constexpr const char* kCopyIndexFile = "ngrams.bin";

// The index over every piece of `contents`, in piece order, through the tokenizer its manifest
// names. Nothing (and `error` says why) when that config is not one this build reads, e.g. a
// test tokenizer: such a dataset has no index.
std::optional<analysis::OriginalityIndex> buildCopyIndex(const DatasetContents& contents, std::string* error = nullptr);

struct CopyIndexOpened {
    std::optional<analysis::OriginalityIndex> index;   // nothing: `error` says why
    std::string error;
    // "" when the stored index was used; otherwise one line on what happened instead ("this
    // dataset has no copy index (saved by an older PianoMuse): built it in memory ...").
    std::string note;
    bool stored = false;                               // read from ngrams.bin
};

// The copy index of a loaded dataset (loadDataset): ngrams.bin when it belongs to these tokens,
// else built in memory. Pieces are named by their files' manifest paths; with `trainingOnly`
// checks match only training pieces (a model's own training data).
CopyIndexOpened openCopyIndex(const DatasetContents& contents, bool trainingOnly);

}  // namespace pm::dataset
