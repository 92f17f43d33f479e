#include "dataset/dataset_store.h"

#include "dataset/atomic_file.h"
#include "dataset/content_hash.h"
#include "dataset/copy_index.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <future>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace pm::dataset {

namespace {

constexpr const char* kPointerFile = "dataset.json";
constexpr std::uint64_t kMaxManifestBytes = 256ull << 20;
constexpr std::uint64_t kMaxTokenFileBytes = 8ull << 30;

std::string readWholeFile(const fs::path& path, std::uint64_t limit, std::string* bytes) {
    std::error_code ec;
    const std::uint64_t size = fs::file_size(path, ec);
    if (ec) return path.filename().string() + " is missing (" + ec.message() + ")";
    if (size > limit) return path.filename().string() + " is implausibly large (" + std::to_string(size) + " bytes)";
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot open " + path.string();
    bytes->resize(size);
    if (size && !in.read(bytes->data(), std::streamsize(size))) return "cannot read " + path.string();
    return {};
}

std::string utcNow() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
#if defined(_WIN32)
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string readPointer(const fs::path& dir, std::string* generation) {
    std::string bytes;
    if (std::string err = readWholeFile(dir / kPointerFile, 1 << 16, &bytes); !err.empty())
        return fs::is_directory(dir) ? "not a PianoMuse dataset: " + err : "no dataset at " + dir.string();
    try {
        const auto j = nlohmann::json::parse(bytes);
        if (j.value("format", std::string()) != kFormatName) return "not a PianoMuse dataset (dataset.json has another format)";
        const int version = j.at("format_version").get<int>();
        if (version != kFormatVersion)
            return "dataset format version " + std::to_string(version) + " is not supported (this PianoMuse reads version " +
                   std::to_string(kFormatVersion) + "); rebuild the dataset from its MIDI files";
        *generation = j.at("generation").get<std::string>();
        // A generation name is ours; anything with a path separator is a foreign or hostile file.
        if (generation->rfind("gen-", 0) != 0 || generation->find_first_of("/\\.") != std::string::npos)
            return "dataset.json names an invalid generation";
        return {};
    } catch (const nlohmann::json::exception& e) {
        return std::string("dataset.json is damaged: ") + e.what();
    }
}

std::string nextGenerationName(const fs::path& dir) {
    unsigned long highest = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("gen-", 0) == 0) highest = std::max(highest, std::strtoul(name.c_str() + 4, nullptr, 10));
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "gen-%06lu", highest + 1);
    return buf;
}

}  // namespace

bool looksLikeDataset(const std::string& dir) { return fs::is_regular_file(fs::path(dir) / kPointerFile); }

