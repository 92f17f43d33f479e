#include "generate/generator.h"

#include "generate/prompt.h"

#include "core/thread_share.h"
#include "model/checkpoint_io.h"
#include "model/rwkv7_fast_step.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace pm::gen {

using pm::tok::DecodedEvent;
using pm::tok::GrammarPhase;
using pm::tok::TokenId;
using pm::tok::TokenKind;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

}  // namespace

// Named, not anonymous: Generator::Prefilled holds one, and GCC warns (-Wsubobject-linkage) when
// this file is compiled inside a unity batch.
namespace generator_detail {

// The tempo in force, from the decoder's Tempo events: turns a grid step into seconds without
// decoding ahead (the seconds length counts against the end of the current bar).
struct TempoTrack {
    pm::midi::Tick tick = 0;
    double seconds = 0;
    std::uint32_t usPerQuarter = pm::midi::kDefaultTempo;
    double ticksPerQuarter = 1;

    void see(const DecodedEvent& e) {
        if (e.kind != DecodedEvent::Kind::Tempo) return;
        tick = e.tick;
        seconds = e.seconds;
        usPerQuarter = e.usPerQuarter;
    }
    double secondsAtStep(std::int64_t step) const {
        const double t = double(step) * pm::tok::StreamingDecoder::kTicksPerStep;
        return seconds + (t - double(tick)) * usPerQuarter * 1e-6 / ticksPerQuarter;
    }
};

}  // namespace generator_detail
using generator_detail::TempoTrack;

namespace {

pm::model::Rwkv7State cloneState(const pm::model::Rwkv7State& s) {
    pm::model::Rwkv7State out;
    for (const auto& l : s.layers)
        out.layers.push_back({l.attXPrev.defined() ? l.attXPrev.clone() : l.attXPrev,
                              l.wkv.defined() ? l.wkv.clone() : l.wkv,
                              l.ffnXPrev.defined() ? l.ffnXPrev.clone() : l.ffnXPrev});
    return out;
}

}  // namespace

struct Generator::Prefilled {
    std::vector<TokenId> prompt;
    pm::model::Rwkv7State state;
    std::vector<float> logits;                 // V, after the prompt's last token
    pm::tok::StreamingDecoder decoder;         // fed the prompt
    std::vector<DecodedEvent> promptEvents;
    TempoTrack tempo;
    double promptSeconds = 0;
    double prefillSeconds = 0;
};

Generator::Generator(pm::model::Rwkv7Model model, pm::tok::Tokenizer tokenizer)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)) {
    if (!model_) throw std::invalid_argument("no model");
    if (std::size_t(model_->config().vocabSize) < tokenizer_.vocabulary().size())
        throw std::invalid_argument("the model's vocabulary (" + std::to_string(model_->config().vocabSize) +
                                    " tokens) is smaller than the tokenizer's (" +
                                    std::to_string(tokenizer_.vocabulary().size()) + ")");
    model_->eval();
}

