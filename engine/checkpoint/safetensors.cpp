#include "checkpoint/safetensors.h"

#include "checkpoint/format_error.h"
#include "core/platform_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pm::formats {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;   // the reference implementation's limit
constexpr int kMaxJsonDepth = 4;                   // {name: {shape: [..]}} needs 3

// nlohmann's parser copes with deep nesting, but nothing legitimate nests past 3, so refuse
// deeper input before parsing it at all (strings are skipped, with their escapes).
void checkJsonDepth(const std::string& text) {
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') ++i;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth) throw FormatError("safetensors header nests too deeply");
        } else if (c == '}' || c == ']') --depth;
    }
}

int64_t jsonInt(const nlohmann::json& j, const std::string& what) {
    if (!j.is_number_unsigned() && !(j.is_number_integer() && j.get<int64_t>() >= 0))
        throw FormatError(what + " is not a non-negative integer");
    const uint64_t v = j.get<uint64_t>();
    if (v > uint64_t(1) << 62) throw FormatError(what + " is out of range");
    return int64_t(v);
}

}  // namespace

SafetensorsIndex readSafetensorsIndex(const ByteSource& src) {
    if (src.size() < 8) throw FormatError("not a safetensors file (too short)");
    uint8_t lenBytes[8];
    src.read(0, lenBytes, 8);
    const uint64_t headerLen = loadLe64(lenBytes);
    if (headerLen > kMaxHeaderBytes || !src.contains(8, headerLen))
        throw FormatError("not a safetensors file (header length " + std::to_string(headerLen) + " does not fit)");
    const std::vector<uint8_t> raw = src.readBytes(8, headerLen);
    const std::string text(raw.begin(), raw.end());
    checkJsonDepth(text);
    const nlohmann::json header = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded()) throw FormatError("not a safetensors file (header is not valid JSON)");
    if (!header.is_object()) throw FormatError("safetensors header is not a JSON object");

    const uint64_t dataStart = 8 + headerLen;
    const uint64_t dataSize = src.size() - dataStart;
    SafetensorsIndex index;
    std::vector<std::pair<uint64_t, uint64_t>> ranges;   // [begin, end) per tensor
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object()) throw FormatError("safetensors __metadata__ is not an object");
            for (const auto& [k, v] : entry.items()) {
                if (!v.is_string()) throw FormatError("safetensors metadata '" + k.substr(0, 80) + "' is not a string");
                index.metadata[k] = v.get<std::string>();
            }
            continue;
        }
        const std::string what = "safetensors tensor '" + name.substr(0, 80) + "'";
        if (!entry.is_object()) throw FormatError(what + " is not an object");
        const auto dt = entry.find("dtype"), sh = entry.find("shape"), off = entry.find("data_offsets");
        if (dt == entry.end() || sh == entry.end() || off == entry.end() || !dt->is_string() || !sh->is_array() ||
            !off->is_array() || off->size() != 2)
            throw FormatError(what + " lacks dtype, shape or data_offsets");
        TensorRecord r;
        r.name = name;
        if (!dtypeFromName(dt->get<std::string>(), &r.dtype))
            throw FormatError(what + " has unsupported dtype '" + dt->get<std::string>().substr(0, 16) + "'");
        if (sh->size() > 16) throw FormatError(what + " has more than 16 dimensions");
        int64_t numel = 1;
        for (const auto& d : *sh) {
            const int64_t v = jsonInt(d, what + " shape");
            if (v > kMaxElements || (v > 0 && numel > kMaxElements / v)) throw FormatError(what + " is too large");
            numel *= v;
            r.shape.push_back(v);
        }
        const uint64_t begin = uint64_t(jsonInt((*off)[0], what + " offset")),
                       end = uint64_t(jsonInt((*off)[1], what + " offset"));
        if (begin > end || end > dataSize) throw FormatError(what + " data lies outside the file");
        if (end - begin != uint64_t(numel) * uint64_t(dtypeSize(r.dtype)))
            throw FormatError(what + " byte size does not match its shape and dtype");
        r.strides.assign(r.shape.size(), 1);
        for (size_t i = r.shape.size(); i-- > 1;) r.strides[i - 1] = r.strides[i] * std::max<int64_t>(r.shape[i], 1);
        r.storageOffsetBytes = dataStart + begin;
        r.storageNumel = numel;
        validateRecord(r, src);
        ranges.emplace_back(begin, end);
        index.tensors.push_back(std::move(r));
    }
    // Sort by position (JSON objects have no order) and refuse overlapping tensors.
    std::vector<size_t> order(index.tensors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranges[a] < ranges[b]; });
    std::vector<TensorRecord> sorted;
    uint64_t last = 0;
    for (size_t i : order) {
        if (ranges[i].first < last) throw FormatError("safetensors tensors '" + index.tensors[i].name.substr(0, 80) + "' overlaps another");
        last = std::max(last, ranges[i].second);
        sorted.push_back(std::move(index.tensors[i]));
    }
    index.tensors = std::move(sorted);
    return index;
}

std::string encodeSafetensorsHeader(const std::vector<TensorView>& tensors,
                                    const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    uint64_t offset = 0;
    for (const TensorView& t : tensors) {
        int64_t numel = 1;
        for (int64_t d : t.shape) numel *= d;
        const uint64_t bytes = uint64_t(numel) * uint64_t(dtypeSize(t.dtype));
        if (header.contains(t.name) || t.name == "__metadata__") throw FormatError("duplicate tensor name '" + t.name + "'");
        header[t.name] = {{"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[size_t(i)] = char((uint64_t(text.size()) >> (8 * i)) & 0xFF);
    return out + text;
}

std::vector<uint8_t> encodeSafetensors(const std::vector<TensorView>& tensors,
                                       const std::map<std::string, std::string>& metadata) {
    const std::string head = encodeSafetensorsHeader(tensors, metadata);
    std::vector<uint8_t> out(head.begin(), head.end());
    for (const TensorView& t : tensors) {
        int64_t numel = 1;
        for (int64_t d : t.shape) numel *= d;
        const auto* p = static_cast<const uint8_t*>(t.data);
        out.insert(out.end(), p, p + numel * dtypeSize(t.dtype));
    }
    return out;
}

void writeSafetensorsFile(const std::string& path, const std::vector<TensorView>& tensors,
                          const std::map<std::string, std::string>& metadata) {
    const std::string head = encodeSafetensorsHeader(tensors, metadata);
    const std::string tmp = path + ".tmp-" + std::to_string(pm::platform::processId());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw FormatError("cannot write '" + tmp + "': " + std::strerror(errno));
    bool ok = std::fwrite(head.data(), 1, head.size(), f) == head.size();
    for (const TensorView& t : tensors) {
        int64_t numel = 1;
        for (int64_t d : t.shape) numel *= d;
        const size_t bytes = size_t(numel) * size_t(dtypeSize(t.dtype));
        ok = ok && (bytes == 0 || std::fwrite(t.data, 1, bytes, f) == bytes);
    }
    ok = ok && pm::platform::syncFileToDisk(f);
    const int err = errno;
    ok = (std::fclose(f) == 0) && ok;
    std::string renameError;
    if (ok) renameError = pm::platform::replaceFile(tmp, path);   // std::rename cannot replace on Windows
    if (!ok || !renameError.empty()) {
        std::remove(tmp.c_str());
        throw FormatError("cannot write '" + path + "': " + (ok ? renameError : std::string(std::strerror(err))));
    }
}

}  // namespace pm::formats
