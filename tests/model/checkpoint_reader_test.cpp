// The torch-free checkpoint readers: known files give known values; hostile, foreign, truncated
// and corrupted files give one-line FormatErrors, never crashes; fuzz regressions stay fixed.
#include "checkpoint/format_error.h"
#include "checkpoint/pth_reader.h"
#include "checkpoint/safetensors.h"
#include "fixture_files.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

namespace {

namespace fmt = pm::formats;
using pm::test::readAll;
using pm::test::rwkvFixture;

std::vector<float> readF32(const fmt::ByteSource& src, const fmt::TensorRecord& r) {
    std::vector<float> out(size_t(r.numel()));
    fmt::readTensorData(src, r, out.data());
    return out;
}

// bf16 / fp16 bit patterns → float (independent of torch).
float bf16ToFloat(uint16_t bits) {
    const uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

const fmt::TensorRecord& byName(const std::vector<fmt::TensorRecord>& rs, const std::string& name) {
    for (const auto& r : rs)
        if (r.name == name) return r;
    throw std::runtime_error("no tensor " + name);
}

std::string errorOf(const std::vector<char>& bytes, bool pth) {
    const fmt::MemorySource src(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    try {
        if (pth) {
            for (const auto& r : fmt::readPthIndex(src)) {
                std::vector<uint8_t> buf(size_t(r.numel()) * size_t(fmt::dtypeSize(r.dtype)));
                fmt::readTensorData(src, r, buf.data());
            }
        } else {
            for (const auto& r : fmt::readSafetensorsIndex(src).tensors) {
                std::vector<uint8_t> buf(size_t(r.numel()) * size_t(fmt::dtypeSize(r.dtype)));
                fmt::readTensorData(src, r, buf.data());
            }
        }
    } catch (const fmt::FormatError& e) {
        return e.what();
    }
    return "";
}

TEST(PthReader, ReadsAnOrderedDictStateDictWithViews) {
    const fmt::FileSource src(rwkvFixture("pickle/ordered_prefixed.pth"));
    const auto rs = fmt::readPthIndex(src);
    ASSERT_EQ(rs.size(), 6u);
    const auto& w = byName(rs, "_forward_module.weight");
    EXPECT_EQ(w.dtype, fmt::DType::F16);
    EXPECT_EQ(w.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(readF32(src, byName(rs, "_forward_module.full")), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(readF32(src, byName(rs, "_forward_module.slice")), (std::vector<float>{3, 4, 5, 6}));
    // arange(12).reshape(3, 4).t(): shape (4, 3), strides (1, 4).
    const auto& t = byName(rs, "_forward_module.transposed");
    EXPECT_FALSE(t.contiguous());
    EXPECT_EQ(readF32(src, t), (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
    const auto& b = byName(rs, "_forward_module.bf16");
    std::vector<uint16_t> bits(3);
    fmt::readTensorData(src, b, bits.data());
    EXPECT_EQ(bf16ToFloat(bits[0]), 1.0f);
    EXPECT_EQ(bf16ToFloat(bits[1]), -2.0f);
    EXPECT_EQ(bf16ToFloat(bits[2]), 0.25f);
}

TEST(PthReader, RefusesAHostileGlobalWithoutRunningIt) {
    const std::string err = errorOf(readAll(rwkvFixture("pickle/hostile_global.pth")), true);
    EXPECT_NE(err.find("refusing global 'posix.system'"), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos);
}

TEST(PthReader, ExplainsTheLegacyFormat) {
    const std::string err = errorOf(readAll(rwkvFixture("pickle/legacy.pth")), true);
    EXPECT_NE(err.find("legacy"), std::string::npos) << err;
}

TEST(PthReader, EveryTruncationAndByteFlipFailsCleanly) {
    const std::vector<char> good = readAll(rwkvFixture("pickle/ordered_prefixed.pth"));
    ASSERT_EQ(errorOf(good, true), "");
    for (size_t n = 0; n < good.size(); ++n) {
        const std::vector<char> cut(good.begin(), good.begin() + long(n));
        EXPECT_NE(errorOf(cut, true), "") << "truncated to " << n;
    }
    // Single-byte corruptions either still parse or fail with a FormatError (never crash).
    for (size_t i = 0; i < good.size(); ++i) {
        std::vector<char> bad = good;
        bad[i] = char(bad[i] ^ 0x5A);
        (void)errorOf(bad, true);
    }
}

TEST(SafetensorsReader, ReadsAFileWrittenByAnotherWriter) {
    const fmt::FileSource src(rwkvFixture("safetensors/small.safetensors"));
    const fmt::SafetensorsIndex idx = fmt::readSafetensorsIndex(src);
    ASSERT_EQ(idx.tensors.size(), 3u);
    EXPECT_EQ(idx.metadata.at("note"), "hi");
    EXPECT_EQ(idx.tensors[0].name, "a");   // data order
    EXPECT_EQ(readF32(src, idx.tensors[0]), (std::vector<float>{0, 1, 2, 3, 4, 5}));
    std::vector<uint16_t> bits(4);
    fmt::readTensorData(src, idx.tensors[1], bits.data());
    EXPECT_EQ(bf16ToFloat(bits[1]), -2.0f);
    EXPECT_EQ(idx.tensors[2].numel(), 0);
}

TEST(SafetensorsReader, RoundTripsThroughOurWriter) {
    const std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f};
    const std::vector<uint16_t> b = {0x3F80, 0x4000};
    const auto bytes = fmt::encodeSafetensors({{"x.a", fmt::DType::F32, {2, 2}, a.data()},
                                               {"y", fmt::DType::BF16, {2}, b.data()}},
                                              {{"pianomuse.model", "{}"}});
    EXPECT_EQ((bytes.size() - 8 - (a.size() * 4 + b.size() * 2)) % 8, 0u);   // header padded to 8
    const fmt::MemorySource src(bytes.data(), bytes.size());
    const auto idx = fmt::readSafetensorsIndex(src);
    ASSERT_EQ(idx.tensors.size(), 2u);
    EXPECT_EQ(readF32(src, idx.tensors[0]), a);
    EXPECT_EQ(idx.metadata.at("pianomuse.model"), "{}");
}

TEST(SafetensorsReader, RejectsBadHeadersWithOneLine) {
    const auto make = [](const std::string& json, size_t dataBytes) {
        std::string f(8, '\0');
        for (int i = 0; i < 8; ++i) f[size_t(i)] = char((json.size() >> (8 * i)) & 0xFF);
        f += json;
        f.append(dataBytes, '\0');
        return std::vector<char>(f.begin(), f.end());
    };
    const struct {
        std::string json;
        size_t data;
        const char* expect;
    } cases[] = {
        {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4, "outside the file"},
        {R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8, "does not match"},
        {R"({"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})", 1, "unsupported dtype"},
        {R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4, "non-negative"},
        {R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
         8, "overlaps"},
        {R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 4, "too large"},
        {R"([[[[[[[[[[1]]]]]]]]]])", 0, "nests too deeply"},
        {R"({"a": )", 0, "not valid JSON"},
        {R"({"__metadata__":{"k":1}})", 0, "not a string"},
    };
    for (const auto& c : cases) {
        const std::string err = errorOf(make(c.json, c.data), false);
        EXPECT_NE(err.find(c.expect), std::string::npos) << c.json << " → " << err;
    }
    // A header length that points past the end (or is absurd) is refused before allocating.
    std::vector<char> huge(16, '\xff');
    EXPECT_NE(errorOf(huge, false).find("does not fit"), std::string::npos);
}

TEST(SafetensorsReader, EveryTruncationFailsCleanly) {
    const std::vector<char> good = readAll(rwkvFixture("safetensors/small.safetensors"));
    for (size_t n = 0; n < good.size(); ++n)
        EXPECT_NE(errorOf(std::vector<char>(good.begin(), good.begin() + long(n)), false), "") << n;
}

// Inputs the fuzzers once found (scripts/fuzz-checkpoints.sh): each must fail or pass cleanly.
TEST(CheckpointRegressions, ReplayFuzzFindings) {
    for (const char* kind : {"pth", "safetensors"}) {
        const std::filesystem::path dir = rwkvFixture(std::string("regressions/") + kind);
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            (void)errorOf(readAll(entry.path().string()), std::string(kind) == "pth");
    }
}

}  // namespace
