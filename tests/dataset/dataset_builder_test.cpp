// Building datasets: every file accounted for, duplicates found by content, deterministic
// splits by piece, extension that only processes new files, cancellation, bad inputs.
#include "dataset/dataset_builder.h"
#include "dataset/dataset_store.h"
#include "dataset/file_scanner.h"

#include "dataset_fixture.h"
#include "test_tokenizer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace {

using namespace pm;
using namespace pm::test;
using dataset::FileStatus;

dataset::BuildResult build(const std::vector<std::string>& inputs, const std::string& out, double val = 0.25,
                           std::uint64_t seed = 7, bool extend = false, int threads = 2) {
    dataset::BuildRequest req;
    req.inputs = inputs;
    req.outputDir = out;
    req.options.validationFraction = val;
    req.options.seed = seed;
    req.extendExisting = extend;
    req.threads = threads;
    return dataset::buildDataset(req, pitchTokenizer());
}

std::map<std::string, const dataset::FileReport*> byName(const dataset::Manifest& m) {
    std::map<std::string, const dataset::FileReport*> out;
    for (const auto& f : m.files) out[fs::path(f.path).filename().string()] = &f;
    return out;
}

TEST(FileScanner, FindsMidiExtensionsRecursivelyInAnyCase) {
    TempDir d;
    writePiece(d / "a.mid", 1);
    writePiece(d / "sub/b.MIDI", 2);
    writePiece(d / "sub/deeper/c.Kar", 3);
    writePiece(d / "sub/d.rmi", 4);
    writeBytes(d / "sub/notes.txt", "not music");
    writeBytes(d / "sub/e.mid.bak", "x");
    const auto scan = dataset::scanInputs({d.path().string()});
    std::set<std::string> names;
    for (const auto& f : scan.files) names.insert(fs::path(f.path).filename().string());
    EXPECT_EQ(names, (std::set<std::string>{"a.mid", "b.MIDI", "c.Kar", "d.rmi"}));
    EXPECT_TRUE(scan.problems.empty());
}

TEST(FileScanner, SymlinkLoopsEndAndMissingInputsAreReported) {
    TempDir d;
    writePiece(d / "music/a.mid", 1);
#ifdef _WIN32
    {   // The missing input is still checked; the symlink part needs symlinks.
        const auto missing = dataset::scanInputs({d / "nope.mid"});
        ASSERT_EQ(missing.problems.size(), 1u);
        EXPECT_EQ(missing.problems[0].reason, "does not exist");
    }
    std::error_code ec;
    fs::create_directory_symlink(d.path() / "music", d.path() / "music/loop", ec);
    // mingw's libstdc++ does not implement symlink creation on Windows; MSVC's needs Developer
    // Mode or an administrator.
    if (ec)
        GTEST_SKIP() << "cannot create a directory symlink on this Windows system (" << ec.message()
                     << "): the symlink-loop part is tested on Linux";
#else
    fs::create_directory_symlink(d.path() / "music", d.path() / "music/loop");
#endif
    fs::create_symlink(d.path() / "music/a.mid", d.path() / "music/alias.mid");
    const auto scan = dataset::scanInputs({(d.path() / "music").string(), d / "nope.mid"});
    ASSERT_EQ(scan.files.size(), 1u) << "the loop and the alias lead to the same single file";
    ASSERT_EQ(scan.problems.size(), 1u);
    EXPECT_EQ(scan.problems[0].reason, "does not exist");
}

