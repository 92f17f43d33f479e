#include "dataset/dataset_builder.h"

#include "dataset/dataset_store.h"
#include "dataset/file_scanner.h"
#include "midi/midi_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace fs = std::filesystem;

namespace pm::dataset {

namespace {

constexpr std::uint64_t kMaxMidiFileBytes = 64ull << 20;   // same as the reader's limit

struct Work {
    FileReport report;
    EncodedPiece piece;
    bool usable = false;
};

void processFile(const ScannedFile& file, const PieceTokenizer& tokenizer, Work* out) {
    FileReport& r = out->report;
    r.path = file.path;
    std::error_code ec;
    const std::uint64_t size = fs::file_size(file.path, ec);
    if (ec) {
        r.reason = "cannot read: " + ec.message();
        return;
    }
    if (size > kMaxMidiFileBytes) {
        r.reason = "file too large for a MIDI file (" + std::to_string(size >> 20) + " MiB)";
        return;
    }
    std::string bytes(size, '\0');
    std::ifstream in(file.path, std::ios::binary);
    if (!in || (size && !in.read(bytes.data(), std::streamsize(size)))) {
        r.reason = "cannot read the file";
        return;
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    r.hash = hashBytes(data, bytes.size());
    auto midi = midi::readMidi(data, bytes.size());
    if (!midi) {
        r.reason = midi.error().toString();
        return;
    }
    const midi::MidiFile& mf = midi.value();
    for (const auto& w : mf.warnings) r.warnings.push_back(w.toString());
    if (mf.warningsDropped) r.warnings.push_back(std::to_string(mf.warningsDropped) + " more repairs");
    r.durationSeconds = mf.durationSeconds;
    try {
        out->piece = tokenizer.encode(mf);
    } catch (const std::exception& e) {
        r.reason = std::string("could not be tokenized: ") + e.what();
        return;
    }
    r.notes = out->piece.notes;
    r.droppedNotes = out->piece.droppedNotes;
    r.pianoShare = out->piece.pianoShare;
    r.tokens = out->piece.tokens.size();
    for (auto& w : out->piece.warnings) r.warnings.push_back(w);
    // A token outside the vocabulary is the tokenizer's bug, not the file's; checked here, on the
    // worker threads, rather than over the whole dataset in the serial assembly.
    for (std::uint16_t t : out->piece.tokens)
        if (t >= tokenizer.vocabSize) {
            r.reason = "internal error: token outside the vocabulary";
            return;
        }
    if (!out->piece.rejection.empty()) {
        r.reason = out->piece.rejection;
        return;
    }
    if (out->piece.tokens.empty()) {
        r.reason = "no notes to learn from";
        return;
    }
    r.status = mf.warnings.empty() ? FileStatus::Ok : FileStatus::Repaired;
    if (r.status == FileStatus::Repaired) r.reason = std::to_string(mf.warnings.size() + mf.warningsDropped) + " repair(s)";
    out->usable = true;
}

}  // namespace

BuildResult buildDataset(const BuildRequest& request, const PieceTokenizer& tokenizer,
                         const std::function<void(const BuildProgress&)>& progress, const std::atomic<bool>* cancel) {
    BuildResult result;
    auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
    if (tokenizer.vocabSize == 0 || tokenizer.vocabSize > 65536 || !tokenizer.encode) {
        result.error = "internal error: no usable tokenizer for the dataset";
        return result;
    }

    // Extending: start from what the dataset holds; its tokenizer must be the same.
    DatasetContents existing;
    std::map<ContentHash, std::int64_t> knownPieces;
    if (request.extendExisting) {
        if (auto err = loadDataset(request.outputDir, &existing); !err.empty()) {
            result.error = "cannot extend " + request.outputDir + ": " + err;
            return result;
        }
        if (existing.manifest.tokenizer != tokenizer.config) {
            result.error = "the dataset was built with a different tokenizer configuration; rebuild it instead of adding";
            return result;
        }
        for (const FileReport& f : existing.manifest.files)
            if (f.piece >= 0) knownPieces[f.hash] = f.piece;
    }

    const ScanResult scan = scanInputs(request.inputs, cancelled);
    std::vector<Work> work(scan.files.size());
    std::atomic<std::size_t> next{0}, done{0};
    std::mutex progressMutex;
    const unsigned threads = request.threads > 0 ? unsigned(request.threads)
                                                 : std::max(1u, std::thread::hardware_concurrency());
    auto worker = [&] {
        for (;;) {
            if (cancelled()) return;
            const std::size_t i = next.fetch_add(1);
            if (i >= scan.files.size()) return;
            processFile(scan.files[i], tokenizer, &work[i]);
            const std::size_t finished = done.fetch_add(1) + 1;
            if (progress) {
                std::lock_guard<std::mutex> lock(progressMutex);
                progress({finished, scan.files.size(), scan.files[i].path, &work[i].report});
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < std::min<std::size_t>(threads, std::max<std::size_t>(1, scan.files.size())); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (cancelled()) {
        result.cancelled = true;
        result.error = "cancelled";
        return result;
    }

    // Assemble in path order (deterministic whatever the thread timing).
    Manifest& m = result.manifest;
    m.tokenizer = tokenizer.config;
    m.vocabSize = tokenizer.vocabSize;
    m.options = request.options;
    DatasetContents out;
    std::vector<const EncodedPiece*> newPieces;
    std::vector<std::size_t> newPieceReport;   // index into m.files
    if (request.extendExisting) {
        m.options = existing.manifest.options;
        m.files = existing.manifest.files;
    }
    std::map<ContentHash, std::string> firstPathOf;
    for (const FileReport& f : m.files)
        if (f.piece >= 0) firstPathOf.emplace(f.hash, f.path);
    m.files.reserve(m.files.size() + scan.problems.size() + work.size());
    for (const ScanProblem& p : scan.problems) {
        FileReport r;
        r.path = p.path;
        r.reason = p.reason;
        m.files.push_back(r);
    }
    for (Work& w : work) {
        if (w.usable) {
            auto [it, inserted] = firstPathOf.emplace(w.report.hash, w.report.path);
            if (!inserted) {
                w.usable = false;
                w.report.status = FileStatus::Duplicate;
                w.report.reason = knownPieces.count(w.report.hash) ? "already in the dataset as " + it->second
                                                                   : "same content as " + it->second;
            }
        }
        m.files.push_back(std::move(w.report));   // not read from w again
        if (w.usable) {
            newPieces.push_back(&w.piece);
            newPieceReport.push_back(m.files.size() - 1);
        }
    }

    // Pieces: the existing ones first (unchanged, same split), then the new ones.
    out.tokens = std::move(existing.tokens);
    out.pieces = std::move(existing.pieces);
    out.barOffsets = std::move(existing.barOffsets);
    // Sized once: growing them piece by piece copied the tokens several times over, serially.
    std::size_t tokenTotal = out.tokens.size(), barTotal = out.barOffsets.size();
    for (const EncodedPiece* p : newPieces) {
        tokenTotal += p->tokens.size();
        barTotal += p->barOffsets.size();
    }
    out.tokens.reserve(tokenTotal);
    out.barOffsets.reserve(barTotal);
    out.pieces.reserve(out.pieces.size() + newPieces.size());
    // tokens.bin's checksum (a byte-serial hash, ~2 ms per million tokens) starts now, on its own
    // thread, from the existing tokens and each new piece's own vector, in file order; the
    // split, the concatenation below and the save's first writes happen meanwhile. It reads
    // only out.tokens' first `existingCount` entries, which nothing writes after the reserve.
    const std::uint16_t* existingTokens = out.tokens.data();
    const std::size_t existingCount = out.tokens.size();
    std::future<ContentHash> checksum = std::async(std::launch::async, [&newPieces, existingTokens, existingCount, tokenTotal] {
        ContentHasher h = tokensFileHasher(tokenTotal);
        std::string scratch;
        std::string_view body = tokensFileBody(existingTokens, existingCount, &scratch);
        h.update(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
        for (const EncodedPiece* p : newPieces) {
            body = tokensFileBody(p->tokens, &scratch);
            h.update(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
        }
        return h.digest();
    });
    std::vector<SplitInput> splitInputs;
    for (std::size_t i = 0; i < newPieces.size(); ++i) {
        const FileReport& r = m.files[newPieceReport[i]];
        const bool held = std::find(m.options.heldOut.begin(), m.options.heldOut.end(), r.path) != m.options.heldOut.end() ||
                          std::any_of(m.options.heldOut.begin(), m.options.heldOut.end(), [&](const std::string& h) {
                              std::error_code ec;
                              return fs::equivalent(h, r.path, ec);
                          });
        splitInputs.push_back({r.hash, held});
    }
    std::vector<Split> splits = assignSplits(splitInputs, m.options.validationFraction, m.options.seed);
    // Extending a dataset with no validation piece yet: the rule "≥ 1 validation piece when
    // there are ≥ 2 pieces" holds for the whole dataset, not only for the new files.
    const bool haveValidation = std::any_of(out.pieces.begin(), out.pieces.end(),
                                            [](const PieceEntry& p) { return p.split == Split::Validation; });
    if (!haveValidation && !splits.empty() && out.pieces.size() + splits.size() >= 2 &&
        std::none_of(splits.begin(), splits.end(), [](Split s) { return s == Split::Validation; }))
        splits.back() = Split::Validation;
    for (std::size_t i = 0; i < newPieces.size(); ++i) {
        const EncodedPiece& p = *newPieces[i];
        PieceEntry e;
        e.firstToken = out.tokens.size();
        e.tokenCount = std::uint32_t(p.tokens.size());
        e.barOffsetStart = std::uint32_t(out.barOffsets.size());
        for (std::uint32_t b : p.barOffsets)
            if (b < p.tokens.size() && (e.barCount == 0 || b > out.barOffsets.back())) {
                out.barOffsets.push_back(b);
                ++e.barCount;
            }
        e.split = splits[i];
        out.tokens.insert(out.tokens.end(), p.tokens.begin(), p.tokens.end());
        FileReport& r = m.files[newPieceReport[i]];
        r.piece = std::int64_t(out.pieces.size());
        r.split = e.split;
        out.pieces.push_back(e);
    }

    // Statistics over the whole dataset.
    m.stats = {};
    for (const FileReport& f : m.files) {
        ++m.stats.files;
        if (f.status == FileStatus::Rejected) ++m.stats.rejected;
        if (f.status == FileStatus::Duplicate) ++m.stats.duplicates;
        if (f.status == FileStatus::Repaired) ++m.stats.repaired;
        if (f.piece >= 0) {
            m.stats.notes += f.notes;
            m.stats.seconds += f.durationSeconds;
        }
    }
    m.stats.pieces = out.pieces.size();
    for (const PieceEntry& p : out.pieces) (p.split == Split::Validation ? m.stats.validationPieces : m.stats.trainPieces)++;
    m.stats.tokens = out.tokens.size();
    if (out.pieces.empty()) {
        result.error = "none of the " + std::to_string(m.files.size()) + " file(s) found could be used; see the report";
        return result;
    }
    if (cancelled()) {
        result.cancelled = true;
        result.error = "cancelled";
        return result;
    }
    out.manifest = m;
    if (auto err = saveDataset(request.outputDir, out, std::move(checksum)); !err.empty()) {
        result.error = err;
        return result;
    }
    result.manifest = out.manifest;
    result.ok = true;
    return result;
}

}  // namespace pm::dataset
