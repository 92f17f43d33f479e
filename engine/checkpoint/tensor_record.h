// A tensor found in a checkpoint file: its dtype, shape and where its elements are, so the data
// is read only after everything about it has been validated, straight into its destination.
#pragma once

#include "checkpoint/byte_source.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pm::formats {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

int dtypeSize(DType t);
const char* dtypeName(DType t);   // safetensors spelling: "F32", "BF16", ...
bool dtypeFromName(const std::string& name, DType* out);

// Elements live in a "storage" of storageNumel elements that starts at storageOffsetBytes in the
// source; the tensor is the strided view (elemOffset, shape, strides) into it. safetensors
// tensors are the contiguous special case.
struct TensorRecord {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    std::vector<int64_t> strides;    // in elements
    int64_t elemOffset = 0;
    uint64_t storageOffsetBytes = 0;
    int64_t storageNumel = 0;

    int64_t numel() const;
    bool contiguous() const;
};

// Largest tensor/storage we accept: 2^40 elements. Real checkpoints are far below; the cap keeps
// every size computation far from overflow.
constexpr int64_t kMaxElements = int64_t(1) << 40;

// Checks the view lies inside its storage and the storage inside the source. Throws FormatError.
void validateRecord(const TensorRecord& r, const ByteSource& src);

// Copies the tensor's elements, row-major contiguous, in its own dtype (little-endian host),
// into dst (numel · dtypeSize bytes).
void readTensorData(const ByteSource& src, const TensorRecord& r, void* dst);

}  // namespace pm::formats
