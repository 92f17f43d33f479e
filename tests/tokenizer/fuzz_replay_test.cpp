// The fuzzer's checks in every build (gcc cannot build libFuzzer targets): the same entry point
// over random token bytes, and over the committed MIDI files, whole and damaged.
#include "tokenizer_test_support.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST(FuzzReplay, DecodingRandomTokenBytesHoldsTheFuzzersChecks) {
    std::mt19937 rng(2024);
    for (int i = 0; i < 1500; ++i) {
        std::vector<std::uint8_t> bytes(rng() % 1500);
        for (auto& b : bytes) b = std::uint8_t(rng());
        if (!bytes.empty()) bytes[0] &= 0x7F;   // token mode
        ASSERT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0);
    }
}

TEST(FuzzReplay, EncodingRealAndDamagedMidiHoldsTheFuzzersChecks) {
    std::mt19937 rng(77);
    for (const std::string& path : pm::test::filesUnder(pm::test::tokenizerDataDir() + "/midi/real")) {
        std::ifstream in(path, std::ios::binary);
        const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (int variant = 0; variant < 20; ++variant) {
            std::vector<std::uint8_t> bytes = {std::uint8_t(0x80 | variant)};   // MIDI mode, both configs
            bytes.insert(bytes.end(), file.begin(), file.end());
            if (variant > 1)   // flip a few bytes past the header
                for (int k = 0; k < variant; ++k) bytes[1 + 14 + rng() % (file.size() - 14)] ^= std::uint8_t(1 + rng() % 255);
            ASSERT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0) << path << " variant " << variant;
        }
    }
}
