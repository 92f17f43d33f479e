#include "midi/smf_container.h"

#include "midi/byte_cursor.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace pm::midi {
namespace {

// RMID files in the wild have one RIFF level; a few tools wrapped an RMID again. Deeper nesting
// is not music, and the bound keeps hostile input from looping.
constexpr int kMaxRiffDepth = 4;

bool startsWith(const std::uint8_t* begin, const std::uint8_t* end, const char (&tag)[5]) {
    return end - begin >= 4 && std::memcmp(begin, tag, 4) == 0;
}

std::string printable(const std::uint8_t* p, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += std::isprint(p[i]) ? char(p[i]) : '.';
    return s;
}

// Replaces [begin, end) by the payload of the RIFF's "data" chunk.
bool unwrapRiff(const std::uint8_t* file, Diagnostics& diag, const std::uint8_t*& begin, const std::uint8_t*& end) {
    const auto offset = [file](const std::uint8_t* p) { return std::uint64_t(p - file); };
    if (end - begin < 12) return diag.fail(offset(begin), -1, "RIFF file too short for its 12-byte header");
    const std::uint32_t declared = loadLittleEndian32(begin + 4);
    const std::uint8_t* riffEnd = end;
    if (declared > std::size_t(end - begin - 8)) {
        if (!diag.repair(offset(begin), -1,
                         "RIFF size " + std::to_string(declared) + " runs past the end of the file (" +
                             std::to_string(end - begin - 8) + " bytes follow)"))
            return false;
    } else {
        riffEnd = begin + 8 + declared;
    }
    if (!startsWith(begin + 8, riffEnd, "RMID") &&
        !diag.repair(offset(begin + 8), -1,
                     "RIFF form type '" + printable(begin + 8, 4) + "' is not RMID; looking for MIDI data anyway"))
        return false;
    for (const std::uint8_t* p = begin + 12; riffEnd - p >= 8;) {
        const std::uint32_t size = loadLittleEndian32(p + 4);
        const std::uint8_t* body = p + 8;
        const std::size_t available = std::size_t(riffEnd - body);
        if (startsWith(p, riffEnd, "data")) {
            if (size > available &&
                !diag.repair(offset(p), -1,
                             "RIFF data chunk size " + std::to_string(size) + " runs past the end of the file"))
                return false;
            begin = body;
            end = body + std::min<std::size_t>(size, available);
            return true;
        }
        if (size > available) break;
        p = body + size + (size & 1);   // RIFF chunks are padded to even sizes
        if (p > riffEnd) break;
    }
    return diag.fail(offset(begin), -1, "RIFF file without a 'data' chunk: no MIDI data in it");
}

}  // namespace

bool locateSmf(const std::uint8_t* file, std::size_t size, Diagnostics& diag, ByteRange& smf) {
    if (size == 0) return diag.fail(0, -1, "empty file (0 bytes): not a MIDI file");
    const std::uint8_t* begin = file;
    const std::uint8_t* end = file + size;
    for (int depth = 0; startsWith(begin, end, "RIFF"); ++depth) {
        if (depth == kMaxRiffDepth)
            return diag.fail(std::uint64_t(begin - file), -1,
                             "RIFF wrappers nested more than " + std::to_string(kMaxRiffDepth) + " deep");
        if (!unwrapRiff(file, diag, begin, end)) return false;
    }
    static const std::uint8_t kMThd[4] = {'M', 'T', 'h', 'd'};
    const std::uint8_t* header = std::search(begin, end, kMThd, kMThd + 4);
    if (header == end) {
        const std::size_t shown = std::min<std::size_t>(std::size_t(end - begin), 8);
        return diag.fail(std::uint64_t(begin - file), -1,
                         "not a MIDI file: no MThd header (the data starts with '" + printable(begin, shown) + "')");
    }
    if (header != begin &&
        !diag.repair(std::uint64_t(begin - file), -1,
                     std::to_string(header - begin) + " bytes before the MThd header skipped"))
        return false;
    smf.begin = header;
    smf.end = end;
    return true;
}

}  // namespace pm::midi
