// The fused CPU step (engine/model/rwkv7_fast_step.h over kernels/cpu/rwkv7_step_cpu.cpp) against
// the LibTorch model it mirrors: logits per token equal Rwkv7ModelImpl::step and the sequence-mode
// forward, on the AVX2 and the plain loops, for the tiny preset, a shape with no multiple of 8
// anywhere, DeepEmbed, state tuning, bf16 parameters, unmerged LoRA and the float64 reference
// fixtures; exact-bf16 matrix storage gives the fp32 results; states convert both ways; the
// generator gives the same seeded pieces on both paths.
//
// Tolerance: |fast - ref| ≤ 1e-4 · max|ref| per token (relative to that token's largest logit).
// Both sides compute in fp32 with different summation orders and the AVX2 path's polynomial exp
// (≈1e-7 relative), so observed errors are ~1e-6; 1e-4 leaves room for long accumulations.
#include "fixture_files.h"
#include "generate/generator.h"
#include "generate/prompt.h"
#include "model/checkpoint_io.h"
#include "model/rwkv7_fast_step.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using pm::model::Rwkv7Config;
using pm::model::Rwkv7FastStep;
using pm::model::Rwkv7Model;
using pm::model::Rwkv7State;
using torch::Tensor;

constexpr double kRelTol = 1e-4;
constexpr int64_t kTokens = 60;

// Every parameter gets noise on top of the official init, so the zero-initialised parts
// (att.output, ffn.value, the first LoRA factors, enn = 1) do not hide a wrong formula.
Rwkv7Model randomModel(const Rwkv7Config& c, uint64_t seed) {
    Rwkv7Model m(c);
    m->initWeights(seed);
    torch::NoGradGuard ng;
    torch::manual_seed(seed);
    for (auto& p : m->parameters()) p.add_(torch::randn_like(p) * 0.2);
    m->eval();
    return m;
}

Tensor randomTokens(int64_t V, int64_t T, uint64_t seed) {
    torch::manual_seed(seed);
    return torch::randint(0, V, {T}, torch::kLong);
}

// Largest per-token relative difference between `fast` (T rows of V) and `ref` (T, V).
double relErr(const std::vector<std::vector<float>>& fast, const Tensor& ref) {
    double worst = 0;
    for (size_t t = 0; t < fast.size(); ++t) {
        const Tensor row = ref[int64_t(t)].to(torch::kFloat).contiguous();
        const Tensor got = torch::from_blob(const_cast<float*>(fast[t].data()), {row.size(0)}, torch::kFloat);
        const double scale = std::max(row.abs().max().item<double>(), 1e-6);
        worst = std::max(worst, (got - row).abs().max().item<double>() / scale);
    }
    return worst;
}

std::vector<std::vector<float>> runFast(Rwkv7FastStep& fast, const Tensor& tokens) {
    std::vector<std::vector<float>> out;
    for (int64_t t = 0; t < tokens.size(0); ++t) {
        const float* l = fast.step(tokens[t].item<int64_t>());
        out.emplace_back(l, l + fast.vocabSize());
    }
    return out;
}

// Logits of the LibTorch step, one token at a time from the model's initial state: (T, V).
Tensor runTorchSteps(Rwkv7Model& m, const Tensor& tokens) {
    Rwkv7State st = m->initialState(1);
    std::vector<Tensor> rows;
    for (int64_t t = 0; t < tokens.size(0); ++t) rows.push_back(m->step(tokens.narrow(0, t, 1), st)[0]);
    return torch::stack(rows);
}

