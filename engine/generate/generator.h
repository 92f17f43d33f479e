// Music from a model: prefill the prompt once (sequence mode), then one RNN step per token with
// the carried state, sampling only tokens the grammar allows, so every output decodes cleanly.
//
//   pm::gen::Generator gen(model, tokenizer);
//   GenerationRequest req;  req.prompt = promptFromBars(tokenizer, file, 4).tokens;
//   req.length = {LengthUnit::Bars, 8};  req.sampling.seed = 7;
//   GenerationResult r = gen.generate(req, onUpdate, &cancelFlag);   // r.file: prompt + continuation
//
// onUpdate runs on the calling thread once for the prompt (prompt = true) and then once per
// sampled token with the notes that token completed, in order: what playback and the piano roll
// consume while the model is still writing. `cancel` is read before every token.
#pragma once

#include "generate/generation_options.h"
#include "generate/sampler.h"

#include "model/rwkv7_fast_step.h"
#include "model/rwkv7_model.h"
#include "tokenizer/tokenizer.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pm::gen {

struct GenerationRequest {
    std::vector<pm::tok::TokenId> prompt;   // a grammar-valid prefix (prompt.h); empty: 4/4 at 120 BPM
    GenerationLength length;
    SamplingOptions sampling;
    int variations = 1;                     // seeds sampling.seed, seed + 1, ...
    bool allowEarlyEnd = true;              // the model may end the piece (EOS) before the length
    std::size_t maxTokens = 20000;          // safety cap on continuation tokens per variation
    // The fused CPU step (CPU models): how it holds the weights, and how many threads split its
    // products (0: pm::generationThreads for a machine with nothing else running; the app passes 1
    // while a training runs beside it).
    WeightMode weights = WeightMode::Auto;
    int stepThreads = 1;
};

struct GenerationUpdate {
    int variation = 0;
    bool prompt = false;                    // the prompt's own events, sent once before sampling
    pm::tok::TokenId token = 0;             // the sampled token (not for prompt updates)
    std::size_t generatedTokens = 0;        // continuation tokens so far
    std::vector<pm::tok::DecodedEvent> events;   // completed by this token, in time order of decoding
};

struct GenerationResult {
    std::vector<pm::tok::TokenId> tokens;   // prompt + continuation
    std::size_t promptTokens = 0;
    double promptSeconds = 0;               // where the continuation starts
    double generatedEndSeconds = 0;         // where the new music ends when bars after it were kept (infill), else 0
    pm::midi::MidiFile file;                // the whole piece, decoded
    pm::tok::DecodeStats stats;             // of decoding `tokens`: clean() for every output
    std::size_t generatedTokens = 0, generatedBars = 0, generatedNotes = 0;
    bool cancelled = false;
    bool endedByModel = false;              // EOS sampled before the length was reached
    std::uint64_t seed = 0;
    double prefillSeconds = 0, generateSeconds = 0;
    std::string step;                       // which step ran, e.g. "fused step, int8 weights, 2 threads"
    double tokensPerSecond() const { return generateSeconds > 0 ? double(generatedTokens) / generateSeconds : 0; }
};

using UpdateCallback = std::function<void(const GenerationUpdate&)>;

class Generator {
public:
    // The model's vocabulary must be the tokenizer's (throws std::invalid_argument otherwise).
    Generator(pm::model::Rwkv7Model model, pm::tok::Tokenizer tokenizer);

    // One result per variation (fewer when cancelled: the one cut short is included, marked).
    // Throws std::invalid_argument for a prompt the grammar rejects.
    std::vector<GenerationResult> generate(const GenerationRequest& request, const UpdateCallback& onUpdate = {},
                                           const std::atomic<bool>* cancel = nullptr);

    const pm::tok::Tokenizer& tokenizer() const { return tokenizer_; }
    pm::model::Rwkv7Model& model() { return model_; }

private:
    struct Prefilled;
    GenerationResult run(const GenerationRequest& request, const Prefilled& pre, int variation,
                         const UpdateCallback& onUpdate, const std::atomic<bool>* cancel);

    pm::model::Rwkv7Model model_;
    pm::tok::Tokenizer tokenizer_;
};

// The fused CPU step's options for a request's weight mode and thread count (0: what
// pm::generationThreads gives a machine with nothing else running). Generation and infilling
// both set up their step through this one translation.
pm::model::FastStepOptions fastStepOptions(WeightMode weights, int stepThreads);

// A generator for a model file (.safetensors with our metadata, or an RWKV-LM .pth whose
// vocabulary fits the default tokenizer). nullptr with a one-line reason in `error`.
std::unique_ptr<Generator> loadGenerator(const std::string& modelPath, std::string* error);

// "Continue" and "Undo" over a chain of generations: each continuation takes the current piece
// (without its EOS) as its prompt; undo goes back to the piece before the last continuation.
class GenerationSession {
public:
    explicit GenerationSession(Generator& generator) : generator_(generator) {}

    // A new chain from request.prompt; the first variation becomes the current piece.
    std::vector<GenerationResult> start(const GenerationRequest& request, const UpdateCallback& onUpdate = {},
                                        const std::atomic<bool>* cancel = nullptr);
    // Continues the current piece (request.prompt is ignored). Nothing to continue: empty result.
    std::vector<GenerationResult> continueCurrent(GenerationRequest request, const UpdateCallback& onUpdate = {},
                                                  const std::atomic<bool>* cancel = nullptr);
    // Adds a piece made from the current one elsewhere (regenerated bars, infill.h) as the chain's
    // next step: Continue goes on from it, Undo goes back to the piece before.
    void push(GenerationResult result);
    // Picks which variation of the last step the chain goes on from.
    bool choose(std::size_t variation);
    bool canUndo() const { return history_.size() > 1; }
    bool undo();

    const GenerationResult* current() const { return history_.empty() ? nullptr : &history_.back(); }
    std::size_t depth() const { return history_.size(); }

private:
    Generator& generator_;
    std::vector<GenerationResult> history_;      // the piece after each step
    std::vector<GenerationResult> lastVariations_;
};

}  // namespace pm::gen
