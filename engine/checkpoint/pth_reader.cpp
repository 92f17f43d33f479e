// torch.save ZIP layout: <archive>/data.pkl (the pickle), <archive>/data/<key> (one raw storage
// per key, little-endian), <archive>/version, and since 1.13 optionally <archive>/byteorder.
#include "checkpoint/pth_reader.h"

#include "checkpoint/format_error.h"
#include "checkpoint/pickle_reader.h"
#include "checkpoint/zip_reader.h"

namespace pm::formats {

namespace {
constexpr uint64_t kMaxPickleBytes = 256u << 20;   // ~1M tensors' worth of pickle
}

std::vector<TensorRecord> readPthIndex(const ByteSource& src) {
    if (!ZipArchive::looksLikeZip(src)) {
        uint8_t head[2] = {0, 0};
        if (src.size() >= 2) src.read(0, head, 2);
        if (head[0] == 0x80) throw FormatError("legacy (pre-1.6, non-ZIP) torch.save file; re-save it with a newer torch");
        throw FormatError("not a PyTorch checkpoint (no ZIP container)");
    }
    const ZipArchive zip(src);
    const ZipEntry* pkl = nullptr;
    for (const ZipEntry& e : zip.entries()) {
        const std::string suffix = "/data.pkl";
        if (e.name.size() > suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            e.name.find('/') == e.name.size() - suffix.size()) {
            if (pkl) throw FormatError("checkpoint holds more than one data.pkl");
            pkl = &e;
        }
    }
    if (!pkl) throw FormatError("not a PyTorch checkpoint (no <name>/data.pkl inside the ZIP)");
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::string("data.pkl").size());
    if (const ZipEntry* bo = zip.find(prefix + "byteorder")) {
        const std::vector<uint8_t> order = src.readBytes(bo->dataOffset, std::min<uint64_t>(bo->size, 16));
        if (std::string(order.begin(), order.end()) != "little")
            throw FormatError("checkpoint was written on a big-endian machine; not supported");
    }
    if (pkl->size > kMaxPickleBytes) throw FormatError("checkpoint pickle is implausibly large");
    const std::vector<uint8_t> pickle = src.readBytes(pkl->dataOffset, pkl->size);
    const std::vector<PickledTensor> tensors = parseStateDictPickle(pickle.data(), pickle.size());

    std::vector<TensorRecord> out;
    out.reserve(tensors.size());
    for (const PickledTensor& t : tensors) {
        const ZipEntry* data = zip.find(prefix + "data/" + t.storageKey);
        if (!data) throw FormatError("tensor '" + t.name + "': storage " + t.storageKey + " is missing from the file");
        TensorRecord r;
        r.name = t.name;
        r.dtype = t.dtype;
        r.shape = t.shape;
        r.strides = t.strides;
        r.elemOffset = t.elemOffset;
        r.storageOffsetBytes = data->dataOffset;
        r.storageNumel = t.storageNumel;
        if (uint64_t(t.storageNumel) * uint64_t(dtypeSize(t.dtype)) > data->size)
            throw FormatError("tensor '" + t.name + "': storage " + t.storageKey + " is shorter than declared");
        validateRecord(r, src);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace pm::formats
