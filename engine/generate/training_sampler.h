// The trainer's per-checkpoint sample, made by the real generator: the opening bars of a
// validation window, continued for a few bars, so a user hears what the model has learnt so far.
//
//   cfg.sampler = pm::gen::trainingSampler();      // pm::train::TrainConfig::sampler
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// Declared, not included: the app passes this function to the trainer without compiling LibTorch.
namespace pm::model {
class Rwkv7Model;
}

namespace pm::gen {

struct TrainingSampleOptions {
    std::size_t promptBars = 4;     // bars of the validation window kept as the prompt
    double bars = 4;                // bars generated after them
    double temperature = 1.0;
    double topP = 0.95;
    std::uint64_t seed = 1;         // the same at every checkpoint: samples differ only by the weights
    std::size_t maxTokens = 2000;   // safety cap
};

using TrainingSampler = std::function<std::vector<std::uint16_t>(
    pm::model::Rwkv7Model& model, const std::vector<std::uint16_t>& window, const std::string& tokenizerJson)>;

// The returned function decodes the window with the given tokenizer config (the dataset's, so the
// model's), re-cuts it at a bar line (a window half can end mid-note), generates, and returns the
// whole piece's tokens. It throws on any failure; the trainer reports that as a warning.
TrainingSampler trainingSampler(TrainingSampleOptions options = {});

}  // namespace pm::gen
