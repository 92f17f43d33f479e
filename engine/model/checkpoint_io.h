// Model files: official RWKV-LM .pth state dicts (read-only) and .safetensors (read and write),
// always through our own validating readers (engine/checkpoint), never LibTorch's unpickler.
//
// Our .safetensors carries in __metadata__:
//   "format": "pt", "pianomuse.format_version": "1",
//   "pianomuse.model": Rwkv7Config::toJson(), "pianomuse.tokenizer": the tokenizer config JSON,
//   and optionally "pianomuse.data_card": what the model was trained on (sources, licences,
//   tokens, steps, metrics, date, command; JSON object, shown by `pianomuse-cli model info`)
// and the official key names, so other RWKV tools can read its tensors too.
#pragma once

#include "model/rwkv7_model.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pm::model {

struct CheckpointContents {
    std::string format;                                               // "pth" or "safetensors"
    std::vector<std::pair<std::string, torch::Tensor>> tensors;       // file dtype, CPU, file order
    std::map<std::string, std::string> metadata;                      // safetensors only
};

// Reads every tensor; `_forward_module.` prefixes (DeepSpeed) are stripped. Detects the format
// by content. Throws std::runtime_error with one line naming the file and the problem.
CheckpointContents readCheckpoint(const std::string& path);

struct LoadedModel {
    Rwkv7Model model{nullptr};
    std::string format;
    std::string tokenizerJson;   // empty when the file has none (e.g. official .pth)
    std::string fileDtype;       // dtype of most tensors in the file: "F32", "BF16", ...
    std::string dataCardJson;    // "pianomuse.data_card", empty when the file has none
};

// Config from the tensors' shapes (cross-checked against "pianomuse.model" when present);
// parameters become fp32 on the CPU. Throws std::runtime_error.
LoadedModel loadModel(const std::string& path);

// Writes the model's parameters (fp32, or bf16 with `bf16`) and configs, atomically.
// `dataCardJson`, when given, must be a JSON object (std::invalid_argument otherwise).
void saveModel(Rwkv7Model& model, const std::string& path, const std::string& tokenizerJson = "",
               bool bf16 = false, const std::string& dataCardJson = "");

}  // namespace pm::model
