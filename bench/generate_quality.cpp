// What the fused step's lossy weight modes cost in quality (issue 15): validation bits per note
// of a model on a dataset through the fused step (fp32/exact, bf16-rounded, int8), next to the
// LibTorch sequence forward that `pianomuse-cli eval` uses (same windows: bar-aligned, --ctx
// tokens, unaugmented; each window from a fresh state), and seeded continuations of the same
// prompt with exact and int8 weights compared token by token and note by note.
//
//   pianomuse-bench-generate-quality --model M.safetensors --data DATASET [--ctx 256] [--seeds 20]
//       [--prompt F.mid --prompt-bars 4] [--bars 8]
#include "dataset/dataset_store.h"
#include "generate/generator.h"
#include "generate/prompt.h"
#include "model/checkpoint_io.h"
#include "model/rwkv7_fast_step.h"
#include "train/batcher.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr double kLn2 = 0.6931471805599453;

struct Score {
    double nll = 0;   // nats over the counted targets
    std::int64_t tokens = 0, notes = 0;
    double bitsPerNote() const { return notes > 0 ? nll / kLn2 / double(notes) : 0; }
};

// Σ -log p(target) of a row of logits (log-sum-exp in double).
double nllOf(const float* logits, std::int64_t V, std::int64_t target) {
    double mx = logits[0];
    for (std::int64_t v = 1; v < V; ++v) mx = std::max(mx, double(logits[v]));
    double sum = 0;
    for (std::int64_t v = 0; v < V; ++v) sum += std::exp(double(logits[v]) - mx);
    return mx + std::log(sum) - double(logits[target]);
}

}  // namespace