// Runs the fused step with the AVX2 loops (where the CPU has them) and with the plain loops, with
// and without exact-bf16 matrix storage, each against the sequence forward and the LibTorch step
// of `ref` (the same weights as `model`).
void expectMatches(Rwkv7Model& model, Rwkv7Model& ref, const Tensor& tokens, const std::string& what) {
    torch::NoGradGuard ng;
    const Tensor seq = ref->forward(tokens.unsqueeze(0))[0];
    const Tensor steps = runTorchSteps(ref, tokens);
    for (const int variant : {0, 1, 2, 3}) {
        const bool simd = variant < 2, bf16WhenExact = variant % 2 == 0;
        pm::kernels::rwkv7StepSetSimdEnabled(simd);
        Rwkv7FastStep fast(*model, bf16WhenExact);
        pm::kernels::rwkv7StepSetSimdEnabled(true);
        if (!bf16WhenExact) {
            EXPECT_FALSE(fast.bf16Weights());
        }
        if (!simd) {
            EXPECT_FALSE(fast.usesSimd());
        }
        if (simd && !pm::kernels::rwkv7StepSimdAvailable()) std::printf("[fast step %s] no AVX2+FMA here\n", what.c_str());
        const auto got = runFast(fast, tokens);
        const double eSeq = relErr(got, seq), eStep = relErr(got, steps);
        std::printf("[fast step %s, %s, %s weights] T=%lld rel err vs sequence %.2e, vs LibTorch step %.2e\n",
                    what.c_str(), fast.usesSimd() ? "avx2" : "plain", fast.bf16Weights() ? "bf16" : "fp32",
                    (long long)tokens.size(0), eSeq, eStep);
        EXPECT_LT(eSeq, kRelTol) << what << (simd ? " avx2" : " plain");
        EXPECT_LT(eStep, kRelTol) << what << (simd ? " avx2" : " plain");
    }
}

Rwkv7Config oddShape() {
    Rwkv7Config c;
    c.vocabSize = 37;
    c.nEmbd = 36;
    c.nLayer = 3;
    c.headSize = 12;   // 3 heads of 12: WKV rows not a multiple of 8
    c.ffnDim = 100;
    c.loraW = 5;
    c.loraA = 7;
    c.loraV = 3;
    c.loraG = 9;
    return c;
}

TEST(FastStep, TinyPresetMatchesTheLibTorchPaths) {
    Rwkv7Model m = randomModel(Rwkv7Config::preset("tiny", 300), 1);
    expectMatches(m, m, randomTokens(300, kTokens, 2), "tiny");
    EXPECT_FALSE(Rwkv7FastStep(*m).bf16Weights());   // fp32 values stay fp32
}

TEST(FastStep, ShapesThatAreNoMultipleOfEight) {
    Rwkv7Model m = randomModel(oddShape(), 3);
    expectMatches(m, m, randomTokens(37, kTokens, 4), "odd C36 N12 F100");
}

TEST(FastStep, DeepEmbed) {
    Rwkv7Config c = Rwkv7Config::preset("tiny", 200, /*deepEmbed=*/true);
    c.nLayer = 2;
    Rwkv7Model m = randomModel(c, 5);
    expectMatches(m, m, randomTokens(200, kTokens, 6), "deepembed");
}

TEST(FastStep, StateTuningStartsFromTheTrainedState) {
    Rwkv7Config c = Rwkv7Config::preset("tiny", 100);
    c.nLayer = 2;
    Rwkv7Model m(c);
    m->initWeights(7);
    m->enableStateTuning();
    {
        torch::NoGradGuard ng;
        torch::manual_seed(8);
        for (auto& p : m->parameters()) p.add_(torch::randn_like(p) * 0.2);
    }
    m->eval();
    expectMatches(m, m, randomTokens(100, kTokens, 9), "state tuning");
}

TEST(FastStep, UnmergedLoraIsFoldedIn) {
    Rwkv7Config c = Rwkv7Config::preset("tiny", 100);
    c.nLayer = 2;
    Rwkv7Model m = randomModel(c, 10);
    m->enableLora(4, 8.0);
    {
        torch::NoGradGuard ng;
        for (auto& item : m->named_parameters())
            if (item.key().find("lora_B") != std::string::npos) item.value().normal_(0, 0.05);
    }
    expectMatches(m, m, randomTokens(100, kTokens, 11), "lora");
}

