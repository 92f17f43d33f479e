// The on-disk dataset: a directory training streams from without re-parsing MIDI.
//
//   DIR/dataset.json          pointer {format, format_version, generation}; replaced atomically
//   DIR/gen-NNNNNN/manifest.json   tokenizer config, build options, per-file report, stats
//   DIR/gen-NNNNNN/tokens.bin      "PMTOKENS" u32 version u32 bytes-per-token u64 count, then
//                                  count little-endian u16 token ids (memory-mappable)
//   DIR/gen-NNNNNN/pieces.bin      "PMPIECES" u32 version u32 pieces, then per piece
//                                  {u64 first token, u32 tokens, u32 bars, u32 bar-offset start,
//                                  u8 split, 3 pad}, then all bar offsets (u32, piece-relative)
//
// A build writes a new generation beside the old one and switches the pointer last, so a crash,
// a kill or a full disk leaves the previous dataset loadable; old generations are removed after
// the switch. See docs/dataset-format.md.
#pragma once

#include "dataset/content_hash.h"
#include "dataset/split.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pm::dataset {

inline constexpr int kFormatVersion = 1;
inline constexpr const char* kFormatName = "pianomuse-dataset";

enum class FileStatus : std::uint8_t { Ok, Repaired, Rejected, Duplicate };
const char* fileStatusName(FileStatus s);   // "ok", "repaired", "rejected", "duplicate"
bool parseFileStatus(const std::string& s, FileStatus* out);

// One line of the per-file report: every file the user dropped has one, whatever happened.
struct FileReport {
    std::string path;
    ContentHash hash;                 // zero when the file could not be read at all
    FileStatus status = FileStatus::Rejected;
    std::string reason;               // why rejected / repaired / duplicate of what
    std::vector<std::string> warnings;
    double durationSeconds = 0;
    std::uint64_t notes = 0;          // notes that went into tokens
    std::uint64_t droppedNotes = 0;   // drums, out of piano range, ...
    std::uint64_t tokens = 0;
    double pianoShare = 0;            // fraction of the file's notes played by piano programs
    std::int64_t piece = -1;          // index into the piece table, -1 if not in the dataset
    Split split = Split::Train;
};

struct Augmentation {
    int transposeMin = 0, transposeMax = 0;              // semitones, applied at training time
    double tempoStretchMin = 1.0, tempoStretchMax = 1.0; // factors, applied at training time
};

struct BuildOptions {
    double validationFraction = 0.1;
    std::uint64_t seed = 1;
    std::vector<std::string> heldOut;   // paths the user put into validation
    Augmentation augmentation;
};

struct DatasetStats {
    std::uint64_t files = 0, pieces = 0, trainPieces = 0, validationPieces = 0;
    std::uint64_t rejected = 0, repaired = 0, duplicates = 0;
    std::uint64_t notes = 0, tokens = 0;
    double seconds = 0;
};

struct Manifest {
    int formatVersion = kFormatVersion;
    std::string created;                // ISO 8601 UTC
    nlohmann::json tokenizer;           // the tokenizer's own versioned config
    std::uint32_t vocabSize = 0;
    BuildOptions options;
    std::vector<FileReport> files;
    DatasetStats stats;
    std::string tokensChecksum;         // ContentHash of tokens.bin, hex
};

struct PieceEntry {
    std::uint64_t firstToken = 0;
    std::uint32_t tokenCount = 0;
    std::uint32_t barCount = 0;
    std::uint32_t barOffsetStart = 0;   // into barOffsets
    Split split = Split::Train;
};

// What training reads.
struct DatasetContents {
    Manifest manifest;
    std::vector<std::uint16_t> tokens;
    std::vector<PieceEntry> pieces;
    std::vector<std::uint32_t> barOffsets;   // piece-relative token index of each bar's first token
    std::string generationDir;
};

nlohmann::json manifestToJson(const Manifest& m);
// Returns "" or what is wrong ("field 'files' is missing", ...).
std::string manifestFromJson(const nlohmann::json& j, Manifest* out);

std::string encodeTokensFile(const std::vector<std::uint16_t>& tokens);
// tokens.bin in its two parts, so a save can write and hash it without first copying 2 bytes per
// token into one string: the header, and the body, which is the tokens' own memory on a
// little-endian host (the file's byte order) and otherwise `*scratch`, filled here.
std::string tokensFileHeader(std::uint64_t count);
std::string_view tokensFileBody(const std::uint16_t* tokens, std::size_t count, std::string* scratch);
inline std::string_view tokensFileBody(const std::vector<std::uint16_t>& tokens, std::string* scratch) {
    return tokensFileBody(tokens.data(), tokens.size(), scratch);
}
// The checksum of a tokens.bin of `count` tokens, header already fed: update it with the body
// (tokensFileBody of the tokens, in one piece or several) and take digest().
ContentHasher tokensFileHasher(std::uint64_t count);
std::string encodePiecesFile(const std::vector<PieceEntry>& pieces, const std::vector<std::uint32_t>& barOffsets);
std::string decodeTokensFile(const std::string& bytes, std::vector<std::uint16_t>* tokens);
std::string decodePiecesFile(const std::string& bytes, std::uint64_t tokenCount, std::vector<PieceEntry>* pieces,
                             std::vector<std::uint32_t>* barOffsets);

}  // namespace pm::dataset
