// A small validating reader for the ZIP container of torch.save files (and numpy .npz):
// central directory, ZIP64 sizes/offsets, STORED (uncompressed) entries only — what PyTorch's
// writer produces. Compressed entries are reported, not inflated. Written here rather than taken
// from libzip so the fuzzers build it with clang alone and it reads lazily from a ByteSource.
#pragma once

#include "checkpoint/byte_source.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pm::formats {

struct ZipEntry {
    std::string name;
    uint64_t dataOffset = 0;   // absolute offset of the entry's bytes in the source
    uint64_t size = 0;         // bytes (stored: compressed == uncompressed)
};

class ZipArchive {
public:
    // Parses and validates the central directory and every local header. Throws FormatError.
    explicit ZipArchive(const ByteSource& src);
    const std::vector<ZipEntry>& entries() const { return entries_; }
    const ZipEntry* find(const std::string& name) const;   // null when absent

    // True when the source starts like a ZIP file ("PK\3\4").
    static bool looksLikeZip(const ByteSource& src);

private:
    std::vector<ZipEntry> entries_;
    std::unordered_map<std::string, size_t> index_;   // name → entries_ position
};

}  // namespace pm::formats
