// The decoding fuzzer's checks on random inputs in every build (gcc cannot build libFuzzer
// targets): the same entry point, a few thousand inputs, a fixed seed.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

TEST(FuzzReplay, DecodingRandomBytesHoldsTheFuzzersChecks) {
    std::mt19937 rng(2024);
    for (int i = 0; i < 1500; ++i) {
        std::vector<std::uint8_t> bytes(rng() % 1500);
        for (auto& b : bytes) b = std::uint8_t(rng());
        ASSERT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0);
    }
}