int main(int argc, char** argv) {
    std::string modelPath, dataPath, promptPath;
    int ctx = 256, seeds = 20;
    double promptBars = 4, bars = 8;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--model")) modelPath = argv[i + 1];
        if (!std::strcmp(argv[i], "--data")) dataPath = argv[i + 1];
        if (!std::strcmp(argv[i], "--ctx")) ctx = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--seeds")) seeds = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--prompt")) promptPath = argv[i + 1];
        if (!std::strcmp(argv[i], "--prompt-bars")) promptBars = std::atof(argv[i + 1]);
        if (!std::strcmp(argv[i], "--bars")) bars = std::atof(argv[i + 1]);
    }
    if (modelPath.empty() || dataPath.empty()) {
        std::fprintf(stderr, "usage: %s --model M --data DATASET [--ctx 256] [--seeds 20] [--prompt F.mid]\n", argv[0]);
        return 2;
    }
    torch::set_num_threads(1);
    torch::NoGradGuard ng;
    pm::dataset::DatasetContents data;
    if (std::string e = pm::dataset::loadDataset(dataPath, &data); !e.empty()) {
        std::fprintf(stderr, "%s\n", e.c_str());
        return 2;
    }
    pm::model::LoadedModel lm = pm::model::loadModel(modelPath);
    pm::model::Rwkv7Model& model = lm.model;
    model->eval();
    const std::int64_t V = model->config().vocabSize;
    pm::train::BatcherOptions bo;
    bo.ctxLen = ctx;
    bo.batchSize = 1;
    bo.augment = false;
    pm::train::Batcher val(data, pm::dataset::Split::Validation, bo);
    std::printf("%s on %s: %zu validation windows of <= %d tokens\n", model->config().describe().c_str(),
                dataPath.c_str(), val.windowCount(), ctx);

    // LibTorch's sequence forward (the eval path), then the fused step in each mode.
    using pm::model::FastStepWeights;
    struct Mode {
        const char* name;
        bool torch;
        FastStepWeights w;
    };
    std::vector<std::vector<float>> exactLogits;   // per counted target, for the int8 comparison
    double refBits = 1;
    for (const Mode& mode : {Mode{"LibTorch forward (eval)", true, FastStepWeights::Exact},
                             Mode{"fused, exact weights", false, FastStepWeights::Exact},
                             Mode{"fused, bf16-rounded", false, FastStepWeights::Bf16},
                             Mode{"fused, int8 per-row", false, FastStepWeights::Int8}}) {
        Score s;
        std::unique_ptr<pm::model::Rwkv7FastStep> fast;
        if (!mode.torch) {
            pm::model::FastStepOptions o;
            o.weights = mode.w;
            fast = std::make_unique<pm::model::Rwkv7FastStep>(*model, true, o);
        }
        double maxDiff = 0;
        std::int64_t argmaxSame = 0, compared = 0;
        std::size_t row = 0;
        for (std::size_t w = 0; w < val.windowCount(); ++w) {
            const pm::train::Batch b = val.select({w});
            const std::int64_t T = b.cols;
            torch::Tensor seqLogits;
            if (mode.torch) {
                const torch::Tensor in = torch::from_blob(const_cast<std::int64_t*>(b.inputs.data()), {1, T}, torch::kLong);
                seqLogits = model->forward(in)[0].to(torch::kFloat).contiguous();
            } else {
                fast->reset();
            }
            for (std::int64_t t = 0; t < T; ++t) {
                if (b.mask[size_t(t)] <= 0) continue;   // padding only follows the real tokens
                const float* l = mode.torch ? seqLogits.data_ptr<float>() + t * V : fast->step(b.inputs[size_t(t)]);
                s.nll += nllOf(l, V, b.targets[size_t(t)]);
                ++s.tokens;
                if (mode.w == FastStepWeights::Exact && !mode.torch) {
                    exactLogits.emplace_back(l, l + V);
                } else if (!mode.torch && row < exactLogits.size()) {
                    const std::vector<float>& e = exactLogits[row];
                    double mx = 0, d = 0;
                    for (std::int64_t v = 0; v < V; ++v) {
                        mx = std::max(mx, double(std::fabs(e[size_t(v)])));
                        d = std::max(d, double(std::fabs(e[size_t(v)] - l[v])));
                    }
                    maxDiff = std::max(maxDiff, d / std::max(mx, 1e-6));
                    argmaxSame += std::max_element(e.begin(), e.end()) - e.begin() == std::max_element(l, l + V) - l;
                    ++compared;
                }
                ++row;
            }
            s.notes += b.notes;
        }
        if (mode.torch) refBits = s.bitsPerNote();
        std::printf("  %-26s %.6f bits/note (%+.3f %% vs LibTorch), %.6f nats/token (%lld tokens, %lld notes)",
                    mode.name, s.bitsPerNote(), 100 * (s.bitsPerNote() / refBits - 1),
                    s.nll / double(std::max<std::int64_t>(1, s.tokens)), static_cast<long long>(s.tokens),
                    static_cast<long long>(s.notes));
        if (compared > 0)
            std::printf("; vs exact: max |dlogit| %.2e of max|logit|, same argmax %.2f %%", maxDiff,
                        100.0 * double(argmaxSame) / double(compared));
        std::printf("\n");
    }

    // Seeded continuations, exact vs int8: where the token streams first part, and how many of
    // the notes (pitch, start, duration, velocity in order) agree.
    pm::tok::TokenizerConfig tc;
    pm::gen::Generator gen(model, pm::tok::Tokenizer(tc));
    std::unique_ptr<pm::gen::Generator> loaded;
    std::string err;
    loaded = pm::gen::loadGenerator(modelPath, &err);
    pm::gen::Generator& g = loaded ? *loaded : gen;
    pm::gen::PromptSpec spec;
    spec.file = promptPath;
    spec.bars = promptBars;
    const pm::gen::Prompt prompt = pm::gen::buildPrompt(g.tokenizer(), spec);
    int identical = 0;
    double sumFirstDiff = 0, sumNoteAgree = 0;
    std::printf("  seeded continuations (%s, %g bars, temperature 1, top-p 0.95, %d seeds), exact vs int8:\n",
                promptPath.empty() ? "from 4/4 120 BPM" : promptPath.c_str(), bars, seeds);
    for (int seed = 1; seed <= seeds; ++seed) {
        pm::gen::GenerationRequest r;
        r.prompt = prompt.tokens;
        r.length = {pm::gen::LengthUnit::Bars, bars};
        r.sampling.seed = std::uint64_t(seed);
        r.sampling.topP = 0.95;
        r.sampling.repetitionPenalty = 1.1;
        r.weights = pm::gen::WeightMode::Fp32;
        const auto a = g.generate(r)[0];
        r.weights = pm::gen::WeightMode::Int8;
        const auto b = g.generate(r)[0];
        std::size_t first = a.promptTokens;
        while (first < a.tokens.size() && first < b.tokens.size() && a.tokens[first] == b.tokens[first]) ++first;
        const bool same = a.tokens == b.tokens;
        identical += same;
        const std::size_t gen = std::max(a.generatedTokens, b.generatedTokens);
        const double firstDiff = same ? double(gen) : double(first - a.promptTokens);
        sumFirstDiff += firstDiff;
        // Notes of the continuation in order; agreement = common prefix of equal notes / notes.
        const auto notesOf = [](const pm::gen::GenerationResult& res) {
            std::vector<std::tuple<std::int64_t, int, std::int64_t, int>> n;   // start, pitch, duration, velocity
            for (const auto& tr : res.file.tracks)
                for (const auto& note : tr.notes)
                    if (note.startSeconds >= res.promptSeconds - 1e-9)
                        n.emplace_back(std::int64_t(note.start), int(note.pitch), std::int64_t(note.end - note.start),
                                       int(note.velocity));
            std::sort(n.begin(), n.end());
            return n;
        };
        const auto na = notesOf(a), nb = notesOf(b);
        std::size_t agree = 0;
        while (agree < na.size() && agree < nb.size() && na[agree] == nb[agree]) ++agree;
        const double frac = double(agree) / double(std::max<std::size_t>(1, std::max(na.size(), nb.size())));
        sumNoteAgree += frac;
        std::printf("    seed %2d: %s; first different token at %4.0f of %zu generated; continuation notes equal up to %zu of %zu/%zu (%.0f %%)\n",
                    seed, same ? "identical" : "differ   ", firstDiff, gen, agree, na.size(), nb.size(), 100 * frac);
    }
    std::printf("  identical continuations: %d of %d; mean tokens before the first difference %.0f; mean share of "
                "notes equal from the start %.0f %%\n",
                identical, seeds, sumFirstDiff / seeds, 100 * sumNoteAgree / seeds);
    return 0;
}
