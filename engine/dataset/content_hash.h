// A stable 128-bit content hash (two independent 64-bit FNV-1a variants) for duplicate
// detection and for recognising already-processed files when a dataset is extended. Stable
// across runs and machines, unlike std::hash; not cryptographic (nobody attacks their own
// MIDI collection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pm::dataset {

struct ContentHash {
    std::uint64_t a = 0, b = 0;
    bool operator==(const ContentHash& o) const { return a == o.a && b == o.b; }
    bool operator<(const ContentHash& o) const { return a != o.a ? a < o.a : b < o.b; }
    std::string hex() const;                          // 32 lowercase hex digits
    static bool fromHex(const std::string& s, ContentHash* out);
};

ContentHash hashBytes(const std::uint8_t* data, std::size_t size);

// hashBytes over bytes that arrive in several buffers (a file's header and its body, written
// without joining them first): the same value as hashBytes of their concatenation. The total
// size is needed up front because the second lane starts from it.
class ContentHasher {
public:
    explicit ContentHasher(std::size_t totalSize);
    void update(const std::uint8_t* data, std::size_t size);
    ContentHash digest() const;

private:
    std::uint64_t a_, b_;
};

}  // namespace pm::dataset
