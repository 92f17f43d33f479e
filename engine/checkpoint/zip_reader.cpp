// ZIP layout (APPNOTE 6.3): [local header + data]* central-directory end-of-central-directory,
// with ZIP64 records when sizes, offsets or counts do not fit 16/32 bits.
#include "checkpoint/zip_reader.h"

#include "checkpoint/format_error.h"

#include <algorithm>

namespace pm::formats {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50, kCentralSig = 0x02014b50, kEocdSig = 0x06054b50,
                   kZip64EocdSig = 0x06064b50, kZip64LocatorSig = 0x07064b50;
constexpr uint64_t kEocdSize = 22, kMaxComment = 0xFFFF;
constexpr uint64_t kMaxEntries = 1u << 20;   // a 1000-layer model has ~30k tensors

struct Eocd {
    uint64_t count = 0, cdSize = 0, cdOffset = 0;
};

Eocd findEocd(const ByteSource& src) {
    if (src.size() < kEocdSize) throw FormatError("not a ZIP file (too short)");
    const uint64_t window = std::min<uint64_t>(src.size(), kEocdSize + kMaxComment);
    const std::vector<uint8_t> tail = src.readBytes(src.size() - window, window);
    for (uint64_t i = window - kEocdSize + 1; i-- > 0;) {
        const uint8_t* p = tail.data() + i;
        if (loadLe32(p) != kEocdSig) continue;
        if (i + kEocdSize + loadLe16(p + 20) != window) continue;   // comment must end the file
        Eocd e{loadLe16(p + 10), loadLe32(p + 12), loadLe32(p + 16)};
        const uint64_t eocdAt = src.size() - window + i;
        if (e.count == 0xFFFF || e.cdSize == 0xFFFFFFFF || e.cdOffset == 0xFFFFFFFF) {
            // ZIP64: a 20-byte locator just before the EOCD points at the ZIP64 EOCD record.
            if (eocdAt < 20) throw FormatError("corrupt ZIP64 end record");
            const std::vector<uint8_t> loc = src.readBytes(eocdAt - 20, 20);
            if (loadLe32(loc.data()) != kZip64LocatorSig) throw FormatError("missing ZIP64 locator");
            const uint64_t recAt = loadLe64(loc.data() + 8);
            const std::vector<uint8_t> rec = src.readBytes(recAt, 56);
            if (loadLe32(rec.data()) != kZip64EocdSig) throw FormatError("corrupt ZIP64 end record");
            e = {loadLe64(rec.data() + 32), loadLe64(rec.data() + 40), loadLe64(rec.data() + 48)};
        }
        return e;
    }
    throw FormatError("not a ZIP file (no end-of-central-directory record)");
}

// Replaces 0xFFFFFFFF fields from the ZIP64 extra field (id 0x0001), in the order the spec gives.
void applyZip64Extra(const uint8_t* extra, uint64_t len, uint64_t* usize, uint64_t* csize, uint64_t* offset) {
    uint64_t pos = 0;
    while (pos + 4 <= len) {
        const uint16_t id = loadLe16(extra + pos), n = loadLe16(extra + pos + 2);
        if (pos + 4 + n > len) throw FormatError("corrupt ZIP extra field");
        if (id == 0x0001) {
            const uint8_t* p = extra + pos + 4;
            uint64_t left = n;
            for (uint64_t* field : {usize, csize, offset}) {
                if (*field != 0xFFFFFFFF) continue;
                if (left < 8) throw FormatError("corrupt ZIP64 extra field");
                *field = loadLe64(p);
                p += 8;
                left -= 8;
            }
            return;
        }
        pos += 4 + n;
    }
}

}  // namespace

bool ZipArchive::looksLikeZip(const ByteSource& src) {
    if (src.size() < 4) return false;
    uint8_t m[4];
    src.read(0, m, 4);
    return loadLe32(m) == kLocalSig;
}

ZipArchive::ZipArchive(const ByteSource& src) {
    const Eocd e = findEocd(src);
    if (e.count > kMaxEntries) throw FormatError("ZIP has too many entries");
    if (!src.contains(e.cdOffset, e.cdSize)) throw FormatError("ZIP central directory lies outside the file");
    if (e.cdSize < e.count * 46) throw FormatError("ZIP central directory is too small for its entries");
    const std::vector<uint8_t> cd = src.readBytes(e.cdOffset, e.cdSize);
    uint64_t pos = 0;
    for (uint64_t i = 0; i < e.count; ++i) {
        if (pos + 46 > cd.size()) throw FormatError("truncated ZIP central directory");
        const uint8_t* h = cd.data() + pos;
        if (loadLe32(h) != kCentralSig) throw FormatError("corrupt ZIP central directory");
        const uint16_t flags = loadLe16(h + 8), method = loadLe16(h + 10);
        uint64_t csize = loadLe32(h + 20), usize = loadLe32(h + 24);
        const uint64_t nameLen = loadLe16(h + 28), extraLen = loadLe16(h + 30), commentLen = loadLe16(h + 32);
        uint64_t localAt = loadLe32(h + 42);
        if (pos + 46 + nameLen + extraLen + commentLen > cd.size()) throw FormatError("truncated ZIP central directory");
        std::string name(reinterpret_cast<const char*>(h + 46), nameLen);
        applyZip64Extra(h + 46 + nameLen, extraLen, &usize, &csize, &localAt);
        pos += 46 + nameLen + extraLen + commentLen;

        if (flags & 0x1) throw FormatError("ZIP entry '" + name + "' is encrypted");
        if (method != 0)
            throw FormatError("ZIP entry '" + name + "' is compressed (method " + std::to_string(method) +
                              "); checkpoints are stored uncompressed by torch.save");
        if (csize != usize) throw FormatError("ZIP entry '" + name + "' has inconsistent sizes");
        if (!index_.emplace(name, entries_.size()).second) throw FormatError("ZIP entry '" + name + "' appears twice");
        // The local header repeats name and extra with its own lengths; the data follows it.
        const std::vector<uint8_t> local = src.readBytes(localAt, 30);
        if (loadLe32(local.data()) != kLocalSig) throw FormatError("corrupt ZIP local header for '" + name + "'");
        const uint64_t dataAt = localAt + 30 + loadLe16(local.data() + 26) + loadLe16(local.data() + 28);
        if (!src.contains(dataAt, usize)) throw FormatError("ZIP entry '" + name + "' lies outside the file");
        entries_.push_back({std::move(name), dataAt, usize});
    }
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &entries_[it->second];
}

}  // namespace pm::formats