TEST(DatasetBuilder, EveryFileIsAccountedFor) {
    TempDir d;
    writePiece(d / "in/one.mid", 1);
    writePiece(d / "in/two.mid", 2);
    writePiece(d / "in/three.mid", 3);
    writePiece(d / "in/one_copy.mid", 1);   // same bytes as one.mid; sorts after it, so it is the duplicate
    writeBytes(d / "in/broken.mid", "MThd\x00\x00\x00\x06garbage");
    writeBytes(d / "in/empty.mid", "");
    midi::MidiFile silent = makePiece(5);
    silent.tracks[0].notes.clear();
    ASSERT_TRUE(midi::writeMidiFile(silent, d / "in/silent.mid").ok());

    const auto r = build({d / "in", d / "missing-folder"}, d / "ds");
    ASSERT_TRUE(r.ok) << r.error;
    const auto files = byName(r.manifest);
    ASSERT_EQ(r.manifest.files.size(), 8u);
    EXPECT_EQ(files.at("one.mid")->status, FileStatus::Ok);
    EXPECT_EQ(files.at("two.mid")->status, FileStatus::Ok);
    EXPECT_EQ(files.at("one_copy.mid")->status, FileStatus::Duplicate);
    // The reason names the first file by its manifest path (native separators: not "/one.mid").
    EXPECT_NE(files.at("one_copy.mid")->reason.find(files.at("one.mid")->path), std::string::npos)
        << files.at("one_copy.mid")->reason;
    EXPECT_EQ(files.at("broken.mid")->status, FileStatus::Rejected);
    EXPECT_FALSE(files.at("broken.mid")->reason.empty());
    EXPECT_EQ(files.at("empty.mid")->status, FileStatus::Rejected);
    EXPECT_EQ(files.at("silent.mid")->status, FileStatus::Rejected);
    EXPECT_EQ(files.at("silent.mid")->reason, "no piano notes");
    EXPECT_EQ(files.at("missing-folder")->status, FileStatus::Rejected);
    EXPECT_EQ(r.manifest.stats.pieces, 3u);
    EXPECT_EQ(r.manifest.stats.duplicates, 1u);
    EXPECT_EQ(r.manifest.stats.rejected, 4u);
    EXPECT_EQ(r.manifest.stats.notes, 3u * 16);

    dataset::DatasetContents c;
    ASSERT_EQ(dataset::loadDataset(d / "ds", &c), "");
    ASSERT_EQ(c.pieces.size(), 3u);
    // Each piece's tokens are what the tokenizer produced for it: 4 bars + 16 notes.
    for (const auto& p : c.pieces) {
        EXPECT_EQ(p.tokenCount, 20u);
        ASSERT_EQ(p.barCount, 4u);
        for (std::uint32_t b = 0; b < p.barCount; ++b) EXPECT_EQ(c.tokens[p.firstToken + c.barOffsets[p.barOffsetStart + b]], 1);
    }
}

TEST(DatasetBuilder, SplitIsByPieceDeterministicAndIndependentOfThreadsAndOrder) {
    TempDir d;
    for (int i = 0; i < 12; ++i) writePiece(d / ("in/p" + std::to_string(i) + ".mid"), i);
    const auto a = build({d / "in"}, d / "a", 0.25, 42, false, 1);
    const auto b = build({d / "in"}, d / "b", 0.25, 42, false, 2);
    ASSERT_TRUE(a.ok && b.ok);
    std::map<std::string, dataset::Split> sa, sb;
    for (const auto& f : a.manifest.files) sa[f.path] = f.split;
    for (const auto& f : b.manifest.files) sb[f.path] = f.split;
    EXPECT_EQ(sa, sb);
    EXPECT_EQ(a.manifest.stats.validationPieces, 3u);
    EXPECT_EQ(a.manifest.stats.trainPieces, 9u);
    const auto c = build({d / "in"}, d / "c", 0.25, 43);
    std::map<std::string, dataset::Split> sc;
    for (const auto& f : c.manifest.files) sc[f.path] = f.split;
    EXPECT_NE(sa, sc) << "another seed should choose other validation pieces (12 choose 3 ways)";
}

TEST(Split, AtLeastOneValidationPieceFromTwoPieces) {
    using dataset::SplitInput;
    const auto two = dataset::assignSplits({{{1, 2}, false}, {{3, 4}, false}}, 0.0, 1);
    EXPECT_EQ(std::count(two.begin(), two.end(), dataset::Split::Validation), 1);
    const auto one = dataset::assignSplits({{{1, 2}, false}}, 0.5, 1);
    EXPECT_EQ(one[0], dataset::Split::Train) << "a single piece must stay trainable";
    const auto all = dataset::assignSplits({{{1, 2}, false}, {{3, 4}, false}, {{5, 6}, false}}, 1.0, 1);
    EXPECT_EQ(std::count(all.begin(), all.end(), dataset::Split::Train), 1) << "something must remain to train on";
    // Reordering the input permutes the output the same way.
    const auto fwd = dataset::assignSplits({{{1, 1}, false}, {{2, 2}, false}, {{3, 3}, false}, {{4, 4}, false}}, 0.5, 9);
    const auto rev = dataset::assignSplits({{{4, 4}, false}, {{3, 3}, false}, {{2, 2}, false}, {{1, 1}, false}}, 0.5, 9);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(fwd[size_t(i)], rev[size_t(3 - i)]);
}

TEST(DatasetBuilder, HeldOutPiecesGoToValidation) {
    TempDir d;
    for (int i = 0; i < 6; ++i) writePiece(d / ("in/p" + std::to_string(i) + ".mid"), i);
    dataset::BuildRequest req;
    req.inputs = {d / "in"};
    req.outputDir = d / "ds";
    req.options.validationFraction = 0.0;
    req.options.heldOut = {d / "in/p3.mid"};
    const auto r = dataset::buildDataset(req, pitchTokenizer());
    ASSERT_TRUE(r.ok) << r.error;
    for (const auto& f : r.manifest.files)
        EXPECT_EQ(f.split == dataset::Split::Validation, fs::path(f.path).filename() == "p3.mid") << f.path;
}

