// The copy index a dataset stores (gen-N/ngrams.bin): written by every save, used when it belongs
// to the tokens, rebuilt in memory (with a note) when it is missing, damaged or stale, complete
// again after `dataset add`, absent for a tokenizer this build cannot read.
#include "dataset/copy_index.h"

#include "analysis/note_sequence_from_tokens.h"
#include "dataset/dataset_builder.h"
#include "dataset/dataset_store.h"
#include "dataset/piece_tokenizer.h"
#include "midi/midi_writer.h"
#include "synthetic_pieces.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace {

namespace fs = std::filesystem;
using pm::analysis::OriginalityResult;

class CopyIndexTest : public ::testing::Test {
protected:
    fs::path dir;
    pm::tok::Tokenizer tokenizer;

    void SetUp() override {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("pm-copyindex-" + std::to_string(rd()) + std::to_string(rd()));
        for (std::uint64_t seed = 0; seed < 12; ++seed) write(seed, "midi");
        ASSERT_EQ(build({(dir / "midi").string()}, "ds", false), "");
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string fileOf(std::uint64_t seed, const std::string& folder) const {
        return (dir / folder / ("piece-" + std::to_string(seed) + ".mid")).string();
    }
    void write(std::uint64_t seed, const std::string& folder) {
        fs::create_directories(dir / folder);
        ASSERT_TRUE(pm::midi::writeMidiFile(pm::test::toMidi(pm::test::syntheticPiece(seed)), fileOf(seed, folder)).ok());
    }
    std::string build(const std::vector<std::string>& inputs, const std::string& out, bool extend) {
        pm::dataset::BuildRequest req;
        req.inputs = inputs;
        req.outputDir = (dir / out).string();
        req.options.validationFraction = 0.25;
        req.extendExisting = extend;
        req.threads = 1;
        const auto r = pm::dataset::buildDataset(req, pm::dataset::makePieceTokenizer(std::make_shared<pm::tok::Tokenizer>()));
        return r.ok ? std::string() : r.error;
    }
    pm::dataset::DatasetContents load(const std::string& name = "ds") {
        pm::dataset::DatasetContents data;
        EXPECT_EQ(pm::dataset::loadDataset((dir / name).string(), &data), "");
        return data;
    }
    // A copy of the piece of `seed`, read back through the tokenizer like any MIDI file.
    pm::analysis::NoteSequence query(std::uint64_t seed) const {
        return pm::analysis::noteSequenceFromMidi(pm::test::toMidi(pm::test::syntheticPiece(seed)), tokenizer);
    }
    static std::int64_t pieceOfFile(const pm::dataset::DatasetContents& data, const std::string& path) {
        for (const auto& f : data.manifest.files)
            if (fs::path(f.path).filename() == fs::path(path).filename()) return f.piece;
        return -1;
    }
    static std::string pathOfPiece(const pm::dataset::DatasetContents& data, std::size_t piece) {
        for (const auto& f : data.manifest.files)
            if (f.piece == std::int64_t(piece)) return f.path;
        return {};
    }
    // The whole piece of `seed` is found in the index, named by its manifest path.
    void expectWholeCopy(const pm::dataset::CopyIndexOpened& opened, const pm::dataset::DatasetContents& data, std::uint64_t seed) {
        ASSERT_TRUE(opened.index) << opened.error;
        const pm::analysis::NoteSequence q = query(seed);
        const OriginalityResult r = opened.index->check(q);
        ASSERT_TRUE(r.longestCopy) << seed;
        const std::int64_t piece = pieceOfFile(data, fileOf(seed, "midi"));
        ASSERT_GE(piece, 0);
        EXPECT_EQ(r.longestCopy->sourcePiece, std::size_t(piece));
        EXPECT_EQ(r.longestCopy->source, pathOfPiece(data, std::size_t(piece)));
        EXPECT_EQ(r.longestCopy->notes, q.notes.size());
        EXPECT_EQ(std::size_t(r.longestCopy->fileBarLast), q.bars());
        EXPECT_EQ(r.longestCopy->transposition, 0);
    }
};

TEST_F(CopyIndexTest, EverySaveStoresTheIndexAndItIsUsed) {
    const pm::dataset::DatasetContents data = load();
    const fs::path file = fs::path(data.generationDir) / pm::dataset::kCopyIndexFile;
    ASSERT_TRUE(fs::exists(file));
    const pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, false);
    EXPECT_TRUE(opened.stored);
    EXPECT_EQ(opened.note, "");
    EXPECT_EQ(opened.index->pieces(), data.pieces.size());
    EXPECT_EQ(opened.index->includedPieces(), data.pieces.size());
    expectWholeCopy(opened, data, 5);
    // What was stored is what the tokens give now, byte for byte.
    std::ifstream in(file, std::ios::binary);
    const std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(pm::dataset::buildCopyIndex(data)->encode(data.manifest.tokensChecksum), stored);
}

