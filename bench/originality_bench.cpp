// The copy check's speed against a dataset (issue 18: < 1 s against 1,000 pieces):
//   pianomuse-bench-originality [PIECES] [MIDI_FOLDER]
// PIECES synthetic pieces (default 1000; tests/support/synthetic_pieces.h) are written as MIDI
// files and built into a dataset with the real tokenizer; then: the build, loading the dataset,
// building the copy index alone, opening the stored index, building it on the fly (as for an
// older dataset), and check() of 20 new 16-bar pieces and one with a planted 8-bar copy (each
// 5 times: min and median). With MIDI_FOLDER the same for a dataset of those files, plus their
// notes per bar (the corpus figure docs/originality.md quotes) and each of its pieces checked
// against the others.
#include "analysis/note_sequence_from_tokens.h"
#include "analysis/originality.h"
#include "dataset/copy_index.h"
#include "dataset/dataset_builder.h"
#include "dataset/dataset_store.h"
#include "dataset/piece_tokenizer.h"
#include "midi/midi_writer.h"
#include "synthetic_pieces.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

int measure(const std::string& label, const std::vector<std::string>& inputs, const fs::path& out) {
    const auto tokenizer = std::make_shared<pm::tok::Tokenizer>();
    fs::remove_all(out);
    pm::dataset::BuildRequest req;
    req.inputs = inputs;
    req.outputDir = out.string();
    req.threads = 2;
    auto t0 = Clock::now();
    const pm::dataset::BuildResult built = pm::dataset::buildDataset(req, pm::dataset::makePieceTokenizer(tokenizer));
    const double buildMs = msSince(t0);
    if (!built.ok) {
        std::fprintf(stderr, "build failed: %s\n", built.error.c_str());
        return 1;
    }
    // The same build with the tokenizer's config hidden from the save (a config no tokenizer
    // reads): no copy index is built, so the difference is what the index costs a build.
    pm::dataset::PieceTokenizer hidden = pm::dataset::makePieceTokenizer(tokenizer);
    hidden.config = {{"format", "hidden-for-the-benchmark"}};
    const fs::path plain = out.string() + "-without-index";
    fs::remove_all(plain);
    req.outputDir = plain.string();
    t0 = Clock::now();
    const pm::dataset::BuildResult builtPlain = pm::dataset::buildDataset(req, hidden);
    const double plainMs = msSince(t0);
    fs::remove_all(plain);
    if (!builtPlain.ok) {
        std::fprintf(stderr, "build failed: %s\n", builtPlain.error.c_str());
        return 1;
    }
    pm::dataset::DatasetContents data;
    t0 = Clock::now();
    if (auto err = pm::dataset::loadDataset(out.string(), &data); !err.empty()) {
        std::fprintf(stderr, "load failed: %s\n", err.c_str());
        return 1;
    }
    const double loadMs = msSince(t0);
    t0 = Clock::now();
    const auto index = pm::dataset::buildCopyIndex(data);
    const double indexMs = msSince(t0);
    const fs::path file = fs::path(data.generationDir) / pm::dataset::kCopyIndexFile;
    const double fileMb = double(fs::file_size(file)) / 1e6;
    t0 = Clock::now();
    pm::dataset::CopyIndexOpened stored = pm::dataset::openCopyIndex(data, true);
    const double openMs = msSince(t0);
    if (!stored.stored) std::fprintf(stderr, "the stored index was not used: %s\n", stored.note.c_str());
    fs::remove(file);
    t0 = Clock::now();
    const pm::dataset::CopyIndexOpened fly = pm::dataset::openCopyIndex(data, true);
    const double flyMs = msSince(t0);
    std::printf("%s: %zu pieces, %llu notes, %llu tokens, %zu n-grams; tokens.bin %.1f MB, ngrams.bin %.1f MB\n", label.c_str(),
                data.pieces.size(), (unsigned long long)built.manifest.stats.notes, (unsigned long long)data.tokens.size(),
                index->grams(), double(data.tokens.size()) * 2 / 1e6, fileMb);
    std::printf("  dataset build (2 threads) %.0f ms with the index, %.0f ms without; load %.0f ms; index build alone %.0f ms\n",
                buildMs, plainMs, loadMs, indexMs);
    std::printf("  open the stored index %.1f ms; build it on the fly (older dataset) %.0f ms\n", openMs, flyMs);

    // Queries on the tokenizer's grid: new pieces of 16 bars, and one with a planted copy.
    std::vector<pm::analysis::NoteSequence> queries;
    pm::test::SyntheticOptions o;
    o.minBars = o.maxBars = 16;
    o.allowThreeFour = false;
    for (std::uint64_t k = 0; k < 20; ++k)
        queries.push_back(pm::analysis::noteSequenceFromMidi(pm::test::toMidi(pm::test::syntheticPiece(5000000 + k, o)), *tokenizer));
    pm::analysis::NoteSequence planted = queries.back();
    const pm::analysis::NoteSequence source = pm::analysis::noteSequenceFromTokens(
        data.tokens.data() + data.pieces[0].firstToken, data.pieces[0].tokenCount, *tokenizer);
    if (source.bars() >= 10 && source.barStarts[1] - source.barStarts[0] == 96) {
        pm::test::plantBars(source, 1, 8, 3, planted, 4);
        queries.push_back(planted);
    }
    std::vector<double> times;
    std::size_t flagged = 0;
    for (const auto& q : queries) {
        for (int rep = 0; rep < 5; ++rep) {
            t0 = Clock::now();
            const pm::analysis::OriginalityResult r = stored.index->check(q, 0);
            times.push_back(msSince(t0));
            if (rep == 0 && pm::analysis::describeCopy(r)) ++flagged;
        }
    }
    std::sort(times.begin(), times.end());
    std::printf("  check() of %zu pieces of 16 bars (~%zu notes) x5: min %.3f ms, median %.3f ms, max %.3f ms; %zu flagged\n",
                queries.size(), queries.front().notes.size(), times.front(), times[times.size() / 2], times.back(), flagged);
    (void)fly;
    return 0;
}