TEST(FastStep, Bf16ParametersComputeInFp32) {
    Rwkv7Config c = Rwkv7Config::preset("tiny", 120);
    c.nLayer = 2;
    Rwkv7Model ref = randomModel(c, 12);
    Rwkv7Model half(c);
    {
        torch::NoGradGuard ng;
        for (auto& p : ref->parameters()) p.copy_(p.to(torch::kBFloat16).to(torch::kFloat));   // bf16 values
        auto dst = half->named_parameters();
        for (const auto& item : ref->named_parameters()) dst[item.key()].copy_(item.value());
    }
    half->to(torch::kBFloat16);
    half->eval();
    ASSERT_EQ(half->emb->weight.scalar_type(), torch::kBFloat16);
    // The reference is the fp32 model holding the same (bf16-rounded) values.
    expectMatches(half, ref, randomTokens(120, kTokens, 13), "bf16 params");
    Rwkv7FastStep fast(*half);
    EXPECT_TRUE(fast.bf16Weights());   // exact bf16 values: half the bytes, the same numbers
    EXPECT_TRUE(Rwkv7FastStep(*ref).bf16Weights());
    fast.step(1);
    EXPECT_EQ(fast.state().layers[0].attXPrev.scalar_type(), torch::kBFloat16);
    EXPECT_EQ(fast.state().layers[0].wkv.scalar_type(), torch::kFloat);
}

TEST(FastStep, FloatSixtyFourReferenceFixtures) {
    struct Fx {
        const char *dir, *weights, *logits;
    };
    for (const Fx& fx : {Fx{"l2_c32", "tiny_x070_fp32.pth", "logits_fp32w.f32"},
                         Fx{"l2_c32", "tiny_x070_bf16.pth", "logits_bf16w.f32"},
                         Fx{"l2_c32_deepembed", "tiny_x070_bf16.pth", "logits_bf16w.f32"},
                         Fx{"l1_c64_n64", "tiny_x070_bf16.pth", "logits_bf16w.f32"}}) {
        pm::model::LoadedModel m = pm::model::loadModel(pm::test::rwkvFixture(std::string(fx.dir) + "/" + fx.weights));
        const Tensor tokens = pm::test::readRaw(pm::test::rwkvFixture(std::string(fx.dir) + "/tokens.i64"), torch::kLong);
        const int64_t V = m.model->config().vocabSize;
        const Tensor want =
            pm::test::readRaw(pm::test::rwkvFixture(std::string(fx.dir) + "/" + fx.logits), torch::kFloat)
                .reshape({tokens.size(0), V});
        for (const bool simd : {true, false}) {
            pm::kernels::rwkv7StepSetSimdEnabled(simd);
            Rwkv7FastStep fast(*m.model);   // the bf16 files take the exact-bf16 storage
            pm::kernels::rwkv7StepSetSimdEnabled(true);
            const auto got = runFast(fast, tokens);
            double err = 0;
            for (size_t t = 0; t < got.size(); ++t)
                for (int64_t v = 0; v < V; ++v)
                    err = std::max(err, std::abs(double(got[t][size_t(v)]) - want[int64_t(t)][v].item<double>()));
            std::printf("[fast step golden %s/%s %s, %s weights] max |logit - float64 ref| = %.2e\n", fx.dir,
                        fx.weights, simd ? "avx2" : "plain", fast.bf16Weights() ? "bf16" : "fp32", err);
            EXPECT_LT(err, 1e-4) << fx.dir << "/" << fx.weights;   // the golden test's bound
        }
    }
}

