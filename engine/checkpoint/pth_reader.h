// Reads the tensor index of a torch.save'd state_dict (.pth, ZIP format, torch >= 1.6) with our
// own ZIP and allow-list pickle readers — never LibTorch's unpickler.
#pragma once

#include "checkpoint/byte_source.h"
#include "checkpoint/tensor_record.h"

#include <vector>

namespace pm::formats {

// Every tensor of the state_dict, in file order, validated against the file (each record's data
// lies inside its storage entry). Throws FormatError with a one-line reason.
std::vector<TensorRecord> readPthIndex(const ByteSource& src);

}  // namespace pm::formats
