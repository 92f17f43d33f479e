// Train/validation split by piece: all windows of one piece land on the same side, so the
// validation loss measures music the model has not seen.
#pragma once

#include "dataset/content_hash.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pm::dataset {

enum class Split : std::uint8_t { Train, Validation };
const char* splitName(Split s);   // "train", "validation"

struct SplitInput {
    ContentHash hash;          // identifies the piece independently of its file name
    bool forceValidation = false;   // the user's held-out choice
};

// Deterministic for a given seed and set of pieces (independent of input order). Validation
// gets round(fraction × n) pieces, at least one when n ≥ 2 and at least one piece always stays
// in training; forced pieces count toward the fraction.
std::vector<Split> assignSplits(const std::vector<SplitInput>& pieces, double validationFraction, std::uint64_t seed);

}  // namespace pm::dataset