TEST(FastStep, StatesAreInterchangeableWithTheLibTorchPath) {
    torch::NoGradGuard ng;
    Rwkv7Config c = Rwkv7Config::preset("tiny", 150);
    c.nLayer = 3;
    Rwkv7Model m = randomModel(c, 14);
    const Tensor tokens = randomTokens(150, 3 * 20, 15);
    const Tensor seq = m->forward(tokens.unsqueeze(0))[0];
    // Sequence prefill → fused steps → LibTorch steps, against the full sequence.
    Rwkv7State st = m->initialState(1);
    m->forward(tokens.narrow(0, 0, 20).unsqueeze(0), &st);
    Rwkv7FastStep fast(*m);
    fast.setState(st);
    const auto mid = runFast(fast, tokens.narrow(0, 20, 20));
    EXPECT_LT(relErr(mid, seq.narrow(0, 20, 20)), kRelTol);
    Rwkv7State back = fast.state();
    Rwkv7State viaTorch = m->initialState(1);
    m->forward(tokens.narrow(0, 0, 40).unsqueeze(0), &viaTorch);
    const auto rel = [](const Tensor& got, const Tensor& want) {
        return ((got - want).abs().max() / want.abs().max()).item<double>();
    };
    for (size_t l = 0; l < back.layers.size(); ++l) {
        const double eA = rel(back.layers[l].attXPrev, viaTorch.layers[l].attXPrev);
        const double eF = rel(back.layers[l].ffnXPrev, viaTorch.layers[l].ffnXPrev);
        const double eW = rel(back.layers[l].wkv, viaTorch.layers[l].wkv);
        std::printf("[fast step state, layer %zu] rel err att_x_prev %.2e, ffn_x_prev %.2e, wkv %.2e\n", l, eA, eF, eW);
        EXPECT_LT(eA, kRelTol);
        EXPECT_LT(eF, kRelTol);
        EXPECT_LT(eW, kRelTol);
    }
    std::vector<Tensor> rows;
    for (int64_t t = 40; t < 60; ++t) rows.push_back(m->step(tokens.narrow(0, t, 1), back)[0]);
    EXPECT_LT(rel(torch::stack(rows), seq.narrow(0, 40, 20)), kRelTol);
    // An empty state is a fresh sequence; a state of another model is refused.
    fast.setState(Rwkv7State{});
    EXPECT_LT(relErr(runFast(fast, tokens.narrow(0, 0, 5)), seq.narrow(0, 0, 5)), kRelTol);
    Rwkv7State wrong = m->initialState(2);
    EXPECT_THROW(fast.setState(wrong), std::invalid_argument);
    EXPECT_THROW(fast.step(150), std::out_of_range);
}

TEST(FastStep, TryCreateHonoursTheSwitchAndUnsupportedModels) {
    Rwkv7Config c = Rwkv7Config::preset("tiny", 50);
    c.nLayer = 1;
    Rwkv7Model m(c);
    pm::model::setFastStepEnabled(false);
    std::string why;
    EXPECT_EQ(Rwkv7FastStep::tryCreate(*m, &why), nullptr);
    EXPECT_EQ(why, "switched off");
    pm::model::setFastStepEnabled(true);
    EXPECT_NE(Rwkv7FastStep::tryCreate(*m), nullptr);
    m->to(torch::kDouble);
    EXPECT_EQ(Rwkv7FastStep::tryCreate(*m, &why), nullptr);
    EXPECT_NE(why.find("Double"), std::string::npos) << why;
    EXPECT_THROW(Rwkv7FastStep{*m}, std::invalid_argument);
}

// The generator takes the fused path for CPU models: seeded pieces repeat exactly and are the
// pieces the LibTorch step gives (the logits agree to ~1e-6, far below any sampling threshold
// these seeds meet).
TEST(FastStep, GeneratorPiecesAreSeededAndMatchTheLibTorchStep) {
    pm::tok::Tokenizer tokenizer;
    Rwkv7Config c = Rwkv7Config::preset("tiny", int64_t(tokenizer.vocabulary().size()));
    c.nLayer = 2;
    Rwkv7Model m = randomModel(c, 16);
    pm::gen::GenerationRequest r;
    r.prompt = pm::gen::metadataPrompt(tokenizer, {4, 4}, 120).tokens;
    r.length = {pm::gen::LengthUnit::Tokens, 150};
    r.sampling.seed = 42;
    r.variations = 2;
    const auto run = [&](bool fast) {
        pm::model::setFastStepEnabled(fast);
        pm::gen::Generator gen(m, tokenizer);
        auto res = gen.generate(r);
        pm::model::setFastStepEnabled(true);
        return res;
    };
    const auto a = run(true), b = run(true), ref = run(false);
    ASSERT_EQ(a.size(), 2u);
    for (size_t v = 0; v < a.size(); ++v) {
        EXPECT_GT(a[v].generatedTokens, 100u);
        EXPECT_TRUE(a[v].stats.clean());
        EXPECT_EQ(a[v].tokens, b[v].tokens) << "variation " << v;
        EXPECT_EQ(a[v].tokens, ref[v].tokens) << "variation " << v;
    }
}

