#include "model/checkpoint_io.h"

#include "checkpoint/byte_source.h"
#include "checkpoint/format_error.h"
#include "checkpoint/pth_reader.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/zip_reader.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace pm::model {

namespace fmt = pm::formats;
using torch::Tensor;

namespace {

torch::ScalarType toTorch(fmt::DType t) {
    switch (t) {
    case fmt::DType::F32: return torch::kFloat;
    case fmt::DType::F16: return torch::kHalf;
    case fmt::DType::BF16: return torch::kBFloat16;
    case fmt::DType::F64: return torch::kDouble;
    case fmt::DType::I64: return torch::kLong;
    case fmt::DType::I32: return torch::kInt;
    case fmt::DType::I16: return torch::kShort;
    case fmt::DType::I8: return torch::kChar;
    case fmt::DType::U8: return torch::kByte;
    case fmt::DType::Bool: return torch::kBool;
    }
    return torch::kFloat;
}

fmt::DType fromTorch(torch::ScalarType t) {
    switch (t) {
    case torch::kFloat: return fmt::DType::F32;
    case torch::kBFloat16: return fmt::DType::BF16;
    case torch::kHalf: return fmt::DType::F16;
    case torch::kDouble: return fmt::DType::F64;
    default: throw std::runtime_error("cannot save tensors of this dtype");
    }
}

std::string stripPrefix(const std::string& name) {
    static const std::string prefix = "_forward_module.";
    return name.compare(0, prefix.size(), prefix) == 0 ? name.substr(prefix.size()) : name;
}

}  // namespace

CheckpointContents readCheckpoint(const std::string& path) {
    try {
        const fmt::FileSource src(path);
        CheckpointContents out;
        std::vector<fmt::TensorRecord> records;
        if (fmt::ZipArchive::looksLikeZip(src)) {
            out.format = "pth";
            records = fmt::readPthIndex(src);
        } else {
            out.format = "safetensors";
            fmt::SafetensorsIndex index = fmt::readSafetensorsIndex(src);
            records = std::move(index.tensors);
            out.metadata = std::move(index.metadata);
        }
        for (const fmt::TensorRecord& r : records) {
            Tensor t = torch::empty(r.shape, torch::TensorOptions().dtype(toTorch(r.dtype)));
            fmt::readTensorData(src, r, t.data_ptr());
            out.tensors.emplace_back(stripPrefix(r.name), std::move(t));
        }
        return out;
    } catch (const fmt::FormatError& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

LoadedModel loadModel(const std::string& path) {
    CheckpointContents c = readCheckpoint(path);
    std::map<std::string, std::vector<int64_t>> shapes;
    std::map<std::string, int> dtypeVotes;
    for (const auto& [name, t] : c.tensors) {
        if (!shapes.emplace(name, t.sizes().vec()).second)
            throw std::runtime_error(path + ": tensor '" + name + "' appears twice");
        if (!t.is_floating_point()) throw std::runtime_error(path + ": tensor '" + name + "' is not floating point");
        ++dtypeVotes[fmt::dtypeName(fromTorch(t.scalar_type()))];
    }
    Rwkv7Config cfg;
    try {
        cfg = Rwkv7Config::fromShapes(shapes);
        const auto meta = c.metadata.find("pianomuse.model");
        if (meta != c.metadata.end()) {
            const Rwkv7Config stated = Rwkv7Config::fromJson(meta->second);
            if (stated.toJson() != cfg.toJson())
                throw std::invalid_argument("metadata says " + stated.describe() + " but the tensors are " + cfg.describe());
        }
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    LoadedModel out;
    out.model = Rwkv7Model(cfg);
    try {
        out.model->loadTensors(c.tensors);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    out.format = c.format;
    const auto tok = c.metadata.find("pianomuse.tokenizer");
    if (tok != c.metadata.end()) out.tokenizerJson = tok->second;
    const auto card = c.metadata.find("pianomuse.data_card");
    if (card != c.metadata.end()) out.dataCardJson = card->second;
    int best = 0;
    for (const auto& [name, votes] : dtypeVotes)
        if (votes > best) best = votes, out.fileDtype = name;
    return out;
}

void saveModel(Rwkv7Model& model, const std::string& path, const std::string& tokenizerJson, bool bf16,
               const std::string& dataCardJson) {
    if (!dataCardJson.empty()) {
        const auto card = nlohmann::json::parse(dataCardJson, nullptr, false);
        if (card.is_discarded() || !card.is_object()) throw std::invalid_argument("the data card must be a JSON object");
    }
    std::vector<Tensor> keep;   // contiguous CPU copies that outlive the views
    std::vector<fmt::TensorView> views;
    for (const auto& item : model->named_parameters(true)) {
        Tensor t = item.value().detach().to(torch::kCPU, bf16 ? torch::kBFloat16 : torch::kFloat).contiguous();
        keep.push_back(t);
        views.push_back({item.key(), fromTorch(t.scalar_type()), t.sizes().vec(), t.data_ptr()});
    }
    std::map<std::string, std::string> meta = {{"format", "pt"},
                                               {"pianomuse.format_version", "1"},
                                               {"pianomuse.model", model->config().toJson()}};
    if (!tokenizerJson.empty()) meta["pianomuse.tokenizer"] = tokenizerJson;
    if (!dataCardJson.empty()) meta["pianomuse.data_card"] = dataCardJson;
    try {
        fmt::writeSafetensorsFile(path, views, meta);
    } catch (const fmt::FormatError& e) {
        throw std::runtime_error(e.what());
    }
}

}  // namespace pm::model
