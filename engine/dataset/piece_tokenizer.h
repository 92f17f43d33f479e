// The piano tokenizer (engine/tokenizer) as the dataset builder uses it.
#pragma once

#include "dataset/dataset_builder.h"
#include "tokenizer/tokenizer.h"

#include <memory>

namespace pm::dataset {

// Wraps `tokenizer` (kept alive by the returned object) into the builder's interface: tokens,
// bar offsets, note counts, the piano share and warnings for what the tokenizer left out.
PieceTokenizer makePieceTokenizer(std::shared_ptr<const tok::Tokenizer> tokenizer);

}  // namespace pm::dataset