// int8 weights. The reference is independent of the step's own quantiser: the LibTorch model with
// every big matrix replaced by its dequantised copy, computed here with torch ops (per output row;
// for ffn.value per input column, the row of the transposed layout the step keeps), and the LoRA
// factors rounded to bf16 (int8 mode holds them so), so the fused
// int8 step must give that model's logits within the fp32 tolerance above. Against the original
// fp32 model the difference is the quantisation itself: each weight moves by at most s/2 =
// max|row|/254 (0.39 % of its row's largest value), which the test measures through the whole
// network and bounds at 5 % of each token's largest |logit| (observed ≈ 0.4–1.5 %; the random
// +0.2 noise here makes every row's maximum large, the worst case for a per-row scale).
Tensor dequantised(const Tensor& w, int64_t dim) {
    const Tensor f = w.detach().to(torch::kFloat);
    const Tensor scale = f.abs().amax({dim}, true) / 127.0f;
    const Tensor safe = torch::where(scale > 0, scale, torch::ones_like(scale));
    return torch::where(scale > 0, torch::round(f / safe).clamp(-127, 127) * scale, torch::zeros_like(f));
}

Rwkv7Model dequantisedCopy(Rwkv7Model& m) {
    Rwkv7Model q(m->config());
    torch::NoGradGuard ng;
    auto dst = q->named_parameters();
    for (const auto& item : m->named_parameters()) dst[item.key()].copy_(item.value());
    for (auto& item : q->named_parameters()) {
        const std::string& k = item.key();
        const bool rows = k.find("att.receptance.weight") != std::string::npos ||
                          k.find("att.key.weight") != std::string::npos ||
                          k.find("att.value.weight") != std::string::npos ||
                          k.find("att.output.weight") != std::string::npos ||
                          k.find("ffn.key.weight") != std::string::npos || k == "head.weight";
        const bool cols = k.find("ffn.value.weight") != std::string::npos;
        if (rows) item.value().copy_(dequantised(item.value(), 1));
        if (cols) item.value().copy_(dequantised(item.value(), 0));
        // int8 mode holds the LoRA factors as bf16 (round to nearest even, as torch rounds).
        for (const char* f : {"att.w1", "att.w2", "att.a1", "att.a2", "att.v1", "att.v2", "att.g1", "att.g2"})
            if (k.size() >= std::strlen(f) && k.compare(k.size() - std::strlen(f), std::strlen(f), f) == 0)
                item.value().copy_(item.value().to(torch::kBFloat16).to(torch::kFloat));
    }
    q->eval();
    return q;
}

TEST(FastStepInt8, MatchesTheDequantisedModelAndStaysNearFp32) {
    torch::NoGradGuard ng;
    for (const bool odd : {false, true}) {
        Rwkv7Model m = odd ? randomModel(oddShape(), 20) : randomModel(Rwkv7Config::preset("tiny", 300), 21);
        const int64_t V = m->config().vocabSize;
        const Tensor tokens = randomTokens(V, kTokens, 22);
        Rwkv7Model q = dequantisedCopy(m);
        const Tensor refQ = q->forward(tokens.unsqueeze(0))[0];
        const Tensor refF = m->forward(tokens.unsqueeze(0))[0];
        for (const bool simd : {true, false}) {
            pm::kernels::rwkv7StepSetSimdEnabled(simd);
            pm::model::FastStepOptions o;
            o.weights = pm::model::FastStepWeights::Int8;
            Rwkv7FastStep fast(*m, true, o);
            pm::kernels::rwkv7StepSetSimdEnabled(true);
            EXPECT_EQ(fast.weightMode(), pm::kernels::Rwkv7WeightMode::Int8);
            const auto got = runFast(fast, tokens);
            const double eQ = relErr(got, refQ), eF = relErr(got, refF);
            std::printf("[fast step int8 %s, %s] rel err vs dequantised LibTorch model %.2e, vs fp32 model %.2e\n",
                        odd ? "odd shape" : "tiny", simd ? "avx2" : "plain", eQ, eF);
            EXPECT_LT(eQ, kRelTol);
            (void)eF;   // printed only: these noise-heavy random models amplify any change over 60 tokens
        }
    }
}

