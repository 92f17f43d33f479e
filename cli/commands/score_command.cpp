// `pianomuse-cli score`: run a model over a token sequence and write the float32 logits of every
// position as raw little-endian [T, vocab] row-major (the fixtures' logits_*.f32 format).
// GPT mode runs the sequence path; RNN mode feeds one token at a time with the carried state.
#include "command.h"

#include "model/checkpoint_io.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

namespace pm::cli {
namespace {

struct ScoreOptions {
    std::string model, tokens, mode = "gpt", logitsOut;
};

int runScore(const ScoreOptions& opt) {
    std::vector<int64_t> ids;
    {
        std::istringstream in(opt.tokens);
        std::string word;
        while (in >> word) {
            char* end = nullptr;
            const long long v = std::strtoll(word.c_str(), &end, 10);
            if (*end != '\0' || v < 0) {
                printError("score: '" + word + "' is not a token id");
                return kExitUsage;
            }
            ids.push_back(v);
        }
    }
    if (ids.empty()) {
        printError("score: --tokens is empty");
        return kExitUsage;
    }
    model::LoadedModel m;
    try {
        m = model::loadModel(opt.model);
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitFailed;
    }
    const int64_t V = m.model->config().vocabSize;
    for (int64_t id : ids)
        if (id >= V) {
            printError("score: token " + std::to_string(id) + " is outside the model's vocabulary of " + std::to_string(V));
            return kExitUsage;
        }

    torch::NoGradGuard ng;
    const torch::Tensor tokens = torch::tensor(ids, torch::kLong);   // (T)
    torch::Tensor logits;                                             // (T, V) fp32
    if (opt.mode == "gpt") {
        logits = m.model->forward(tokens.unsqueeze(0))[0];
    } else {
        model::Rwkv7State st = m.model->initialState(1);
        std::vector<torch::Tensor> rows;
        for (int64_t t = 0; t < tokens.size(0); ++t) rows.push_back(m.model->step(tokens.narrow(0, t, 1), st)[0]);
        logits = torch::stack(rows);
    }
    logits = logits.to(torch::kFloat).contiguous();

    std::FILE* f = std::fopen(opt.logitsOut.c_str(), "wb");
    const size_t n = size_t(logits.numel());
    if (!f || std::fwrite(logits.data_ptr<float>(), sizeof(float), n, f) != n || std::fclose(f) != 0) {
        printError("score: cannot write '" + opt.logitsOut + "'");
        return kExitFailed;
    }
    // Mean next-token loss over the sequence, a quick sanity number.
    double nll = 0;
    const torch::Tensor logp = torch::log_softmax(logits, -1);
    for (size_t t = 0; t + 1 < ids.size(); ++t) nll -= logp[int64_t(t)][ids[t + 1]].item<double>();
    const double mean = ids.size() > 1 ? nll / double(ids.size() - 1) : 0.0;
    std::printf("Scored %zu tokens (%s mode): logits [%zu, %lld] -> %s; mean next-token loss %.4f nats (%.4f bits)\n",
                ids.size(), opt.mode.c_str(), ids.size(), (long long)V, opt.logitsOut.c_str(), mean, mean / std::log(2.0));
    return kExitOk;
}

}  // namespace

void addScoreCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<ScoreOptions>();
    CLI::App* s = root.add_subcommand("score", "Compute a model's logits for a token sequence (fp32)");
    s->add_option("--model", opt->model, "Model file (.safetensors or RWKV-LM .pth)")->required()->check(CLI::ExistingFile);
    s->add_option("--tokens", opt->tokens, "Token ids separated by spaces, e.g. \"1 17 42\"")->required();
    s->add_option("--mode", opt->mode, "gpt (whole sequence) or rnn (token by token)")
        ->check(CLI::IsMember({"gpt", "rnn"}));
    s->add_option("--logits-out", opt->logitsOut, "Output: float32 little-endian [T, vocab]")->required();
    commands.push_back({s, [opt] { return runScore(*opt); }});
}

}  // namespace pm::cli
