// libFuzzer target: the .pth reader (ZIP container + allow-list pickle + tensor views).
// Any input must end in a FormatError or a valid index whose tensors can all be read; anything
// else (a crash, a sanitizer report, another exception type, a huge allocation) is a bug.
#include "checkpoint/format_error.h"
#include "checkpoint/pth_reader.h"

#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const pm::formats::MemorySource src(data, size);
    try {
        for (const pm::formats::TensorRecord& r : pm::formats::readPthIndex(src)) {
            // Validation bounds numel by the storage inside the file, so this allocation is small.
            std::vector<uint8_t> out(size_t(r.numel()) * size_t(pm::formats::dtypeSize(r.dtype)));
            pm::formats::readTensorData(src, r, out.data());
        }
    } catch (const pm::formats::FormatError&) {
    }
    return 0;
}