TEST_F(CopyIndexTest, TrainingOnlyLeavesTheValidationPiecesOut) {
    const pm::dataset::DatasetContents data = load();
    const pm::dataset::CopyIndexOpened all = pm::dataset::openCopyIndex(data, false), train = pm::dataset::openCopyIndex(data, true);
    std::size_t validation = 0;
    for (const auto& p : data.pieces) validation += p.split == pm::dataset::Split::Validation;
    ASSERT_GT(validation, 0u);
    EXPECT_EQ(train.index->includedPieces(), data.pieces.size() - validation);
    for (std::uint64_t seed = 0; seed < 12; ++seed) {
        const std::int64_t piece = pieceOfFile(data, fileOf(seed, "midi"));
        if (data.pieces[std::size_t(piece)].split != pm::dataset::Split::Validation) continue;
        const pm::analysis::NoteSequence q = query(seed);
        EXPECT_EQ(all.index->check(q).longestCopy->sourcePiece, std::size_t(piece));
        const OriginalityResult r = train.index->check(q);
        EXPECT_FALSE(r.longestCopy && r.longestCopy->notes == q.notes.size()) << seed;
    }
}

TEST_F(CopyIndexTest, AnOlderDatasetWithoutTheFileGetsItBuiltInMemoryAndSaysSo) {
    pm::dataset::DatasetContents data = load();
    fs::remove(fs::path(data.generationDir) / pm::dataset::kCopyIndexFile);
    data = load();   // still loads
    const pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, false);
    EXPECT_FALSE(opened.stored);
    EXPECT_NE(opened.note.find("no copy index"), std::string::npos) << opened.note;
    EXPECT_NE(opened.note.find("built it in memory"), std::string::npos) << opened.note;
    EXPECT_EQ(opened.note.find('\n'), std::string::npos);
    expectWholeCopy(opened, data, 7);
}

TEST_F(CopyIndexTest, ADamagedOrForeignFileIsRebuiltNeverTrusted) {
    const pm::dataset::DatasetContents data = load();
    const fs::path file = fs::path(data.generationDir) / pm::dataset::kCopyIndexFile;
    std::ifstream in(file, std::ios::binary);
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const auto withFile = [&](const std::string& bytes) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
        return pm::dataset::openCopyIndex(data, false);
    };
    std::string flipped = good;
    flipped[good.size() / 2] = char(flipped[good.size() / 2] ^ 0x10);
    // Larger than any index of these tokens could be: not even read.
    const std::string huge(32 * data.tokens.size() + (1u << 20) + 8, '\0');
    for (const std::string& bad : {std::string("garbage"), good.substr(0, good.size() / 2), flipped, std::string(), huge}) {
        const pm::dataset::CopyIndexOpened opened = withFile(bad);
        EXPECT_FALSE(opened.stored);
        EXPECT_NE(opened.note.find("cannot be used"), std::string::npos) << opened.note;
        expectWholeCopy(opened, data, 2);
    }
    EXPECT_NE(withFile(huge).note.find("implausibly large"), std::string::npos);
    // A valid index of other tokens (another dataset's), left here: stale, so rebuilt.
    ASSERT_EQ(build({fileOf(0, "midi"), fileOf(1, "midi")}, "other", false), "");
    const pm::dataset::DatasetContents other = load("other");
    std::ifstream otherIn(fs::path(other.generationDir) / pm::dataset::kCopyIndexFile, std::ios::binary);
    const std::string foreign((std::istreambuf_iterator<char>(otherIn)), std::istreambuf_iterator<char>());
    const pm::dataset::CopyIndexOpened opened = withFile(foreign);
    EXPECT_FALSE(opened.stored);
    EXPECT_NE(opened.note.find("other tokens"), std::string::npos) << opened.note;
    expectWholeCopy(opened, data, 9);
}

TEST_F(CopyIndexTest, ExtendingTheDatasetKeepsTheIndexComplete) {
    for (std::uint64_t seed = 100; seed < 103; ++seed) write(seed, "more");
    ASSERT_EQ(build({(dir / "more").string()}, "ds", true), "");
    const pm::dataset::DatasetContents data = load();
    ASSERT_EQ(data.pieces.size(), 15u);
    const pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, false);
    EXPECT_TRUE(opened.stored) << opened.note;
    EXPECT_EQ(opened.index->pieces(), 15u);
    // A new piece and an old one, by their own paths.
    const OriginalityResult r = opened.index->check(query(101));
    ASSERT_TRUE(r.longestCopy);
    EXPECT_EQ(fs::path(r.longestCopy->source).filename(), "piece-101.mid");
    EXPECT_NE(r.longestCopy->source.find("more"), std::string::npos);
    expectWholeCopy(opened, data, 4);
}

TEST_F(CopyIndexTest, ADatasetOfATokenizerThisBuildCannotReadHasNoIndex) {
    // The dataset tests' stand-in tokenizer: one token per note, a config no real tokenizer reads.
    pm::dataset::PieceTokenizer fake;
    fake.config = {{"format", "test-tokenizer"}};
    fake.vocabSize = 128;
    fake.encode = [](const pm::midi::MidiFile& f) {
        pm::dataset::EncodedPiece p;
        for (const auto& t : f.tracks)
            for (const auto& n : t.notes) p.tokens.push_back(n.pitch);
        p.barOffsets = {0};
        p.notes = p.tokens.size();
        return p;
    };
    pm::dataset::BuildRequest req;
    req.inputs = {(dir / "midi").string()};
    req.outputDir = (dir / "fake").string();
    ASSERT_TRUE(pm::dataset::buildDataset(req, fake).ok);
    const pm::dataset::DatasetContents data = load("fake");
    EXPECT_FALSE(fs::exists(fs::path(data.generationDir) / pm::dataset::kCopyIndexFile));
    const pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, false);
    EXPECT_FALSE(opened.index);
    EXPECT_NE(opened.error.find("tokenizer"), std::string::npos) << opened.error;
}

}  // namespace