// Every piece of the dataset against all the others (itself left out): which pieces copy another
// for 2 bars or more, and which the flag policy flags. On real music this lists the duplicates
// (two editions of a piece, a piece quoting another) and should list nothing else.
void crossCheck(const fs::path& datasetDir) {
    pm::dataset::DatasetContents data;
    if (!pm::dataset::loadDataset(datasetDir.string(), &data).empty()) return;
    pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, false);
    if (!opened.index) return;
    const pm::tok::Tokenizer tokenizer;
    std::size_t copies = 0, flagged = 0;
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < data.pieces.size(); ++i) {
        std::vector<bool> others(data.pieces.size(), true);
        others[i] = false;
        opened.index->setIncluded(others);
        const pm::analysis::OriginalityResult r = opened.index->check(
            pm::analysis::noteSequenceFromTokens(data.tokens.data() + data.pieces[i].firstToken, data.pieces[i].tokenCount, tokenizer));
        copies += r.longestCopy ? 1 : 0;
        if (const auto flag = pm::analysis::describeCopy(r)) {
            ++flagged;
            std::printf("    %s: %s (%zu notes)\n", fs::path(opened.index->source(i)).filename().string().c_str(), flag->c_str(),
                        r.longestCopy->notes);
        }
    }
    std::printf("  each piece against the others: %zu of %zu copy another for 2 bars or more, %zu flagged (%.0f ms in all)\n", copies,
                data.pieces.size(), flagged, msSince(t0));
}

}  // namespace

int main(int argc, char** argv) {
    const int pieces = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1000;
    const fs::path root = fs::temp_directory_path() / "pianomuse-bench-originality";
    fs::remove_all(root);
    fs::create_directories(root / "midi");
    for (int i = 0; i < pieces; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "piece-%04d.mid", i);
        if (!pm::midi::writeMidiFile(pm::test::toMidi(pm::test::syntheticPiece(std::uint64_t(i))), (root / "midi" / name).string()).ok()) {
            std::fprintf(stderr, "cannot write %s\n", name);
            return 1;
        }
    }
    if (int rc = measure("synthetic", {(root / "midi").string()}, root / "dataset"); rc) return rc;
    if (argc > 2) {
        const std::string folder = argv[2];
        // Notes per bar of the corpus, on the tokenizer's grid.
        const pm::tok::Tokenizer tokenizer;
        std::size_t notes = 0, bars = 0, files = 0;
        for (const auto& e : fs::recursive_directory_iterator(folder)) {
            const std::string ext = e.path().extension().string();
            if (ext != ".mid" && ext != ".midi") continue;
            const pm::analysis::MidiNoteSequence s = pm::analysis::noteSequenceFromMidiFile(e.path().string(), tokenizer);
            if (!s.sequence) continue;
            notes += s.sequence->notes.size();
            bars += s.sequence->bars();
            ++files;
        }
        std::printf("%s: %zu files, %zu notes in %zu bars: %.1f notes per bar\n", folder.c_str(), files, notes, bars,
                    bars ? double(notes) / double(bars) : 0.0);
        if (int rc = measure(folder, {folder}, root / "corpus"); rc) return rc;
        crossCheck(root / "corpus");
    }
    fs::remove_all(root);
    return 0;
}
