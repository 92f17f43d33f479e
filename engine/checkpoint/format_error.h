// The one error type of the checkpoint readers: a corrupt, truncated, hostile or foreign file ends
// as a FormatError whose message is one line saying what is wrong (never a crash or a huge
// allocation). Torch-free so the fuzzers build without LibTorch.
#pragma once

#include <stdexcept>
#include <string>

namespace pm::formats {

struct FormatError : std::runtime_error {
    explicit FormatError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace pm::formats
