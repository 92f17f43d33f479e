// Training checkpoints: everything needed to continue a run exactly (STYLE §13).
//
//   "PMTRCKPT" u32 version u32 json-bytes | JSON (step, batcher position, schedule state,
//   metrics, the run's config) | u64 archive-bytes | LibTorch archive { model/<name> tensors,
//   optimizer/... (AdamW moments and step counts), rng/torch_cpu }
//
// Written to a temporary file, fsynced and renamed (engine/dataset/atomic_file.h), so a kill or a
// full disk while saving leaves the previous checkpoint as it was.
#pragma once

#include "model/rwkv7_model.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>

namespace pm::train {

inline constexpr std::uint32_t kCheckpointVersion = 1;

struct CheckpointHeader {
    nlohmann::json meta;   // free-form state the trainer owns (step, position, ...)
};

// Returns "" or a one-line error; the file is replaced only when fully written.
std::string saveTrainCheckpoint(const std::string& path, const nlohmann::json& meta, model::Rwkv7Model& model,
                                torch::optim::Optimizer& optimizer);

// Reads only the JSON part (config to rebuild the model before loading tensors).
// Returns "" or a one-line error naming the file.
std::string readCheckpointMeta(const std::string& path, nlohmann::json* meta);

// Loads tensors and optimizer state into an already built model/optimizer of the same shape.
std::string loadTrainCheckpoint(const std::string& path, model::Rwkv7Model& model, torch::optim::Optimizer& optimizer);

}  // namespace pm::train
