// Builds Standard MIDI File bytes by hand for tests, so damaged files can be described exactly:
// a chunk with any declared length, events with or without running status, garbage anywhere.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

namespace pm::test {

using Bytes = std::vector<std::uint8_t>;

inline void append(Bytes& out, const Bytes& more) {
    // Growing by hand (geometrically) keeps GCC 12's -Warray-bounds false positive on insert quiet.
    if (out.capacity() < out.size() + more.size()) out.reserve(std::max(2 * out.capacity(), out.size() + more.size()));
    out.insert(out.end(), more.begin(), more.end());
}

inline Bytes vlq(std::uint32_t v) {
    Bytes groups{std::uint8_t(v & 0x7F)};
    while (v >>= 7) groups.insert(groups.begin(), std::uint8_t(0x80 | (v & 0x7F)));
    return groups;
}

inline Bytes be32(std::uint32_t v) {
    return {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)};
}

// Event bytes after a delta time, written as they will appear (include status bytes yourself).
inline Bytes event(std::uint32_t delta, std::initializer_list<std::uint8_t> bytes) {
    Bytes out = vlq(delta);
    out.insert(out.end(), bytes);
    return out;
}

inline const Bytes kEndOfTrack = {0x00, 0xFF, 0x2F, 0x00};

// An MTrk chunk; `declaredLength` < 0 means the true length.
inline Bytes trackChunk(const Bytes& body, long long declaredLength = -1) {
    Bytes out = {'M', 'T', 'r', 'k'};
    append(out, be32(declaredLength < 0 ? std::uint32_t(body.size()) : std::uint32_t(declaredLength)));
    append(out, body);
    return out;
}

inline Bytes trackOf(std::initializer_list<Bytes> events, bool endOfTrack = true) {
    Bytes body;
    for (const Bytes& e : events) append(body, e);
    if (endOfTrack) append(body, kEndOfTrack);
    return trackChunk(body);
}

inline Bytes header(std::uint16_t format, std::uint16_t ntracks, std::uint16_t division) {
    return {'M', 'T', 'h', 'd', 0, 0, 0, 6, std::uint8_t(format >> 8), std::uint8_t(format),
            std::uint8_t(ntracks >> 8), std::uint8_t(ntracks), std::uint8_t(division >> 8), std::uint8_t(division)};
}

inline Bytes smf(std::uint16_t format, std::uint16_t division, std::initializer_list<Bytes> tracks) {
    Bytes out = header(format, std::uint16_t(tracks.size()), division);
    for (const Bytes& t : tracks) append(out, t);
    return out;
}

// A plain valid file: one track, a tempo, a few notes.
inline Bytes simpleSong() {
    return smf(0, 480, {trackOf({event(0, {0xFF, 0x51, 3, 0x07, 0xA1, 0x20}), event(0, {0x90, 60, 100}),
                                 event(240, {64, 90}), event(240, {60, 0}), event(0, {64, 0}),
                                 event(0, {0xB0, 64, 127}), event(480, {0x80, 67, 0})})});
}

inline Bytes readFileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void writeFileBytes(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

}  // namespace pm::test
