// ngrams.bin: OriginalityIndex on disk. Layout (little-endian; docs/dataset-format.md):
//
//   0   "PMNGRAMS"            8 bytes
//   8   u32 version (1)       12  u32 header bytes (128)
//   16  u32 keys per n-gram   20  u32 steps per quarter
//   24  u32 bucket bits       28  u32 pieces P
//   32  u64 notes N           40  u64 bar lines B
//   48  u64 n-grams G         56  u64 bar signatures S
//   64  32 bytes source id (zero-padded)
//   96  u64 checksum of the whole file with these 8 bytes zero
//   104 24 bytes zero
//   128 u32[P+1] first note of each piece   u32[P+1] first bar line of each piece
//       u32[N] note onsets   u32[B] bar lines   u32[2^bits + 1] bucket offsets
//       {u32 hash, u32 note}[G]   {u64 signature, u32 piece, u32 0}[S]   u8[N] pitches
//       zero bytes to a multiple of 8
#include "analysis/originality.h"

#include "analysis/originality_keys.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <tuple>

namespace pm::analysis {

namespace {

constexpr char kMagic[8] = {'P', 'M', 'N', 'G', 'R', 'A', 'M', 'S'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 128;
constexpr std::size_t kSourceIdBytes = 32;
constexpr std::size_t kChecksumOffset = 96;
constexpr std::uint64_t kMaxFileBytes = 4ull << 30;
constexpr std::uint32_t kMaxBucketBits = 28;

void putU32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
void putU64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
std::uint32_t getU32(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
std::uint64_t getU64(const unsigned char* p) { return std::uint64_t(getU32(p)) | std::uint64_t(getU32(p + 4)) << 32; }

// Over 64-bit little-endian words (the file is a multiple of 8 bytes), the checksum field read as 0.
std::uint64_t fileChecksum(const unsigned char* data, std::size_t size) {
    std::uint64_t h = detail::mix64(size);
    for (std::size_t at = 0; at + 8 <= size; at += 8) {
        const std::uint64_t w = at == kChecksumOffset ? 0 : getU64(data + at);
        h = detail::mix64(h ^ w);
    }
    return h;
}

bool littleEndianHost() {
    const std::uint32_t one = 1;
    unsigned char first = 0;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

// Reads consecutive little-endian arrays out of the payload; sizes were checked beforehand.
struct Reader {
    const unsigned char* p;
    void u32s(std::vector<std::uint32_t>& v, std::size_t count) {
        v.resize(count);
        if (littleEndianHost()) {
            if (count) std::memcpy(v.data(), p, 4 * count);   // the file's byte order is the host's
            p += 4 * count;
            return;
        }
        for (std::size_t i = 0; i < count; ++i, p += 4) v[i] = getU32(p);
    }
};

}  // namespace

std::string OriginalityIndex::encode(const std::string& sourceId) const {
    const std::uint64_t p = pieces(), n = notes(), b = barStart_.size(), g = postings_.size(), s = bars_.size();
    std::string out;
    out.reserve(kHeaderBytes);
    out.append(kMagic, 8);
    putU32(out, kVersion);
    putU32(out, std::uint32_t(kHeaderBytes));
    putU32(out, std::uint32_t(gramKeys_));
    putU32(out, std::uint32_t(stepsPerQuarter_));
    putU32(out, bucketBits_);
    putU32(out, std::uint32_t(p));
    putU64(out, n);
    putU64(out, b);
    putU64(out, g);
    putU64(out, s);
    std::string id = sourceId.substr(0, kSourceIdBytes);
    id.resize(kSourceIdBytes, '\0');
    out += id;
    putU64(out, 0);   // checksum, filled in last
    out.append(kHeaderBytes - out.size(), '\0');
    // The payload is written in place: millions of push_backs cost more than the index build.
    const std::size_t payload = 4 * (pieceNotes_.size() + pieceBars_.size() + onset_.size() + barStart_.size() + bucketStart_.size()) +
                                8 * postings_.size() + 16 * bars_.size() + pitch_.size();
    out.resize(kHeaderBytes + payload + (8 - payload % 8) % 8, '\0');
    unsigned char* at = reinterpret_cast<unsigned char*>(&out[kHeaderBytes]);
    const auto u32 = [&at](std::uint32_t v) {
        at[0] = std::uint8_t(v), at[1] = std::uint8_t(v >> 8), at[2] = std::uint8_t(v >> 16), at[3] = std::uint8_t(v >> 24);
        at += 4;
    };
    for (const auto* table : {&pieceNotes_, &pieceBars_, &onset_, &barStart_, &bucketStart_})
        for (std::uint32_t v : *table) u32(v);
    for (const Posting& e : postings_) {
        u32(e.hash);
        u32(e.note);
    }
    for (const BarEntry& e : bars_) {
        u32(std::uint32_t(e.signature));
        u32(std::uint32_t(e.signature >> 32));
        u32(e.piece);
        u32(0);
    }
    if (!pitch_.empty()) std::memcpy(at, pitch_.data(), pitch_.size());
    const std::uint64_t sum = fileChecksum(reinterpret_cast<const unsigned char*>(out.data()), out.size());
    for (int i = 0; i < 8; ++i) out[kChecksumOffset + std::size_t(i)] = char((sum >> (8 * i)) & 0xff);
    return out;
}

std::optional<OriginalityIndex> OriginalityIndex::decode(const std::string& bytes, std::string* error, std::string* sourceId) {
    const auto fail = [error](const std::string& why) -> std::optional<OriginalityIndex> {
        if (error) *error = why;
        return std::nullopt;
    };
    const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < kHeaderBytes || std::memcmp(d, kMagic, 8) != 0) return fail("not a PianoMuse copy index (ngrams.bin)");
    const std::uint32_t version = getU32(d + 8);
    if (version != kVersion)
        return fail("copy index version " + std::to_string(version) + " is not supported (this PianoMuse reads version " +
                    std::to_string(kVersion) + ")");
    const std::uint32_t headerBytes = getU32(d + 12), gramKeys = getU32(d + 16), stepsPerQuarter = getU32(d + 20);
    const std::uint32_t bits = getU32(d + 24), pieceCount = getU32(d + 28);
    const std::uint64_t noteCount = getU64(d + 32), barCount = getU64(d + 40), gramCount = getU64(d + 48), sigCount = getU64(d + 56);
    if (headerBytes != kHeaderBytes || gramKeys < 1 || gramKeys > 64 || stepsPerQuarter < 1 || stepsPerQuarter > 100000 ||
        bits > kMaxBucketBits || pieceCount == 0xffffffffu)
        return fail("the copy index's header is damaged");
    // Every count fits 32 bits (notes and n-grams are indexed by u32), so the sums below cannot
    // overflow 64 bits; the total must be the file's exact size before anything is allocated.
    const std::uint64_t limit = 0xffffffffull;
    if (noteCount > limit || barCount > limit || gramCount > limit || sigCount > limit)
        return fail("the copy index's header is damaged (counts out of range)");
    std::uint64_t expected = kHeaderBytes + 8 * (std::uint64_t(pieceCount) + 1) + 4 * noteCount + 4 * barCount +
                             4 * ((std::uint64_t(1) << bits) + 1) + 8 * gramCount + 16 * sigCount + noteCount;
    expected += (8 - expected % 8) % 8;
    if (expected != bytes.size())
        return fail("the copy index is truncated or has the wrong size (" + std::to_string(bytes.size()) + " bytes, header says " +
                    std::to_string(expected) + ")");
    if (fileChecksum(d, bytes.size()) != getU64(d + kChecksumOffset)) return fail("the copy index is damaged (checksum mismatch)");

    OriginalityIndex x;
    x.gramKeys_ = int(gramKeys);
    x.stepsPerQuarter_ = int(stepsPerQuarter);
    x.bucketBits_ = bits;
    Reader r{d + kHeaderBytes};
    r.u32s(x.pieceNotes_, std::size_t(pieceCount) + 1);
    r.u32s(x.pieceBars_, std::size_t(pieceCount) + 1);
    r.u32s(x.onset_, std::size_t(noteCount));
    r.u32s(x.barStart_, std::size_t(barCount));
    r.u32s(x.bucketStart_, (std::size_t(1) << bits) + 1);
    x.postings_.resize(std::size_t(gramCount));
    for (Posting& e : x.postings_) {
        e.hash = getU32(r.p);
        e.note = getU32(r.p + 4);
        r.p += 8;
    }
    x.bars_.resize(std::size_t(sigCount));
    for (BarEntry& e : x.bars_) {
        e.signature = getU64(r.p);
        e.piece = getU32(r.p + 8);
        r.p += 16;
    }
    x.pitch_.assign(r.p, r.p + noteCount);
    if (std::string why = x.validate(); !why.empty()) return fail("the copy index is inconsistent: " + why);
    if (sourceId) {
        const char* id = reinterpret_cast<const char*>(d + 64);
        std::size_t length = 0;
        while (length < kSourceIdBytes && id[length] != '\0') ++length;
        *sourceId = std::string(id, length);
    }
    return x;
}

// Everything check() relies on to stay inside its arrays: a file with a valid checksum can
// still be made by hand.
std::string OriginalityIndex::validate() const {
    const auto prefix = [](const std::vector<std::uint32_t>& v, std::size_t total) {
        if (v.empty() || v.front() != 0 || v.back() != total) return false;
        for (std::size_t i = 1; i < v.size(); ++i)
            if (v[i] < v[i - 1]) return false;
        return true;
    };
    if (!prefix(pieceNotes_, onset_.size())) return "piece note offsets";
    if (!prefix(pieceBars_, barStart_.size())) return "piece bar offsets";
    if (!prefix(bucketStart_, postings_.size())) return "bucket offsets";
    for (std::size_t p = 0; p + 1 < pieceNotes_.size(); ++p) {
        for (std::size_t i = std::size_t(pieceNotes_[p]) + 1; i < pieceNotes_[p + 1]; ++i)
            if (onset_[i] < onset_[i - 1]) return "note onsets out of order";
        for (std::size_t i = std::size_t(pieceBars_[p]) + 1; i < pieceBars_[p + 1]; ++i)
            if (barStart_[i] < barStart_[i - 1]) return "bar lines out of order";
    }
    for (std::uint8_t v : pitch_)
        if (v > 127) return "pitch out of range";
    // Which notes have an n-gram's worth of notes after them in their piece.
    std::vector<bool> canStart(onset_.size(), false);
    for (std::size_t p = 0; p + 1 < pieceNotes_.size(); ++p)
        for (std::size_t i = pieceNotes_[p]; i + std::size_t(gramKeys_) < pieceNotes_[p + 1]; ++i) canStart[i] = true;
    for (const Posting& e : postings_) {
        if (e.note >= onset_.size()) return "n-gram note out of range";
        if (!canStart[e.note]) return "n-gram runs past its piece";
    }
    for (std::size_t i = 0; i < bars_.size(); ++i) {
        if (bars_[i].piece >= pieces()) return "bar signature of a piece that does not exist";
        if (i > 0 && std::tie(bars_[i - 1].signature, bars_[i - 1].piece) >= std::tie(bars_[i].signature, bars_[i].piece))
            return "bar signatures out of order";
    }
    return {};
}

std::string OriginalityIndex::save(const std::string& path, const std::string& sourceId) const {
    const std::string bytes = encode(sourceId);
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return "cannot write " + temporary;
        out.write(bytes.data(), std::streamsize(bytes.size()));
        out.flush();
        if (!out) {
            std::error_code ec;
            std::filesystem::remove(temporary, ec);
            return "cannot write " + temporary + " (disk full?)";
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        return "cannot replace " + path + ": " + ec.message();
    }
    return {};
}

std::optional<OriginalityIndex> OriginalityIndex::load(const std::string& path, std::string* error, std::string* sourceId) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) {
        if (error) *error = "cannot read " + path + ": " + ec.message();
        return std::nullopt;
    }
    if (size > kMaxFileBytes) {
        if (error) *error = path + " is implausibly large for a copy index (" + std::to_string(size) + " bytes)";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes(std::size_t(size), '\0');
    if (!in || (size && !in.read(bytes.data(), std::streamsize(size)))) {
        if (error) *error = "cannot read " + path;
        return std::nullopt;
    }
    return decode(bytes, error, sourceId);
}

}  // namespace pm::analysis
