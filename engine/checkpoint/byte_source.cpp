#include "checkpoint/byte_source.h"

#include "checkpoint/format_error.h"

#include <cstring>

namespace pm::formats {

std::vector<uint8_t> ByteSource::readBytes(uint64_t offset, uint64_t n) const {
    if (!contains(offset, n)) throw FormatError("truncated file (needs bytes past its end)");
    std::vector<uint8_t> out(static_cast<size_t>(n));
    if (n) read(offset, out.data(), n);
    return out;
}

void MemorySource::read(uint64_t offset, void* dst, uint64_t n) const {
    if (!contains(offset, n)) throw FormatError("truncated file (needs bytes past its end)");
    if (n) std::memcpy(dst, data_ + offset, static_cast<size_t>(n));
}

FileSource::FileSource(const std::string& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) throw FormatError("cannot open '" + path + "': " + std::strerror(errno));
    if (std::fseek(file_, 0, SEEK_END) != 0) throw FormatError("cannot seek in '" + path + "'");
    const long long end = ftello(file_);
    if (end < 0) throw FormatError("cannot size '" + path + "' (not a regular file?)");
    size_ = static_cast<uint64_t>(end);
}

FileSource::~FileSource() {
    if (file_) std::fclose(file_);
}

void FileSource::read(uint64_t offset, void* dst, uint64_t n) const {
    if (!contains(offset, n)) throw FormatError("truncated file '" + path_ + "'");
    if (n == 0) return;
    if (fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0 ||
        std::fread(dst, 1, static_cast<size_t>(n), file_) != n)
        throw FormatError("read error in '" + path_ + "'");
}

}  // namespace pm::formats
