// A read position inside a byte range that cannot move past the range's end. Every read says
// whether the bytes were there; offsets are reported relative to the start of the whole file so
// messages point at the byte a user would find in a hex editor.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pm::midi {

// Standard MIDI Files use big-endian 32/16-bit fields; RIFF uses little-endian 32-bit sizes.
inline std::uint32_t loadBigEndian32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
inline std::uint16_t loadBigEndian16(const std::uint8_t* p) { return std::uint16_t(p[0] << 8 | p[1]); }
inline std::uint32_t loadLittleEndian32(const std::uint8_t* p) {
    return std::uint32_t(p[3]) << 24 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[1]) << 8 | p[0];
}

enum class VlqStatus { Ok, Truncated, TooLong };

class ByteCursor {
public:
    ByteCursor(const std::uint8_t* fileStart, const std::uint8_t* begin, const std::uint8_t* end)
        : fileStart_(fileStart), p_(begin), end_(end) {}

    std::size_t remaining() const { return std::size_t(end_ - p_); }
    bool atEnd() const { return p_ == end_; }
    std::uint64_t offset() const { return std::uint64_t(p_ - fileStart_); }
    std::uint64_t offsetOf(const std::uint8_t* p) const { return std::uint64_t(p - fileStart_); }
    const std::uint8_t* position() const { return p_; }
    const std::uint8_t* end() const { return end_; }

    // Callers check remaining() first.
    std::uint8_t take() { return *p_++; }

    bool skip(std::size_t n) {
        if (n > remaining()) return false;
        p_ += n;
        return true;
    }
    // Moves to `p`, which must lie within the range (the parser's hot loop hands its position back).
    void seek(const std::uint8_t* p) { p_ = p; }

    // A variable-length quantity: 7 bits per byte, high bit set on all but the last byte. The
    // SMF spec allows at most 4 bytes (values up to 0x0FFFFFFF); longer means the data is not
    // what we think it is. On failure the cursor does not move.
    VlqStatus readVlq(std::uint32_t& value) {
        std::uint32_t v = 0;
        const std::uint8_t* p = p_;
        for (int i = 0; i < 4; ++i) {
            if (p == end_) return VlqStatus::Truncated;
            const std::uint8_t b = *p++;
            v = (v << 7) | (b & 0x7F);
            if (!(b & 0x80)) {
                value = v;
                p_ = p;
                return VlqStatus::Ok;
            }
        }
        return VlqStatus::TooLong;
    }

private:
    const std::uint8_t* fileStart_;
    const std::uint8_t* p_;
    const std::uint8_t* end_;
};

}  // namespace pm::midi
