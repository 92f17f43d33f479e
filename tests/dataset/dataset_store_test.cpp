// The dataset directory: loads what was saved, says what is wrong with damaged or foreign
// folders, and survives a kill or a full disk during a save.
#include "dataset/content_hash.h"
#include "dataset/dataset_store.h"

#include "../support/run_process.h"
#include "dataset_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <thread>

namespace {

using namespace pm;
using namespace pm::test;

dataset::DatasetContents smallDataset(std::uint16_t fill = 5) {
    dataset::DatasetContents c;
    c.manifest.tokenizer = {{"name", "t"}, {"version", 3}};
    c.manifest.vocabSize = 10;
    c.tokens = {fill, 1, 2, 3, fill, 1, 2};
    c.pieces = {{0, 4, 2, 0, dataset::Split::Train}, {4, 3, 1, 2, dataset::Split::Validation}};
    c.barOffsets = {0, 2, 0};
    c.manifest.stats.pieces = 2;
    return c;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void overwrite(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

TEST(DatasetStore, RoundTrip) {
    TempDir d;
    auto c = smallDataset();
    ASSERT_EQ(dataset::saveDataset(d / "ds", c), "");
    dataset::DatasetContents back;
    ASSERT_EQ(dataset::loadDataset(d / "ds", &back), "");
    EXPECT_EQ(back.tokens, c.tokens);
    EXPECT_EQ(back.barOffsets, c.barOffsets);
    ASSERT_EQ(back.pieces.size(), 2u);
    EXPECT_EQ(back.pieces[1].split, dataset::Split::Validation);
    EXPECT_EQ(back.manifest.tokenizer, c.manifest.tokenizer);
    // The token file is plain little-endian u16 after a 24-byte header (memory-mappable).
    const std::string raw = slurp(back.generationDir + "/tokens.bin");
    ASSERT_EQ(raw.size(), 24u + 2 * 7);
    EXPECT_EQ(raw.substr(0, 8), "PMTOKENS");
    EXPECT_EQ(std::uint8_t(raw[24]), 5);
    EXPECT_EQ(std::uint8_t(raw[25]), 0);
}

TEST(DatasetStore, SavedFilesAreTheFormatsBytesWithTheirChecksum) {
    // A save writes tokens.bin from the token memory and hashes it in two parts (header, body):
    // the file must still be the format's bytes, built here by hand, and the manifest's checksum
    // the hash of the whole file. Tokens above 255 show the byte order. The generation holds the
    // three files and nothing else (no temporaries left behind).
    TempDir d;
    auto c = smallDataset();
    c.manifest.vocabSize = 65536;
    c.tokens = {0x1234, 1, 0xfffe, 3, 0x0100, 1, 2};
    ASSERT_EQ(dataset::saveDataset(d / "ds", c), "");
    std::string expected = "PMTOKENS";
    const auto le = [&expected](std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) expected.push_back(char((v >> (8 * i)) & 0xff));
    };
    le(1, 4);   // binary version
    le(2, 4);   // bytes per token
    le(c.tokens.size(), 8);
    for (std::uint16_t t : c.tokens) le(t, 2);
    const std::string raw = slurp(c.generationDir + "/tokens.bin");
    EXPECT_EQ(raw, expected);
    EXPECT_EQ(raw, dataset::encodeTokensFile(c.tokens));
    const auto manifest = nlohmann::json::parse(slurp(c.generationDir + "/manifest.json"));
    EXPECT_EQ(manifest.at("tokens_checksum").get<std::string>(),
              dataset::hashBytes(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()).hex());
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(c.generationDir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"manifest.json", "pieces.bin", "tokens.bin"}));
    dataset::DatasetContents back;
    ASSERT_EQ(dataset::loadDataset(d / "ds", &back), "");
    EXPECT_EQ(back.tokens, c.tokens);
}

TEST(DatasetStore, AFirstSaveKilledMidwayDoesNotBlockTheNext) {
    // What a first save killed before its switch leaves: a partial generation and dataset.json's
    // temporary. That folder is ours, not "an unrelated non-empty folder", and the next save
    // cleans it up.
    TempDir d;
    fs::create_directories(d.path() / "ds" / "gen-000001");
    overwrite(d / "ds/gen-000001/tokens.bin", "PMTOK");
    overwrite(d / "ds/dataset.json.tmp", "{\"format\": \"pianomu");
    auto c = smallDataset();
    ASSERT_EQ(dataset::saveDataset(d / "ds", c), "");
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(d.path() / "ds")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"dataset.json", "gen-000002"}));
    dataset::DatasetContents back;
    EXPECT_EQ(dataset::loadDataset(d / "ds", &back), "");
}

