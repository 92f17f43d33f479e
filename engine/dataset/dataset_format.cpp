#include "dataset/dataset_format.h"

#include <cstring>

namespace pm::dataset {

namespace {

constexpr char kTokensMagic[8] = {'P', 'M', 'T', 'O', 'K', 'E', 'N', 'S'};
constexpr char kPiecesMagic[8] = {'P', 'M', 'P', 'I', 'E', 'C', 'E', 'S'};
constexpr std::uint32_t kBinaryVersion = 1;
constexpr std::size_t kPieceRecordBytes = 24;

// Little-endian on every platform, byte by byte: the files move between machines.
void putU32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}
void putU64(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s.push_back(char((v >> (8 * i)) & 0xff));
}
std::uint32_t getU32(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t(std::uint8_t(s[at + std::size_t(i)])) << (8 * i);
    return v;
}
std::uint64_t getU64(const std::string& s, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t(std::uint8_t(s[at + std::size_t(i)])) << (8 * i);
    return v;
}

}  // namespace

const char* fileStatusName(FileStatus s) {
    switch (s) {
    case FileStatus::Ok: return "ok";
    case FileStatus::Repaired: return "repaired";
    case FileStatus::Rejected: return "rejected";
    case FileStatus::Duplicate: return "duplicate";
    }
    return "rejected";
}

bool parseFileStatus(const std::string& s, FileStatus* out) {
    for (FileStatus st : {FileStatus::Ok, FileStatus::Repaired, FileStatus::Rejected, FileStatus::Duplicate})
        if (s == fileStatusName(st)) {
            *out = st;
            return true;
        }
    return false;
}

nlohmann::json manifestToJson(const Manifest& m) {
    nlohmann::json j;
    j["format"] = kFormatName;
    j["format_version"] = m.formatVersion;
    j["created"] = m.created;
    j["tokenizer"] = m.tokenizer;
    j["vocab_size"] = m.vocabSize;
    j["tokens_checksum"] = m.tokensChecksum;
    j["options"] = {
        {"validation_fraction", m.options.validationFraction},
        {"seed", m.options.seed},
        {"held_out", m.options.heldOut},
        {"augmentation",
         {{"transpose", {m.options.augmentation.transposeMin, m.options.augmentation.transposeMax}},
          {"tempo_stretch", {m.options.augmentation.tempoStretchMin, m.options.augmentation.tempoStretchMax}}}},
    };
    j["stats"] = {{"files", m.stats.files},         {"pieces", m.stats.pieces},
                  {"train_pieces", m.stats.trainPieces}, {"validation_pieces", m.stats.validationPieces},
                  {"rejected", m.stats.rejected},   {"repaired", m.stats.repaired},
                  {"duplicates", m.stats.duplicates}, {"notes", m.stats.notes},
                  {"tokens", m.stats.tokens},       {"seconds", m.stats.seconds}};
    nlohmann::json files = nlohmann::json::array();
    for (const FileReport& f : m.files) {
        files.push_back({{"path", f.path},
                         {"hash", f.hash.hex()},
                         {"status", fileStatusName(f.status)},
                         {"reason", f.reason},
                         {"warnings", f.warnings},
                         {"duration_seconds", f.durationSeconds},
                         {"notes", f.notes},
                         {"dropped_notes", f.droppedNotes},
                         {"tokens", f.tokens},
                         {"piano_share", f.pianoShare},
                         {"piece", f.piece},
                         {"split", f.piece >= 0 ? splitName(f.split) : ""}});
    }
    j["files"] = std::move(files);
    return j;
}

