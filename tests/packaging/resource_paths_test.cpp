// findResourceDirFrom: the installed layouts (.deb, portable bundle, Windows) and the build tree,
// in temporary folders whose names are not ASCII. Torch-free: also cross-compiled for Windows
// (packaging/windows/core) and run under wine.
#include "core/resource_paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

class ResourcePaths : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        // "Präludium ♪ 練習" in UTF-8: non-ASCII on purpose (Latin-1, a symbol and CJK).
        root_ = fs::temp_directory_path() /
                fs::u8path(std::string("pm-res-") + info->name() + " Pr\xC3\xA4ludium \xE2\x99\xAA \xE7\xB7\xB4\xE7\xBF\x92");
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    std::string u8(const fs::path& p) const { return p.u8string(); }
    fs::path make(const fs::path& rel) const {
        fs::create_directories(root_ / rel);
        return root_ / rel;
    }
    fs::path root_;
};

TEST_F(ResourcePaths, InstalledLayoutFindsShareDir) {
    const fs::path bin = make("prefix/bin");
    const fs::path demo = make("prefix/share/pianomuse/demo");
    const std::string found = pm::findResourceDirFrom(u8(bin), "demo", "");
    ASSERT_FALSE(found.empty());
    EXPECT_TRUE(fs::equivalent(fs::u8path(found), demo));
}

TEST_F(ResourcePaths, InstalledLayoutNeverFallsBackToTheSourceTree) {
    const fs::path bin = make("prefix/bin");
    make("prefix/share/pianomuse/translations");   // installed, but the demo is missing
    const fs::path source = make("source/resources");
    make("source/resources/demo");
    EXPECT_EQ(pm::findResourceDirFrom(u8(bin), "demo", u8(source)), "");
}

TEST_F(ResourcePaths, BuildTreeUsesTheSourceTree) {
    const fs::path exe = make("build/cli");
    const fs::path source = make("source/resources");
    make("source/resources/demo");
    const std::string found = pm::findResourceDirFrom(u8(exe), "demo", u8(source));
    ASSERT_FALSE(found.empty());
    EXPECT_TRUE(fs::equivalent(fs::u8path(found), source / "demo"));
}

TEST_F(ResourcePaths, FlatCopyBesideTheExecutable) {
    const fs::path exe = make("flat");
    const fs::path demo = make("flat/resources/demo");
    const std::string found = pm::findResourceDirFrom(u8(exe), "demo", "");
    ASSERT_FALSE(found.empty());
    EXPECT_TRUE(fs::equivalent(fs::u8path(found), demo));
}

TEST_F(ResourcePaths, NothingAnywhere) {
    EXPECT_EQ(pm::findResourceDirFrom(u8(make("x/bin")), "demo", ""), "");
    EXPECT_EQ(pm::findResourceDirFrom("", "demo", ""), "");
}

TEST_F(ResourcePaths, FoundPathOpensFiles) {
    const fs::path bin = make("prefix/bin");
    make("prefix/share/pianomuse/demo");
    std::ofstream(root_ / "prefix/share/pianomuse/demo/piece.mid") << "MThd";
    const std::string found = pm::findResourceDirFrom(u8(bin), "demo", "");
    std::ifstream in(fs::u8path(found) / "piece.mid");
    std::string text;
    in >> text;
    EXPECT_EQ(text, "MThd");
}

TEST(ExecutableDir, IsTheRunningTestsFolder) {
    const std::string dir = pm::executableDir();
    ASSERT_FALSE(dir.empty());
    EXPECT_TRUE(fs::is_directory(fs::u8path(dir)));
}

}  // namespace