std::vector<GenerationResult> Generator::generate(const GenerationRequest& request, const UpdateCallback& onUpdate,
                                                  const std::atomic<bool>* cancel) {
    torch::InferenceMode inference;
    const auto t0 = Clock::now();

    // The prompt through the decoder first: it must be grammar-valid, or the output would not be.
    std::vector<TokenId> prompt = continuable(tokenizer_, request.prompt);
    if (prompt.empty()) prompt = metadataPrompt(tokenizer_, {4, 4}, 120).tokens;
    Prefilled pre{prompt, {}, {}, tokenizer_.streamingDecoder(), {}, {}, 0, 0};
    pre.tempo.ticksPerQuarter = double(pm::tok::StreamingDecoder::kTicksPerStep) * tokenizer_.config().positionsPerQuarter;
    for (std::size_t i = 0; i < prompt.size(); ++i) {
        if (!pre.decoder.push(prompt[i], &pre.promptEvents))
            throw std::invalid_argument("the prompt is not a valid token sequence (token " + std::to_string(i) + ": " +
                                        tokenizer_.vocabulary().name(prompt[i]) + ")");
    }
    if (pre.decoder.stats().assumedPrefix > 0)
        throw std::invalid_argument("the prompt does not start with the metadata prefix (BOS TimeSig Tempo)");
    for (const auto& e : pre.promptEvents) pre.tempo.see(e);
    const auto& gs = pre.decoder.grammar().state();
    if (gs.bars > 0) pre.promptSeconds = pre.tempo.secondsAtStep(gs.barStart + gs.barLength);

    // Prefill: the whole prompt in one sequence-mode pass; only the last position's logits are needed.
    auto tokens = torch::empty({1, std::int64_t(prompt.size())}, torch::kLong);   // (1, T)
    std::copy(prompt.begin(), prompt.end(), tokens.data_ptr<std::int64_t>());
    pre.state = model_->initialState(1);
    const torch::Tensor hidden = model_->forwardHidden(tokens, &pre.state);   // (1, T, C)
    const torch::Tensor last = model_->head(hidden.select(1, hidden.size(1) - 1)).to(torch::kFloat).contiguous();   // (1, V)
    pre.logits.assign(last.data_ptr<float>(), last.data_ptr<float>() + last.size(1));
    pre.prefillSeconds = secondsSince(t0);

    std::vector<GenerationResult> results;
    const int n = std::max(1, request.variations);
    for (int v = 0; v < n; ++v) {
        if (cancel && cancel->load() && !results.empty()) break;
        results.push_back(run(request, pre, v, onUpdate, cancel));
        if (results.back().cancelled) break;
    }
    return results;
}