std::string manifestFromJson(const nlohmann::json& j, Manifest* out) {
    try {
        if (!j.is_object()) return "the manifest is not a JSON object";
        if (j.value("format", std::string()) != kFormatName) return "not a PianoMuse dataset manifest";
        Manifest m;
        m.formatVersion = j.at("format_version").get<int>();
        if (m.formatVersion != kFormatVersion)
            return "dataset format version " + std::to_string(m.formatVersion) + " is not supported (this PianoMuse reads version " +
                   std::to_string(kFormatVersion) + "); rebuild the dataset from its MIDI files";
        m.created = j.value("created", std::string());
        m.tokenizer = j.at("tokenizer");
        m.vocabSize = j.at("vocab_size").get<std::uint32_t>();
        m.tokensChecksum = j.at("tokens_checksum").get<std::string>();
        const auto& o = j.at("options");
        m.options.validationFraction = o.at("validation_fraction").get<double>();
        m.options.seed = o.at("seed").get<std::uint64_t>();
        m.options.heldOut = o.value("held_out", std::vector<std::string>{});
        const auto& aug = o.at("augmentation");
        m.options.augmentation.transposeMin = aug.at("transpose").at(0).get<int>();
        m.options.augmentation.transposeMax = aug.at("transpose").at(1).get<int>();
        m.options.augmentation.tempoStretchMin = aug.at("tempo_stretch").at(0).get<double>();
        m.options.augmentation.tempoStretchMax = aug.at("tempo_stretch").at(1).get<double>();
        const auto& s = j.at("stats");
        m.stats.files = s.at("files").get<std::uint64_t>();
        m.stats.pieces = s.at("pieces").get<std::uint64_t>();
        m.stats.trainPieces = s.at("train_pieces").get<std::uint64_t>();
        m.stats.validationPieces = s.at("validation_pieces").get<std::uint64_t>();
        m.stats.rejected = s.at("rejected").get<std::uint64_t>();
        m.stats.repaired = s.at("repaired").get<std::uint64_t>();
        m.stats.duplicates = s.at("duplicates").get<std::uint64_t>();
        m.stats.notes = s.at("notes").get<std::uint64_t>();
        m.stats.tokens = s.at("tokens").get<std::uint64_t>();
        m.stats.seconds = s.at("seconds").get<double>();
        for (const auto& f : j.at("files")) {
            FileReport r;
            r.path = f.at("path").get<std::string>();
            if (!ContentHash::fromHex(f.at("hash").get<std::string>(), &r.hash)) return "bad hash for " + r.path;
            if (!parseFileStatus(f.at("status").get<std::string>(), &r.status)) return "bad status for " + r.path;
            r.reason = f.at("reason").get<std::string>();
            r.warnings = f.at("warnings").get<std::vector<std::string>>();
            r.durationSeconds = f.at("duration_seconds").get<double>();
            r.notes = f.at("notes").get<std::uint64_t>();
            r.droppedNotes = f.at("dropped_notes").get<std::uint64_t>();
            r.tokens = f.at("tokens").get<std::uint64_t>();
            r.pianoShare = f.at("piano_share").get<double>();
            r.piece = f.at("piece").get<std::int64_t>();
            r.split = f.at("split").get<std::string>() == "validation" ? Split::Validation : Split::Train;
            m.files.push_back(std::move(r));
        }
        *out = std::move(m);
        return {};
    } catch (const nlohmann::json::exception& e) {
        return std::string("the manifest is damaged: ") + e.what();
    }
}

std::string tokensFileHeader(std::uint64_t count) {
    std::string s(kTokensMagic, sizeof kTokensMagic);
    putU32(s, kBinaryVersion);
    putU32(s, 2);
    putU64(s, count);
    return s;
}

std::string_view tokensFileBody(const std::uint16_t* tokens, std::size_t count, std::string* scratch) {
    const std::uint16_t probe = 1;
    if (*reinterpret_cast<const unsigned char*>(&probe) == 1)   // little-endian: the memory is the file
        return {reinterpret_cast<const char*>(tokens), count * 2};
    // A big-endian host: the pairs swapped into place.
    scratch->resize(count * 2);
    char* out = scratch->data();
    for (std::size_t i = 0; i < count; ++i) {
        out[2 * i] = char(tokens[i] & 0xff);
        out[2 * i + 1] = char(tokens[i] >> 8);
    }
    return *scratch;
}

ContentHasher tokensFileHasher(std::uint64_t count) {
    const std::string header = tokensFileHeader(count);
    ContentHasher h(header.size() + 2 * count);
    h.update(reinterpret_cast<const std::uint8_t*>(header.data()), header.size());
    return h;
}

std::string encodeTokensFile(const std::vector<std::uint16_t>& tokens) {
    std::string scratch;
    const std::string_view body = tokensFileBody(tokens, &scratch);
    return tokensFileHeader(tokens.size()).append(body.data(), body.size());
}

