// The numbers the copy index is made of, shared by building, checking and the file format:
// consecutive-note keys, n-gram hashes, bar signatures, the file checksum. Every one is a fixed
// arithmetic formula (no std::hash), so an index file means the same on every machine and build.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace pm::analysis::detail {

// The SplitMix64 finaliser: a bijective mix where every input bit reaches every output bit.
inline std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

// Onset gaps longer than this many steps (~2,900 quarter notes at 24 per quarter) are all one
// gap: a key keeps 24 bits for it.
constexpr std::int64_t kMaxKeyGap = (std::int64_t(1) << 24) - 1;

// The key of a note after the one before it: (pitch interval, onset gap). Transposing a passage
// keeps its intervals; moving it in time keeps its gaps. Pitches are MIDI keys 0..127, so the
// interval + 128 fits 8 bits.
inline std::uint32_t noteKey(int pitchBefore, int pitch, std::int64_t onsetBefore, std::int64_t onset) {
    const std::int64_t gap = std::clamp<std::int64_t>(onset - onsetBefore, 0, kMaxKeyGap);
    const int interval = std::clamp(pitch, 0, 127) - std::clamp(pitchBefore, 0, 127);
    return (std::uint32_t(gap) << 8) | std::uint32_t(interval + 128);
}

// Hash of an n-gram of keys, folded to 32 bits (lookups compare the keys themselves afterwards,
// so a collision costs a comparison, never a false match).
inline std::uint32_t gramHash(const std::uint32_t* keys, int n) {
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int k = 0; k < n; ++k) h = (h ^ keys[k]) * 0x100000001b3ull;
    return std::uint32_t(mix64(h) >> 32);
}

// Bucket of a hash: its top `bits` bits.
inline std::uint32_t bucketOf(std::uint32_t hash, std::uint32_t bits) { return bits == 0 ? 0 : hash >> (32 - bits); }

// A bar's note as its signature sees it: position in the bar, duration, pitch above the bar's
// lowest note.
struct BarNote {
    std::int64_t position = 0, duration = 0;
    int pitch = 0;
    bool operator<(const BarNote& o) const {
        return position != o.position ? position < o.position : pitch != o.pitch ? pitch < o.pitch : duration < o.duration;
    }
};

// 64-bit signature of a bar's notes, sorted; equal bars (up to transposition) sign alike.
inline std::uint64_t barSignature(const BarNote* notes, std::size_t count) {
    std::uint64_t h = mix64(count + 0x51ed270b27a1f2c3ull);
    for (std::size_t i = 0; i < count; ++i) {
        h = mix64(h ^ std::uint64_t(notes[i].position));
        h = mix64(h ^ std::uint64_t(notes[i].duration));
        h = mix64(h ^ std::uint64_t(std::int64_t(notes[i].pitch)));
    }
    return h;
}

}  // namespace pm::analysis::detail
