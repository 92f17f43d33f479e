// The model against golden logits and states from the independent float64 reference
// (/work/shared/tools/rwkv7_ref.py via rwkv7_make_fixture.py, committed under tests/data/rwkv7):
// fp32 and bf16 weights, with and without DeepEmbed, head sizes 16 and 64, LoRA ranks that
// differ per LoRA. Also GPT mode == RNN mode, and prefill-then-continue == the full sequence.
#include "fixture_files.h"
#include "model/checkpoint_io.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace {

using pm::test::readRaw;
using pm::test::rwkvFixture;
using torch::Tensor;

struct Golden {
    const char* dir;
    const char* weights;
    const char* logits;
    int64_t layers, embd, head, vocab;
    std::vector<int64_t> ranks;   // D_w, D_a, D_v, D_g
    bool deepEmbed;
};

const Golden kGoldens[] = {
    {"l2_c32", "tiny_x070_fp32.pth", "logits_fp32w.f32", 2, 32, 16, 48, {8, 4, 16, 12}, false},
    {"l2_c32", "tiny_x070_bf16.pth", "logits_bf16w.f32", 2, 32, 16, 48, {8, 4, 16, 12}, false},
    {"l2_c32_deepembed", "tiny_x070_bf16.pth", "logits_bf16w.f32", 2, 32, 16, 40, {12, 8, 4, 16}, true},
    {"l1_c64_n64", "tiny_x070_bf16.pth", "logits_bf16w.f32", 1, 64, 64, 32, {16, 8, 8, 4}, false},
};

class GoldenTest : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenTest, LogitsMatchTheFloat64Reference) {
    const Golden g = GetParam();
    torch::NoGradGuard ng;
    pm::model::LoadedModel m = pm::model::loadModel(rwkvFixture(std::string(g.dir) + "/" + g.weights));
    const pm::model::Rwkv7Config& c = m.model->config();
    EXPECT_EQ(c.nLayer, g.layers);
    EXPECT_EQ(c.nEmbd, g.embd);
    EXPECT_EQ(c.headSize, g.head);
    EXPECT_EQ(c.vocabSize, g.vocab);
    EXPECT_EQ((std::vector<int64_t>{c.loraW, c.loraA, c.loraV, c.loraG}), g.ranks);
    EXPECT_EQ(c.deepEmbed, g.deepEmbed);

    const Tensor tokens = readRaw(rwkvFixture(std::string(g.dir) + "/tokens.i64"), torch::kLong);
    const int64_t T = tokens.size(0);
    const Tensor want = readRaw(rwkvFixture(std::string(g.dir) + "/" + g.logits), torch::kFloat).reshape({T, g.vocab});
    const Tensor got = m.model->forward(tokens.unsqueeze(0))[0];
    const double err = (got - want).abs().max().item<double>();
    std::printf("[golden %s/%s] T=%lld max |logit - ref| = %.2e\n", g.dir, g.weights, (long long)T, err);
    EXPECT_LT(err, 1e-4);

    // RNN mode: one token at a time with the carried state.
    pm::model::Rwkv7State st = m.model->initialState(1);
    double rnnErr = 0;
    for (int64_t t = 0; t < T; ++t) {
        const Tensor step = m.model->step(tokens.narrow(0, t, 1), st);
        rnnErr = std::max(rnnErr, (step[0] - got[t]).abs().max().item<double>());
    }
    EXPECT_LT(rnnErr, 1e-5) << "GPT vs RNN";

    // Prefill the first part with the sequence path, continue in RNN mode.
    pm::model::Rwkv7State pre;
    const int64_t split = T / 3;
    const Tensor head = m.model->forward(tokens.narrow(0, 0, split).unsqueeze(0), &pre)[0];
    double contErr = (head - got.narrow(0, 0, split)).abs().max().item<double>();
    for (int64_t t = split; t < T; ++t)
        contErr = std::max(contErr, (m.model->step(tokens.narrow(0, t, 1), pre)[0] - got[t]).abs().max().item<double>());
    EXPECT_LT(contErr, 1e-5) << "prefill + RNN vs full sequence";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTest, ::testing::ValuesIn(kGoldens));

TEST(GoldenState, FinalRecurrentStateMatchesTheReference) {
    torch::NoGradGuard ng;
    pm::model::LoadedModel m = pm::model::loadModel(rwkvFixture("l2_c32/tiny_x070_fp32.pth"));
    const Tensor tokens = readRaw(rwkvFixture("l2_c32/tokens.i64"), torch::kLong);
    pm::model::Rwkv7State st;
    m.model->forward(tokens.unsqueeze(0), &st);
    const std::string npz = rwkvFixture("l2_c32/state_fp32w.npz");
    const Tensor att = pm::test::readNpzF32(npz, "att_x_prev"), wkv = pm::test::readNpzF32(npz, "wkv"),
                 ffn = pm::test::readNpzF32(npz, "ffn_x_prev");
    std::vector<Tensor> a, w, f;
    for (const auto& l : st.layers) {
        a.push_back(l.attXPrev.flatten());
        w.push_back(l.wkv.flatten());
        f.push_back(l.ffnXPrev.flatten());
    }
    const double errA = (torch::cat(a) - att).abs().max().item<double>();
    const double errW = (torch::cat(w) - wkv).abs().max().item<double>();
    const double errF = (torch::cat(f) - ffn).abs().max().item<double>();
    std::printf("[golden state] max abs err att_x_prev %.2e, wkv %.2e (|wkv|max %.2f), ffn_x_prev %.2e\n", errA, errW,
                wkv.abs().max().item<double>(), errF);
    EXPECT_LT(errA, 1e-4);
    EXPECT_LT(errW, 1e-4);
    EXPECT_LT(errF, 1e-4);
}

}  // namespace
