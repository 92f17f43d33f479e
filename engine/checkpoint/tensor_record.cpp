#include "checkpoint/tensor_record.h"

#include "checkpoint/format_error.h"

#include <cstring>

namespace pm::formats {

namespace {
struct DTypeInfo {
    DType type;
    int size;
    const char* name;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, 4, "F32"}, {DType::F16, 2, "F16"}, {DType::BF16, 2, "BF16"}, {DType::F64, 8, "F64"},
    {DType::I64, 8, "I64"}, {DType::I32, 4, "I32"}, {DType::I16, 2, "I16"},  {DType::I8, 1, "I8"},
    {DType::U8, 1, "U8"},   {DType::Bool, 1, "BOOL"},
};
}  // namespace

int dtypeSize(DType t) {
    for (const auto& d : kDTypes)
        if (d.type == t) return d.size;
    return 1;
}

const char* dtypeName(DType t) {
    for (const auto& d : kDTypes)
        if (d.type == t) return d.name;
    return "?";
}

bool dtypeFromName(const std::string& name, DType* out) {
    for (const auto& d : kDTypes)
        if (name == d.name) {
            *out = d.type;
            return true;
        }
    return false;
}

int64_t TensorRecord::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;   // validateRecord bounds every factor first
    return n;
}

bool TensorRecord::contiguous() const {
    int64_t expected = 1;
    for (size_t i = shape.size(); i-- > 0;) {
        if (shape[i] != 1 && strides[i] != expected) return false;
        expected *= shape[i];
    }
    return true;
}

void validateRecord(const TensorRecord& r, const ByteSource& src) {
    const std::string what = "tensor '" + r.name + "'";
    if (r.shape.size() > 16) throw FormatError(what + " has more than 16 dimensions");
    if (r.strides.size() != r.shape.size()) throw FormatError(what + ": strides do not match the shape");
    if (r.storageNumel < 0 || r.storageNumel > kMaxElements) throw FormatError(what + ": storage size out of range");
    if (r.elemOffset < 0 || r.elemOffset > kMaxElements) throw FormatError(what + ": offset out of range");
    int64_t numel = 1, lastIndex = r.elemOffset;
    for (size_t i = 0; i < r.shape.size(); ++i) {
        const int64_t d = r.shape[i], s = r.strides[i];
        if (d < 0 || d > kMaxElements) throw FormatError(what + ": dimension out of range");
        if (s < 0 || s > kMaxElements) throw FormatError(what + ": stride out of range");
        if (d == 0) numel = 0;
        else if (numel != 0 && numel > kMaxElements / d) throw FormatError(what + " is too large");
        else numel *= d;
        if (d > 0) {
            if (s != 0 && d - 1 > (kMaxElements - lastIndex) / s) throw FormatError(what + " is too large");
            lastIndex += (d - 1) * s;
        }
    }
    // More elements than the storage holds only happens with zero strides (expanded views); no
    // state dict needs them, and refusing them bounds every allocation by the file's size.
    if (numel > r.storageNumel) throw FormatError(what + " has more elements than its storage");
    if (numel > 0 && lastIndex >= r.storageNumel)
        throw FormatError(what + " reaches past the end of its storage");
    const uint64_t bytes = uint64_t(r.storageNumel) * uint64_t(dtypeSize(r.dtype));
    if (!src.contains(r.storageOffsetBytes, bytes)) throw FormatError(what + ": data lies outside the file");
}

void readTensorData(const ByteSource& src, const TensorRecord& r, void* dst) {
    validateRecord(r, src);
    const int64_t n = r.numel();
    if (n == 0) return;
    const uint64_t es = uint64_t(dtypeSize(r.dtype));
    if (r.contiguous()) {
        src.read(r.storageOffsetBytes + uint64_t(r.elemOffset) * es, dst, uint64_t(n) * es);
        return;
    }
    // Strided view: read the span it touches (inside the validated storage) and gather.
    int64_t last = r.elemOffset;
    for (size_t i = 0; i < r.shape.size(); ++i) last += (r.shape[i] - 1) * r.strides[i];
    const std::vector<uint8_t> span =
        src.readBytes(r.storageOffsetBytes + uint64_t(r.elemOffset) * es, uint64_t(last - r.elemOffset + 1) * es);
    std::vector<int64_t> idx(r.shape.size(), 0);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t e = 0; e < n; ++e) {
        int64_t off = 0;
        for (size_t i = 0; i < idx.size(); ++i) off += idx[i] * r.strides[i];
        std::memcpy(out + uint64_t(e) * es, span.data() + uint64_t(off) * es, es);
        for (size_t i = idx.size(); i-- > 0;) {
            if (++idx[i] < r.shape[i]) break;
            idx[i] = 0;
        }
    }
}

}  // namespace pm::formats
