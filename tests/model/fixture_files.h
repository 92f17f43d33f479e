// Reading the committed RWKV-7 fixtures (tests/data/rwkv7, see its README): raw little-endian
// .f32/.i64 arrays and the float32 arrays inside numpy .npz files (read with our own ZIP reader).
#pragma once

#include "checkpoint/byte_source.h"
#include "checkpoint/zip_reader.h"

#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace pm::test {

inline std::string rwkvFixture(const std::string& rel) {
    return std::string(PIANOMUSE_TEST_DATA_DIR) + "/rwkv7/" + rel;
}

inline std::vector<char> readAll(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A raw little-endian array as a 1-D tensor (the fixtures are written on little-endian machines).
inline torch::Tensor readRaw(const std::string& path, torch::ScalarType type) {
    const std::vector<char> bytes = readAll(path);
    const int64_t es = int64_t(torch::elementSize(type));
    return torch::from_blob(const_cast<char*>(bytes.data()), {int64_t(bytes.size()) / es}, type).clone();
}

// One float32 array from an .npz (numpy writes them STORED), flattened.
inline torch::Tensor readNpzF32(const std::string& path, const std::string& name) {
    const pm::formats::FileSource src(path);
    const pm::formats::ZipArchive zip(src);
    const pm::formats::ZipEntry* e = zip.find(name + ".npy");
    if (!e) throw std::runtime_error(name + " missing in " + path);
    const std::vector<uint8_t> npy = src.readBytes(e->dataOffset, e->size);
    // "\x93NUMPY", major, minor, header length (2 bytes in v1, 4 in v2/3), header text, data.
    const bool v1 = npy.at(6) == 1;
    const size_t headerLen = v1 ? size_t(npy[8] | (npy[9] << 8)) : size_t(pm::formats::loadLe32(&npy[8]));
    const size_t dataAt = (v1 ? 10 : 12) + headerLen;
    const std::string header(npy.begin() + long(v1 ? 10 : 12), npy.begin() + long(dataAt));
    if (header.find("'<f4'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
        throw std::runtime_error(name + " is not a C-order float32 array");
    const int64_t n = int64_t(npy.size() - dataAt) / 4;
    return torch::from_blob(const_cast<uint8_t*>(npy.data() + dataAt), {n}, torch::kFloat).clone();
}

}  // namespace pm::test