TEST(DatasetBuilder, AddingProcessesOnlyNewFilesAndKeepsSplits) {
    TempDir d;
    for (int i = 0; i < 5; ++i) writePiece(d / ("first/p" + std::to_string(i) + ".mid"), i);
    const auto first = build({d / "first"}, d / "ds");
    ASSERT_TRUE(first.ok) << first.error;
    for (int i = 5; i < 8; ++i) writePiece(d / ("second/p" + std::to_string(i) + ".mid"), i);
    writePiece(d / "second/again.mid", 0);   // content already in the dataset
    const auto second = build({d / "second"}, d / "ds", 0.25, 7, true);
    ASSERT_TRUE(second.ok) << second.error;
    EXPECT_EQ(second.manifest.stats.pieces, 8u);
    const auto files = byName(second.manifest);
    EXPECT_EQ(files.at("again.mid")->status, FileStatus::Duplicate);
    EXPECT_NE(files.at("again.mid")->reason.find("already in the dataset"), std::string::npos);
    for (const auto& f : first.manifest.files) {
        const auto* now = files.at(fs::path(f.path).filename().string());
        EXPECT_EQ(now->split, f.split) << f.path;
        EXPECT_EQ(now->piece, f.piece) << f.path;
    }
    dataset::DatasetContents c;
    ASSERT_EQ(dataset::loadDataset(d / "ds", &c), "");
    EXPECT_EQ(c.pieces.size(), 8u);
}

TEST(DatasetBuilder, AddingWithAnotherTokenizerIsRefused) {
    TempDir d;
    writePiece(d / "in/a.mid", 1);
    writePiece(d / "in/b.mid", 2);
    ASSERT_TRUE(build({d / "in"}, d / "ds").ok);
    auto other = pitchTokenizer();
    other.config["version"] = 2;
    dataset::BuildRequest req;
    req.inputs = {d / "in"};
    req.outputDir = d / "ds";
    req.extendExisting = true;
    const auto r = dataset::buildDataset(req, other);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("different tokenizer"), std::string::npos) << r.error;
}

TEST(DatasetBuilder, CancelStopsQuicklyAndLeavesTheOldDataset) {
    TempDir d;
    writePiece(d / "old/a.mid", 1);
    writePiece(d / "old/b.mid", 2);
    ASSERT_TRUE(build({d / "old"}, d / "ds").ok);
    dataset::Manifest before;
    ASSERT_EQ(dataset::loadManifest(d / "ds", &before), "");
    for (int i = 0; i < 40; ++i) writePiece(d / ("new/p" + std::to_string(i) + ".mid"), i);

    std::atomic<bool> cancel{false};
    dataset::BuildRequest req;
    req.inputs = {d / "new"};
    req.outputDir = d / "ds";
    const auto slow = pitchTokenizer(100);   // 40 files × 100 ms = 4 s (2 s on 2 threads) if not cancelled
    const auto start = std::chrono::steady_clock::now();
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        cancel = true;
    });
    const auto r = dataset::buildDataset(req, slow, {}, &cancel);
    canceller.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(r.cancelled);
    EXPECT_LT(seconds, 1.3);
    dataset::DatasetContents after;
    ASSERT_EQ(dataset::loadDataset(d / "ds", &after), "");
    EXPECT_EQ(after.manifest.created, before.created);
    EXPECT_EQ(after.pieces.size(), 2u);
    // No half-written generation is left behind.
    int generations = 0;
    for (const auto& e : fs::directory_iterator(d.path() / "ds")) generations += e.path().filename().string().rfind("gen-", 0) == 0;
    EXPECT_EQ(generations, 1);
}

TEST(DatasetBuilder, NothingUsableIsAnErrorWithAReport) {
    TempDir d;
    writeBytes(d / "in/a.mid", "nope");
    const auto r = build({d / "in"}, d / "ds");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("could be used"), std::string::npos);
    ASSERT_EQ(r.manifest.files.size(), 1u);
    EXPECT_FALSE(dataset::looksLikeDataset(d / "ds"));
}

TEST(DatasetBuilder, RefusesToWriteIntoAnUnrelatedFolder) {
    TempDir d;
    writePiece(d / "in/a.mid", 1);
    writeBytes(d / "precious/thesis.txt", "do not touch");
    const auto r = build({d / "in"}, d / "precious");
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("not empty"), std::string::npos) << r.error;
    EXPECT_TRUE(fs::exists(d / "precious/thesis.txt"));
}

}  // namespace