std::string decodeTokensFile(const std::string& bytes, std::vector<std::uint16_t>* tokens) {
    if (bytes.size() < 24 || std::memcmp(bytes.data(), kTokensMagic, 8) != 0) return "tokens.bin is not a token file";
    if (getU32(bytes, 8) != kBinaryVersion) return "tokens.bin has an unsupported version";
    if (getU32(bytes, 12) != 2) return "tokens.bin has an unsupported token width";
    const std::uint64_t count = getU64(bytes, 16);
    // Compare against what is really there before allocating: a damaged count cannot make us
    // allocate more than the file's own size.
    if (count > (bytes.size() - 24) / 2 || (bytes.size() - 24) != count * 2)
        return "tokens.bin is truncated or has trailing data (" + std::to_string(count) + " tokens declared, " +
               std::to_string((bytes.size() - 24) / 2) + " present)";
    tokens->resize(count);
    for (std::uint64_t i = 0; i < count; ++i)
        (*tokens)[i] = std::uint16_t(std::uint8_t(bytes[24 + 2 * i]) | (std::uint8_t(bytes[25 + 2 * i]) << 8));
    return {};
}

std::string encodePiecesFile(const std::vector<PieceEntry>& pieces, const std::vector<std::uint32_t>& barOffsets) {
    std::string s(kPiecesMagic, sizeof kPiecesMagic);
    putU32(s, kBinaryVersion);
    putU32(s, std::uint32_t(pieces.size()));
    for (const PieceEntry& p : pieces) {
        putU64(s, p.firstToken);
        putU32(s, p.tokenCount);
        putU32(s, p.barCount);
        putU32(s, p.barOffsetStart);
        s.push_back(char(p.split));
        s.append(3, '\0');
    }
    for (std::uint32_t b : barOffsets) putU32(s, b);
    return s;
}

std::string decodePiecesFile(const std::string& bytes, std::uint64_t tokenCount, std::vector<PieceEntry>* pieces,
                             std::vector<std::uint32_t>* barOffsets) {
    if (bytes.size() < 16 || std::memcmp(bytes.data(), kPiecesMagic, 8) != 0) return "pieces.bin is not a piece index";
    if (getU32(bytes, 8) != kBinaryVersion) return "pieces.bin has an unsupported version";
    const std::uint64_t count = getU32(bytes, 12);
    if (count > (bytes.size() - 16) / kPieceRecordBytes) return "pieces.bin is truncated";
    pieces->clear();
    pieces->reserve(count);
    std::uint64_t expectedFirst = 0, totalBars = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::size_t at = 16 + std::size_t(i) * kPieceRecordBytes;
        PieceEntry p;
        p.firstToken = getU64(bytes, at);
        p.tokenCount = getU32(bytes, at + 8);
        p.barCount = getU32(bytes, at + 12);
        p.barOffsetStart = getU32(bytes, at + 16);
        const std::uint8_t split = std::uint8_t(bytes[at + 20]);
        if (split > 1) return "pieces.bin: piece " + std::to_string(i) + " has an unknown split";
        p.split = Split(split);
        // Pieces tile the token file in order; bar offsets tile their array in order.
        if (p.firstToken != expectedFirst || p.tokenCount == 0 || p.barOffsetStart != totalBars)
            return "pieces.bin: piece " + std::to_string(i) + " does not follow the previous one";
        expectedFirst += p.tokenCount;
        totalBars += p.barCount;
        pieces->push_back(p);
    }
    if (expectedFirst != tokenCount) return "pieces.bin does not cover tokens.bin exactly";
    const std::size_t barsAt = 16 + std::size_t(count) * kPieceRecordBytes;
    if ((bytes.size() - barsAt) != totalBars * 4) return "pieces.bin: bar table has the wrong size";
    barOffsets->resize(totalBars);
    for (std::uint64_t i = 0; i < totalBars; ++i) (*barOffsets)[i] = getU32(bytes, barsAt + 4 * std::size_t(i));
    for (const PieceEntry& p : *pieces)
        for (std::uint32_t b = 0; b < p.barCount; ++b) {
            const std::uint32_t off = (*barOffsets)[p.barOffsetStart + b];
            if (off >= p.tokenCount || (b > 0 && off <= (*barOffsets)[p.barOffsetStart + b - 1]))
                return "pieces.bin: bar offsets of a piece are out of order or out of range";
        }
    return {};
}

}  // namespace pm::dataset
