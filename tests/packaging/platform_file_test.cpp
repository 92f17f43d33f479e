// The platform shim (engine/core/platform_file.h) and the torch-free core's file I/O through
// folders and file names that are not ASCII. Torch-free, so packaging/windows/core also builds
// it with mingw-w64 and runs it under wine: there it exercises the Windows branches (_commit,
// _getpid, MoveFileExW replace) and the UTF-8 code page from packaging/windows/pianomuse.manifest.
#include "checkpoint/byte_source.h"
#include "checkpoint/safetensors.h"
#include "core/platform_file.h"
#include "dataset/atomic_file.h"
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef PIANOMUSE_TEST_DATA_DIR
#error "PIANOMUSE_TEST_DATA_DIR must point at tests/data"
#endif

namespace fs = std::filesystem;

namespace {

// "Übung für Klavier ♪ 練習曲" (German, a symbol, Japanese) in UTF-8.
const std::string kName = "\xC3\x9C" "bung f\xC3\xBCr Klavier \xE2\x99\xAA \xE7\xB7\xB4\xE7\xBF\x92\xE6\x9B\xB2";

class PlatformFile : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / fs::u8path("pm-platform-" + std::string(info->name()) + " " + kName);
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::string path(const std::string& file) const { return (dir_ / fs::u8path(file)).u8string(); }
    static std::string slurp(const std::string& p) {
        std::ifstream in(fs::u8path(p), std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    fs::path dir_;
};

TEST(PlatformShim, ProcessIdIsPositive) { EXPECT_GT(pm::platform::processId(), 0); }

TEST_F(PlatformFile, SyncFileToDiskFlushesWhatWasWritten) {
    const std::string p = path(kName + ".bin");
    std::FILE* f = std::fopen(p.c_str(), "wb");
    ASSERT_NE(f, nullptr) << "fopen of a UTF-8 path failed";
    ASSERT_EQ(std::fwrite("abc", 1, 3, f), 3u);
    EXPECT_TRUE(pm::platform::syncFileToDisk(f));
    EXPECT_EQ(slurp(p), "abc");   // visible through another handle before fclose
    std::fclose(f);
    pm::platform::syncDirectory(dir_.u8string());   // must not fail or throw anywhere
}

TEST_F(PlatformFile, ReplaceFileOverwritesAnExistingTarget) {
    const std::string from = path("new " + kName);
    const std::string to = path("old " + kName);
    std::ofstream(fs::u8path(from), std::ios::binary) << "new";
    std::ofstream(fs::u8path(to), std::ios::binary) << "old";
    EXPECT_EQ(pm::platform::replaceFile(from, to), "");
    EXPECT_EQ(slurp(to), "new");
    EXPECT_FALSE(fs::exists(fs::u8path(from)));
    EXPECT_NE(pm::platform::replaceFile(path("missing"), to), "");
}

TEST_F(PlatformFile, AtomicWriteAndMidiRoundTripThroughANonAsciiPath) {
    const std::string source = std::string(PIANOMUSE_TEST_DATA_DIR) + "/../../resources/demo/SatieE__gymnopedie_1.mid";
    const std::string bytes = slurp(source);
    ASSERT_GT(bytes.size(), 100u) << source;

    const std::string copy = path(kName + ".mid");
    ASSERT_EQ(pm::dataset::writeFileAtomically(copy, bytes), "");
    ASSERT_EQ(pm::dataset::writeFileAtomically(copy, bytes), "");   // replacing an existing file
    auto read = pm::midi::readMidiFile(copy);
    ASSERT_TRUE(read.ok()) << read.error().toString();
    EXPECT_GT(read.value().noteCount(), 100u);

    const std::string written = path("out " + kName + ".mid");
    auto wrote = pm::midi::writeMidiFile(read.value(), written);
    ASSERT_TRUE(wrote.ok()) << wrote.error().toString();
    auto again = pm::midi::readMidiFile(written);
    ASSERT_TRUE(again.ok()) << again.error().toString();
    EXPECT_EQ(again.value().noteCount(), read.value().noteCount());
}

TEST_F(PlatformFile, SafetensorsWriteReplaceAndReadThroughANonAsciiPath) {
    const std::string p = path(kName + ".safetensors");
    const std::vector<float> a{1, 2, 3, 4};
    const std::vector<float> b{5, 6};
    pm::formats::writeSafetensorsFile(p, {{"a", pm::formats::DType::F32, {2, 2}, a.data()}}, {});
    pm::formats::writeSafetensorsFile(p, {{"b", pm::formats::DType::F32, {2}, b.data()}}, {{"k", "v"}});
    const pm::formats::FileSource src(p);
    const auto index = pm::formats::readSafetensorsIndex(src);
    ASSERT_EQ(index.tensors.size(), 1u);
    EXPECT_EQ(index.metadata.at("k"), "v");
    for (const auto& entry : fs::directory_iterator(dir_))   // no temporary left behind
        EXPECT_EQ(entry.path().extension().u8string(), ".safetensors") << entry.path().u8string();
}

}  // namespace