GenerationResult Generator::run(const GenerationRequest& request, const Prefilled& pre, int variation,
                                const UpdateCallback& onUpdate, const std::atomic<bool>* cancel) {
    const pm::tok::Vocabulary& vocab = tokenizer_.vocabulary();
    const TokenId barId = vocab.id(TokenKind::Bar), eosId = vocab.id(TokenKind::Eos);
    const TokenId pitchFirst = vocab.first(TokenKind::Pitch);
    const TokenId pitchEnd = TokenId(pitchFirst + vocab.count(TokenKind::Pitch));
    const auto isPitch = [&](TokenId id) { return id >= pitchFirst && id < pitchEnd; };
    const std::size_t V = std::size_t(model_->config().vocabSize);

    GenerationResult r;
    r.seed = request.sampling.seed + std::uint64_t(variation);
    r.promptTokens = pre.prompt.size();
    r.promptSeconds = pre.promptSeconds;
    r.prefillSeconds = pre.prefillSeconds;
    r.tokens = pre.prompt;

    if (onUpdate) {
        GenerationUpdate u;
        u.variation = variation;
        u.prompt = true;
        u.events = pre.promptEvents;
        onUpdate(u);
    }

    SamplingOptions so = request.sampling;
    so.seed = r.seed;
    Sampler sampler(so);
    pm::model::Rwkv7State state = cloneState(pre.state);
    pm::tok::StreamingDecoder decoder = pre.decoder;
    TempoTrack tempo = pre.tempo;
    std::vector<float> logits = pre.logits;
    std::vector<TokenId> recentPitches, allowed;
    std::size_t notesInBar = 1;   // the prompt's last bar needs no note from us
    auto stepInput = torch::zeros({1}, torch::kLong);
    // CPU models step through the fused kernel (same maths, no per-operator dispatch; packing the
    // weights takes milliseconds); CUDA models and PIANOMUSE_FAST_STEP=0 keep the LibTorch step.
    std::unique_ptr<pm::model::Rwkv7FastStep> fast =
        pm::model::Rwkv7FastStep::tryCreate(*model_, nullptr, fastStepOptions(request.weights, request.stepThreads));
    if (fast) {
        fast->setState(state);
        static const char* const modes[] = {"fp32", "bf16", "int8"};
        const auto mode = fast->weightMode();
        const char* held = mode == pm::kernels::Rwkv7WeightMode::Int8   ? modes[2]
                           : mode == pm::kernels::Rwkv7WeightMode::Bf16 ? modes[1]
                           : fast->bf16Weights()                         ? "exact bf16"
                                                                         : modes[0];
        r.step = std::string("fused step, ") + held + " weights, " + std::to_string(fast->threads()) +
                 (fast->threads() == 1 ? " thread" : " threads");
    } else {
        r.step = "LibTorch step";
    }

    const double amount = request.length.amount;
    const std::size_t tokenTarget =
        request.length.unit == LengthUnit::Tokens ? std::min<std::size_t>(std::size_t(std::max(amount, 0.0)), request.maxTokens)
                                                  : request.maxTokens;
    const auto t0 = Clock::now();
    for (;;) {
        if (cancel && cancel->load()) {
            r.cancelled = true;
            break;
        }
        const pm::tok::Grammar& grammar = decoder.grammar();
        const pm::tok::GrammarState& gs = grammar.state();
        if (grammar.finished()) break;

        // Tokens length (and the safety cap): stop at the next event boundary, with EOS when the
        // grammar allows it there.
        const pm::tok::AllowedTokens allowedRanges = grammar.allowed();
        if (allowedRanges.empty()) break;
        const bool tokensReached = r.generatedTokens >= tokenTarget && grammar.atEventBoundary();
        allowed.clear();
        if (tokensReached) {
            if (!grammar.canEnd()) break;
            allowed.push_back(eosId);
        } else if (r.generatedTokens == 0 && gs.bars > 0 && allowedRanges.contains(barId)) {
            // The prompt's last bar is the prompt's: the continuation starts with a new bar.
            allowed.push_back(barId);
        } else {
            // Every bar we open gets a note: no Bar (or Tempo/pedal-only group) before one.
            const bool needNote = notesInBar == 0;
            const bool onlyPitch = needNote && gs.phase == GrammarPhase::GroupOpen;
            for (const auto& range : allowedRanges)
                for (std::uint32_t id = range.begin; id < range.end; ++id) {
                    if (needNote && id == barId) continue;
                    if (onlyPitch && !isPitch(TokenId(id)) && id != eosId) continue;
                    if (id == eosId && !request.allowEarlyEnd) continue;
                    allowed.push_back(TokenId(id));
                }
            if (allowed.empty())   // the restrictions left nothing (cannot happen with a sane grammar)
                for (const auto& range : allowedRanges)
                    for (std::uint32_t id = range.begin; id < range.end; ++id) allowed.push_back(TokenId(id));
        }

        TokenId id = sampler.sample(logits.data(), V, allowed, recentPitches, eosId);
        if (id == pm::tok::kNotAToken) break;
        // Bars and seconds: a bar is finished when the model closes it (samples Bar). Once the
        // length is reached that Bar becomes the end of the piece (EOS, or a plain stop when a
        // note still sounds past the bar line and the grammar cannot end there).
        bool lengthReached = tokensReached;
        if (id == barId && r.generatedBars > 0) {
            if (request.length.unit == LengthUnit::Bars)
                lengthReached = double(r.generatedBars) >= amount;
            else if (request.length.unit == LengthUnit::Seconds)
                lengthReached = tempo.secondsAtStep(gs.barStart + gs.barLength) >= pre.promptSeconds + amount;
            if (lengthReached) {
                if (!grammar.canEnd()) break;
                id = eosId;
            }
        }
        GenerationUpdate u;
        u.variation = variation;
        u.token = id;
        const bool used = decoder.push(id, &u.events);
        TORCH_CHECK(used, "sampled a token the grammar rejects: ", vocab.name(id));   // a sampler bug
        r.tokens.push_back(id);
        ++r.generatedTokens;
        u.generatedTokens = r.generatedTokens;
        for (const auto& e : u.events) {
            tempo.see(e);
            if (e.kind == DecodedEvent::Kind::Note) ++r.generatedNotes;
        }
        if (id == barId) {
            ++r.generatedBars;
            notesInBar = 0;
        } else if (isPitch(id)) {
            ++notesInBar;
            recentPitches.push_back(id);
        }
        if (onUpdate) onUpdate(u);
        if (id == eosId) {
            r.endedByModel = !lengthReached;
            break;
        }
        if (fast) {
            const float* out = fast->step(std::int64_t(id));
            std::copy(out, out + V, logits.begin());
        } else {
            stepInput.data_ptr<std::int64_t>()[0] = std::int64_t(id);
            const torch::Tensor out = model_->step(stepInput, state).to(torch::kFloat).contiguous();   // (1, V)
            std::copy(out.data_ptr<float>(), out.data_ptr<float>() + V, logits.begin());
        }
    }
    r.generateSeconds = secondsSince(t0);

    const pm::tok::Decoded d = tokenizer_.decode(r.tokens);
    r.file = d.file;
    r.stats = d.stats;
    return r;
}

