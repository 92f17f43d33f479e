// Random-access bytes: a file on disk or a buffer in memory. Readers validate every offset and
// size against size() before asking, and read() throws FormatError past the end as a backstop,
// so multi-gigabyte checkpoints are read piecewise and never loaded whole.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace pm::formats {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    virtual uint64_t size() const = 0;
    // Copies [offset, offset + n) into dst; throws FormatError when the range is outside.
    virtual void read(uint64_t offset, void* dst, uint64_t n) const = 0;
    // Convenience for small, already validated ranges.
    std::vector<uint8_t> readBytes(uint64_t offset, uint64_t n) const;
    // True when [offset, offset + n) lies inside the source (overflow-safe).
    bool contains(uint64_t offset, uint64_t n) const { return offset <= size() && n <= size() - offset; }
};

class MemorySource final : public ByteSource {
public:
    MemorySource(const uint8_t* data, uint64_t size) : data_(data), size_(size) {}
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, void* dst, uint64_t n) const override;

private:
    const uint8_t* data_;
    uint64_t size_;
};

class FileSource final : public ByteSource {
public:
    explicit FileSource(const std::string& path);   // throws FormatError when it cannot be opened
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;
    uint64_t size() const override { return size_; }
    void read(uint64_t offset, void* dst, uint64_t n) const override;

private:
    std::FILE* file_ = nullptr;
    uint64_t size_ = 0;
    std::string path_;
};

// Little-endian integer loads from a byte pointer (the formats are little-endian on disk).
inline uint16_t loadLe16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t loadLe32(const uint8_t* p) {
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline uint64_t loadLe64(const uint8_t* p) { return uint64_t(loadLe32(p)) | (uint64_t(loadLe32(p + 4)) << 32); }

}  // namespace pm::formats
