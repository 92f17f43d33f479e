// .safetensors: an 8-byte little-endian header length, a JSON header
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "string value", ...}}
// then the raw little-endian tensor bytes (offsets relative to the end of the header).
// Our model config and tokenizer config travel in __metadata__ (see model/checkpoint_io.h).
#pragma once

#include "checkpoint/byte_source.h"
#include "checkpoint/tensor_record.h"

#include <map>
#include <string>
#include <vector>

namespace pm::formats {

struct SafetensorsIndex {
    std::vector<TensorRecord> tensors;            // in data order
    std::map<std::string, std::string> metadata;  // __metadata__ (string → string)
};

// Validates the header completely (dtype names, shapes, offsets inside the file, sizes matching
// shape·dtype, no overlaps) before any tensor data is touched. Throws FormatError.
SafetensorsIndex readSafetensorsIndex(const ByteSource& src);

struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr;   // numel · dtypeSize bytes, row-major, little-endian
};

// The 8-byte length plus JSON header (padded with spaces to a multiple of 8, as the reference
// writer does); the tensors' bytes follow it in the given order.
std::string encodeSafetensorsHeader(const std::vector<TensorView>& tensors,
                                    const std::map<std::string, std::string>& metadata);

// Header and data in memory (tests, fuzz seeds).
std::vector<uint8_t> encodeSafetensors(const std::vector<TensorView>& tensors,
                                       const std::map<std::string, std::string>& metadata);

// Writes atomically: a temporary file beside `path`, flushed and synced, then renamed over it, so
// a crash or a full disk never leaves a half-written model. Throws FormatError on I/O failure.
void writeSafetensorsFile(const std::string& path, const std::vector<TensorView>& tensors,
                          const std::map<std::string, std::string>& metadata);

}  // namespace pm::formats