pm::model::FastStepOptions fastStepOptions(WeightMode weights, int stepThreads) {
    pm::model::FastStepOptions fo;
    fo.weights = weights == WeightMode::Fp32   ? pm::model::FastStepWeights::Exact
                 : weights == WeightMode::Bf16 ? pm::model::FastStepWeights::Bf16
                 : weights == WeightMode::Int8 ? pm::model::FastStepWeights::Int8
                                               : pm::model::FastStepWeights::Auto;
    fo.threads = stepThreads > 0 ? stepThreads
                                 : pm::generationThreads(int(std::max(1u, std::thread::hardware_concurrency())), false);
    return fo;
}

std::unique_ptr<Generator> loadGenerator(const std::string& modelPath, std::string* error) {
    try {
        pm::model::LoadedModel loaded = pm::model::loadModel(modelPath);
        pm::tok::TokenizerConfig config;   // default: what official .pth files cannot tell us
        if (!loaded.tokenizerJson.empty()) {
            const auto read = pm::tok::configFromJson(nlohmann::json::parse(loaded.tokenizerJson));
            if (!read.config) {
                if (error) *error = modelPath + ": its tokenizer config cannot be used: " + read.error;
                return nullptr;
            }
            config = *read.config;
        }
        return std::make_unique<Generator>(loaded.model, pm::tok::Tokenizer(config));
    } catch (const std::exception& e) {
        if (error) *error = e.what();
    }
    return nullptr;
}

std::vector<GenerationResult> GenerationSession::start(const GenerationRequest& request, const UpdateCallback& onUpdate,
                                                       const std::atomic<bool>* cancel) {
    auto results = generator_.generate(request, onUpdate, cancel);
    if (!results.empty()) {
        history_.clear();
        history_.push_back(results.front());
        lastVariations_ = results;
    }
    return results;
}

std::vector<GenerationResult> GenerationSession::continueCurrent(GenerationRequest request,
                                                                 const UpdateCallback& onUpdate,
                                                                 const std::atomic<bool>* cancel) {
    if (history_.empty()) return {};
    request.prompt = history_.back().tokens;
    auto results = generator_.generate(request, onUpdate, cancel);
    if (!results.empty()) {
        history_.push_back(results.front());
        lastVariations_ = results;
    }
    return results;
}

void GenerationSession::push(GenerationResult result) {
    history_.push_back(std::move(result));
    lastVariations_.assign(1, history_.back());
}

bool GenerationSession::choose(std::size_t variation) {
    if (history_.empty() || variation >= lastVariations_.size()) return false;
    history_.back() = lastVariations_[variation];
    return true;
}

bool GenerationSession::undo() {
    if (!canUndo()) return false;
    history_.pop_back();
    lastVariations_.assign(1, history_.back());
    return true;
}

}  // namespace pm::gen