// On real weights (the shipped base model, trained, bf16) the int8 step's logits stay within a few
// percent of the exact step's: the per-weight rounding (≤ max|row|/254) through 6 layers and 60
// recurrent tokens of a demo piece. Bound 5 % of each token's largest |logit| (observed ≈ 1 %).
TEST(FastStepInt8, ShippedModelLogitsStayCloseToExact) {
    torch::NoGradGuard ng;
    const std::string path = std::string(PIANOMUSE_TEST_DATA_DIR) + "/../../resources/models/pianomuse-base.safetensors";
    pm::model::LoadedModel lm = pm::model::loadModel(path);
    const int64_t V = lm.model->config().vocabSize;
    const Tensor tokens = randomTokens(V, kTokens, 27);
    const Tensor ref = lm.model->forward(tokens.unsqueeze(0))[0];
    pm::model::FastStepOptions o;
    o.weights = pm::model::FastStepWeights::Int8;
    o.threads = 2;
    Rwkv7FastStep fast(*lm.model, true, o);
    const double e = relErr(runFast(fast, tokens), ref);
    std::printf("[fast step int8, shipped model] rel err vs the exact model %.2e\n", e);
    EXPECT_LT(e, 5e-2);
}

// Threads split rows on the single-threaded loops' boundaries: the same bits for 1, 2 and 3 threads.
TEST(FastStepThreads, TwoThreadsGiveTheSameBitsAsOne) {
    Rwkv7Model m = randomModel(Rwkv7Config::preset("small", 200), 23);
    const Tensor tokens = randomTokens(200, 20, 24);
    for (const auto w : {pm::model::FastStepWeights::Exact, pm::model::FastStepWeights::Int8}) {
        std::vector<std::vector<float>> ref;
        for (const int threads : {1, 2, 3}) {
            pm::model::FastStepOptions o;
            o.weights = w;
            o.threads = threads;
            Rwkv7FastStep fast(*m, true, o);
            EXPECT_EQ(fast.threads(), threads);
            const auto got = runFast(fast, tokens);
            if (threads == 1) ref = got;
            for (size_t t = 0; t < got.size(); ++t)
                ASSERT_EQ(got[t], ref[t]) << "threads " << threads << " token " << t;
        }
    }
}

// Auto picks int8 only above kAutoInt8Bytes of matrices; fp32 keeps the model's values.
TEST(FastStepInt8, AutoFollowsTheSizeThreshold) {
    Rwkv7Model small = randomModel(Rwkv7Config::preset("tiny", 100), 25);
    pm::model::FastStepOptions o;
    o.weights = pm::model::FastStepWeights::Auto;
    Rwkv7FastStep a(*small, true, o);
    EXPECT_EQ(a.weightMode(), pm::kernels::Rwkv7WeightMode::Exact);
    EXPECT_LT(a.matrixBytes(), pm::model::kAutoInt8Bytes);
    Rwkv7Config big = Rwkv7Config::preset("base", 100);
    big.nLayer = 3;   // 3 × 3.1 M fp32 values = 38 MB (as bf16 values it would be 19 MB: exact)
    Rwkv7Model b = randomModel(big, 26);
    Rwkv7FastStep ab(*b, true, o);
    EXPECT_EQ(ab.weightMode(), pm::kernels::Rwkv7WeightMode::Int8);
    o.weights = pm::model::FastStepWeights::Exact;
    EXPECT_EQ(Rwkv7FastStep(*b, true, o).weightMode(), pm::kernels::Rwkv7WeightMode::Exact);
}

}  // namespace