std::string saveDataset(const std::string& dirName, DatasetContents& c) {
    // The checksum starts first, on its own thread: it is the longest serial step of a save.
    return saveDataset(dirName, c, std::async(std::launch::async, [&c] {
                           ContentHasher h = tokensFileHasher(c.tokens.size());
                           std::string scratch;
                           const std::string_view body = tokensFileBody(c.tokens, &scratch);
                           h.update(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
                           return h.digest();
                       }));
}

std::string saveDataset(const std::string& dirName, DatasetContents& c, std::future<ContentHash> checksum) {
    // Whatever happens below, the caller's hash (which reads the tokens) is finished before we return.
    struct Join {
        std::future<ContentHash>& f;
        ~Join() {
            if (f.valid()) f.wait();
        }
    } join{checksum};
    const fs::path dir(dirName);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    if (fs::exists(dir / kPointerFile) == false) {
        // Refuse to scatter files into an unrelated non-empty folder (a typo in -o).
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            // gen-* and dataset.json.tmp: what an interrupted first save of ours leaves behind.
            if (name.rfind("gen-", 0) != 0 && name != std::string(kPointerFile) + ".tmp")
                return dir.string() + " is not empty and is not a PianoMuse dataset; choose an empty or new folder";
        }
    }
    std::string previous;
    readPointer(dir, &previous);   // may fail: then there is nothing to keep

    const std::string generation = nextGenerationName(dir);
    const fs::path gen = dir / generation;
    fs::create_directory(gen, ec);
    if (ec) return "cannot create " + gen.string() + ": " + ec.message();
    auto fail = [&](const std::string& message) {
        fs::remove_all(gen, ec);   // the half-written generation goes; the old one stays current
        return message;
    };

    // The generation's files are written under their final names, each flushed to disk, then the
    // folder once: nothing reads a generation before dataset.json names it, and that switch comes
    // after. (A temporary + rename + folder sync per file made 9 fsyncs of a save 6.) The three
    // files and the new dataset.json's temporary are written side by side, so their flushes
    // overlap, while the checksum (a byte-serial hash) finishes on its thread; the manifest, which
    // holds it, goes last. Only the rename of dataset.json waits for all of it: 3 flushes in a
    // row instead of 9.
    if (c.manifest.created.empty()) c.manifest.created = utcNow();
    c.manifest.formatVersion = kFormatVersion;
    const std::string tokensHeader = tokensFileHeader(c.tokens.size());
    std::string scratch;
    const std::string_view tokensBody = tokensFileBody(c.tokens, &scratch);
    std::future<std::string> tokensWritten = std::async(std::launch::async, [&] {
        return writeFileDurably((gen / "tokens.bin").string(), {tokensHeader, tokensBody});
    });
    const nlohmann::json pointer = {{"format", kFormatName}, {"format_version", kFormatVersion}, {"generation", generation}};
    const std::string pointerPath = (dir / kPointerFile).string(), pointerTemporary = pointerPath + ".tmp";
    std::future<std::string> pointerWritten = std::async(std::launch::async, [&] {
        return writeFileDurably(pointerTemporary, {pointer.dump(1) + "\n"});
    });
    std::future<std::string> piecesWritten = std::async(std::launch::async, [&] {
        return writeFileDurably((gen / "pieces.bin").string(), {encodePiecesFile(c.pieces, c.barOffsets)});
    });
    // The copy index (copy_index.h) is built from the tokens meanwhile and written once their
    // checksum, which names what it was built from, is known. It is derived data: a dataset
    // whose tokenizer this build cannot read, or a build that fails, just has none (readers
    // then build it in memory and say so).
    std::future<std::optional<pm::analysis::OriginalityIndex>> copyIndex = std::async(std::launch::async, [&c] {
        try {
            return buildCopyIndex(c);
        } catch (const std::exception&) {
            return std::optional<pm::analysis::OriginalityIndex>();
        }
    });
    // The manifest is built while those flush (the first flush of a save waits for the whole
    // token file to reach the disk, ~3 ms for 1.4 MB here).
    nlohmann::json manifest = manifestToJson(c.manifest);
    c.manifest.tokensChecksum = checksum.get().hex();
    manifest["tokens_checksum"] = c.manifest.tokensChecksum;
    std::future<std::string> copyIndexWritten = std::async(std::launch::async, [&] {
        const std::optional<pm::analysis::OriginalityIndex> index = copyIndex.get();
        return index ? writeFileDurably((gen / kCopyIndexFile).string(), {index->encode(c.manifest.tokensChecksum)}) : std::string();
    });
    std::string err = writeFileDurably((gen / "manifest.json").string(), {manifest.dump(1)});
    // Joined on every path: the writers read c and the pointer.
    for (std::future<std::string>* f : {&tokensWritten, &piecesWritten, &pointerWritten, &copyIndexWritten})
        if (std::string e = f->get(); err.empty()) err = e;
    if (!err.empty()) {
        fs::remove(pointerTemporary, ec);
        return fail(err);
    }
    syncDirectory(gen.string());

    // The switch: one atomic rename. Before it the old dataset is current, after it the new one.
    if (auto err = replaceFileDurably(pointerTemporary, pointerPath); !err.empty()) return fail(err);
    c.generationDir = gen.string();

    // Old generations (and leftovers of interrupted builds) are garbage now.
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("gen-", 0) == 0 && name != generation) fs::remove_all(it->path(), ec);
    }
    return {};
}

std::string loadManifest(const std::string& dirName, Manifest* out) {
    const fs::path dir(dirName);
    std::string generation;
    if (auto err = readPointer(dir, &generation); !err.empty()) return err;
    std::string bytes;
    if (auto err = readWholeFile(dir / generation / "manifest.json", kMaxManifestBytes, &bytes); !err.empty())
        return "dataset generation " + generation + " is incomplete: " + err;
    try {
        return manifestFromJson(nlohmann::json::parse(bytes), out);
    } catch (const nlohmann::json::exception& e) {
        return std::string("manifest.json is damaged: ") + e.what();
    }
}

std::string loadDataset(const std::string& dirName, DatasetContents* out) {
    const fs::path dir(dirName);
    DatasetContents c;
    if (auto err = loadManifest(dirName, &c.manifest); !err.empty()) return err;
    std::string generation;
    readPointer(dir, &generation);
    const fs::path gen = dir / generation;
    std::string tokensBytes, piecesBytes;
    if (auto err = readWholeFile(gen / "tokens.bin", kMaxTokenFileBytes, &tokensBytes); !err.empty()) return err;
    const std::string checksum =
        hashBytes(reinterpret_cast<const std::uint8_t*>(tokensBytes.data()), tokensBytes.size()).hex();
    if (checksum != c.manifest.tokensChecksum) return "tokens.bin does not match its manifest (damaged or replaced)";
    if (auto err = decodeTokensFile(tokensBytes, &c.tokens); !err.empty()) return err;
    if (auto err = readWholeFile(gen / "pieces.bin", kMaxTokenFileBytes, &piecesBytes); !err.empty()) return err;
    if (auto err = decodePiecesFile(piecesBytes, c.tokens.size(), &c.pieces, &c.barOffsets); !err.empty()) return err;
    for (std::uint16_t t : c.tokens)
        if (t >= c.manifest.vocabSize)
            return "token id " + std::to_string(t) + " is outside the vocabulary (" + std::to_string(c.manifest.vocabSize) +
                   ") — the dataset and its tokenizer config disagree";
    if (c.pieces.size() != c.manifest.stats.pieces) return "the piece index and the manifest disagree on the number of pieces";
    c.generationDir = gen.string();
    *out = std::move(c);
    return {};
}

}  // namespace pm::dataset
