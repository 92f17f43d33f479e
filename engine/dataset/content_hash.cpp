#include "dataset/content_hash.h"

#include <cstdio>

namespace pm::dataset {

// FNV-1a with the standard offset basis, and a second lane with a different basis and a per-byte
// rotation so the two lanes do not collide together.
ContentHasher::ContentHasher(std::size_t totalSize) : a_(0xcbf29ce484222325ull), b_(0x84222325cbf29ce4ull ^ totalSize) {}

void ContentHasher::update(const std::uint8_t* data, std::size_t size) {
    constexpr std::uint64_t prime = 0x100000001b3ull;
    std::uint64_t a = a_, b = b_;   // in registers for the loop: it is one multiply chain per lane
    for (std::size_t i = 0; i < size; ++i) {
        a = (a ^ data[i]) * prime;
        b = (b ^ (data[i] + 0x9e)) * prime;
        b = (b << 7) | (b >> 57);
    }
    a_ = a;
    b_ = b;
}

ContentHash ContentHasher::digest() const { return {a_, b_ ^ (a_ >> 29)}; }

ContentHash hashBytes(const std::uint8_t* data, std::size_t size) {
    ContentHasher h(size);
    h.update(data, size);
    return h.digest();
}

std::string ContentHash::hex() const {
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b));
    return buf;
}

bool ContentHash::fromHex(const std::string& s, ContentHash* out) {
    if (s.size() != 32) return false;
    std::uint64_t lanes[2] = {0, 0};
    for (std::size_t i = 0; i < 32; ++i) {
        const char c = s[i];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else return false;
        lanes[i / 16] = (lanes[i / 16] << 4) | std::uint64_t(v);
    }
    out->a = lanes[0];
    out->b = lanes[1];
    return true;
}

}  // namespace pm::dataset
