// libFuzzer target: the .safetensors reader, plus a write/read round trip of whatever it accepts
// (the writer must reproduce the tensors and metadata exactly).
#include "checkpoint/format_error.h"
#include "checkpoint/safetensors.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace pm::formats;
    const MemorySource src(data, size);
    SafetensorsIndex index;
    try {
        index = readSafetensorsIndex(src);
    } catch (const FormatError&) {
        return 0;
    }
    std::vector<std::vector<uint8_t>> buffers;
    std::vector<TensorView> views;
    for (const TensorRecord& r : index.tensors) {
        buffers.emplace_back(size_t(r.numel()) * size_t(dtypeSize(r.dtype)));
        readTensorData(src, r, buffers.back().data());
        views.push_back({r.name, r.dtype, r.shape, buffers.back().data()});
    }
    const std::vector<uint8_t> again = encodeSafetensors(views, index.metadata);
    const MemorySource src2(again.data(), again.size());
    const SafetensorsIndex index2 = readSafetensorsIndex(src2);   // must not throw
    if (index2.tensors.size() != index.tensors.size() || index2.metadata != index.metadata) std::abort();
    for (size_t i = 0; i < index2.tensors.size(); ++i) {
        const TensorRecord& r = index2.tensors[i];
        std::vector<uint8_t> out(buffers[i].size());
        readTensorData(src2, r, out.data());
        if (r.name != index.tensors[i].name || r.shape != index.tensors[i].shape || out != buffers[i]) std::abort();
    }
    return 0;
}