TEST(ContentHash, FirstLaneIsFnv1a64AndPartsHashLikeTheWhole) {
    // Lane a is the standard 64-bit FNV-1a: the published test vectors are the reference.
    const auto hash = [](const std::string& s) { return dataset::hashBytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
    EXPECT_EQ(hash("").a, 0xcbf29ce484222325ull);
    EXPECT_EQ(hash("a").a, 0xaf63dc4c8601ec8cull);
    EXPECT_EQ(hash("foobar").a, 0x85944171f73967e8ull);
    // Both lanes over any split of the bytes equal the one-buffer hash.
    std::string bytes(1000, '\0');
    std::uint32_t x = 12345;
    for (char& ch : bytes) ch = char((x = x * 1664525u + 1013904223u) >> 24);
    const dataset::ContentHash whole = hash(bytes);
    for (std::size_t cut : {std::size_t(0), std::size_t(1), std::size_t(24), std::size_t(999), std::size_t(1000)}) {
        dataset::ContentHasher h(bytes.size());
        h.update(reinterpret_cast<const std::uint8_t*>(bytes.data()), cut);
        h.update(reinterpret_cast<const std::uint8_t*>(bytes.data()) + cut, bytes.size() - cut);
        EXPECT_EQ(h.digest(), whole) << "cut at " << cut;
    }
    EXPECT_FALSE(hash(bytes.substr(1)) == whole);
}

TEST(DatasetStore, ResavingReplacesAndCleansUp) {
    TempDir d;
    auto a = smallDataset(5);
    auto b = smallDataset(6);
    ASSERT_EQ(dataset::saveDataset(d / "ds", a), "");
    ASSERT_EQ(dataset::saveDataset(d / "ds", b), "");
    dataset::DatasetContents back;
    ASSERT_EQ(dataset::loadDataset(d / "ds", &back), "");
    EXPECT_EQ(back.tokens[0], 6);
    int generations = 0;
    for (const auto& e : fs::directory_iterator(d.path() / "ds")) generations += e.path().filename().string().rfind("gen-", 0) == 0;
    EXPECT_EQ(generations, 1);
}

TEST(DatasetStore, ClearMessagesForDamagedOrForeignFolders) {
    TempDir d;
    dataset::DatasetContents out;
    EXPECT_NE(dataset::loadDataset(d / "nowhere", &out).find("no dataset"), std::string::npos);
    fs::create_directories(d.path() / "foreign");
    EXPECT_NE(dataset::loadDataset(d / "foreign", &out).find("not a PianoMuse dataset"), std::string::npos);

    auto c = smallDataset();
    ASSERT_EQ(dataset::saveDataset(d / "ds", c), "");
    const std::string pointer = d / "ds/dataset.json";
    const std::string good = slurp(pointer);

    overwrite(pointer, "{\"format\":\"pianomuse-dataset\",\"format_version\":99,\"generation\":\"gen-000001\"}");
    std::string err = dataset::loadDataset(d / "ds", &out);
    EXPECT_NE(err.find("version 99 is not supported"), std::string::npos) << err;
    EXPECT_NE(err.find("rebuild"), std::string::npos) << err;

    overwrite(pointer, "{\"format\":\"pianomuse-dataset\",\"format_version\":1,\"generation\":\"../../etc\"}");
    EXPECT_NE(dataset::loadDataset(d / "ds", &out).find("invalid generation"), std::string::npos);

    overwrite(pointer, "{not json");
    EXPECT_NE(dataset::loadDataset(d / "ds", &out).find("damaged"), std::string::npos);
    overwrite(pointer, good);
    ASSERT_EQ(dataset::loadDataset(d / "ds", &out), "");

    const std::string tokens = c.generationDir + "/tokens.bin";
    const std::string tokenBytes = slurp(tokens);
    overwrite(tokens, tokenBytes.substr(0, tokenBytes.size() - 2));
    EXPECT_NE(dataset::loadDataset(d / "ds", &out).find("does not match its manifest"), std::string::npos);
    std::string flipped = tokenBytes;
    flipped[26] = char(9);
    overwrite(tokens, flipped);
    EXPECT_NE(dataset::loadDataset(d / "ds", &out).find("does not match"), std::string::npos);
    fs::remove(tokens);
    EXPECT_NE(dataset::loadDataset(d / "ds", &out).find("missing"), std::string::npos);
}

TEST(DatasetFormat, DecodersRejectInconsistentIndexes) {
    std::vector<std::uint16_t> tokens;
    EXPECT_NE(dataset::decodeTokensFile("PMTOKENS", &tokens), "");
    std::string hugeCount = dataset::encodeTokensFile({1, 2, 3});
    hugeCount[23] = char(0x7f);   // declares ~9e18 tokens: must not allocate
    EXPECT_NE(dataset::decodeTokensFile(hugeCount, &tokens).find("truncated"), std::string::npos);

    std::vector<dataset::PieceEntry> pieces;
    std::vector<std::uint32_t> bars;
    const std::string ok = dataset::encodePiecesFile({{0, 3, 1, 0, dataset::Split::Train}}, {0});
    EXPECT_EQ(dataset::decodePiecesFile(ok, 3, &pieces, &bars), "");
    EXPECT_NE(dataset::decodePiecesFile(ok, 4, &pieces, &bars), "") << "pieces must cover the tokens exactly";
    const std::string gap = dataset::encodePiecesFile({{1, 2, 0, 0, dataset::Split::Train}}, {});
    EXPECT_NE(dataset::decodePiecesFile(gap, 3, &pieces, &bars), "");
    const std::string badBar = dataset::encodePiecesFile({{0, 3, 1, 0, dataset::Split::Train}}, {3});
    EXPECT_NE(dataset::decodePiecesFile(badBar, 3, &pieces, &bars), "");
}

TEST(DatasetStore, TokensOutsideTheVocabularyAreCaught) {
    TempDir d;
    auto c = smallDataset();
    c.manifest.vocabSize = 4;   // tokens go up to 5
    ASSERT_EQ(dataset::saveDataset(d / "ds", c), "");
    dataset::DatasetContents out;
    EXPECT_NE(dataset::loadDataset(d / "ds", &out).find("outside the vocabulary"), std::string::npos);
}

// Kill the saving process at arbitrary moments: the dataset on disk is always one whole
// generation (all tokens of one value), never a mix and never unloadable.
TEST(DatasetStore, KillDuringSaveLeavesTheLastCompleteDataset) {
    TempDir d;
    const std::string dir = d / "ds";
    for (int round = 0; round < 6; ++round) {
        const pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            execl(PIANOMUSE_DATASET_VICTIM, PIANOMUSE_DATASET_VICTIM, "loop", dir.c_str(), nullptr);
            _exit(127);
        }
        // Let it save at least once the first time, then kill at varying points of a save.
        std::this_thread::sleep_for(std::chrono::milliseconds(round == 0 ? 600 : 37 * round + 5));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        dataset::DatasetContents out;
        const std::string err = dataset::loadDataset(dir, &out);
        ASSERT_EQ(err, "") << "round " << round;
        ASSERT_FALSE(out.tokens.empty());
        const std::uint16_t first = out.tokens.front();
        EXPECT_TRUE(std::all_of(out.tokens.begin(), out.tokens.end(), [first](std::uint16_t t) { return t == first; }));
        EXPECT_EQ(out.manifest.created, "generation-" + std::to_string(first)) << "manifest and tokens from one generation";
    }
}

TEST(DatasetStore, FullDiskKeepsTheOldDataset) {
    TempDir d;
    const std::string dir = d / "ds";
    auto c = smallDataset();
    ASSERT_EQ(dataset::saveDataset(dir, c), "");
    // 1 MB is far less than the 4 MiB token file the victim writes.
    const auto r = runProcess(PIANOMUSE_DATASET_VICTIM, {"limited", dir, "1000000"});
    EXPECT_EQ(r.exitCode, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("tokens.bin"), std::string::npos) << r.out;
    dataset::DatasetContents out;
    ASSERT_EQ(dataset::loadDataset(dir, &out), "");
    EXPECT_EQ(out.tokens, c.tokens);
    int generations = 0;
    for (const auto& e : fs::directory_iterator(dir)) generations += e.path().filename().string().rfind("gen-", 0) == 0;
    EXPECT_EQ(generations, 1) << "the failed generation is cleaned up";
}

}  // namespace
