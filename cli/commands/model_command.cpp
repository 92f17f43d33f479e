// `pianomuse-cli model init|info|export`: make a new RWKV-7 model file from a preset, describe one
// (.safetensors of ours, or an official RWKV-LM .pth) with its data card, or rewrite one (bf16,
// a data card attached) for shipping.
#include "command.h"

#include "dataset/dataset_store.h"
#include "model/checkpoint_io.h"
#include "model/rwkv7_model.h"
#include "tokenizer/tokenizer_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace pm::cli {
namespace {

struct InitOptions {
    std::string preset, vocabFrom, output;
    int64_t vocab = 0;
    bool deepEmbed = false;
    uint64_t seed = 42;
};

struct InfoOptions {
    std::string path;
    bool json = false;
};

struct ExportOptions {
    std::string input, output, dataCard;
    bool bf16 = false;
};

// The tokenizer config JSON of a dataset directory (its manifest) or of a tokenizer config file.
bool tokenizerFrom(const std::string& source, std::string* json, int64_t* vocab, std::string* error) {
    nlohmann::json tok;
    if (dataset::looksLikeDataset(source)) {
        dataset::Manifest m;
        const std::string err = dataset::loadManifest(source, &m);
        if (!err.empty()) return *error = source + ": " + err, false;
        tok = m.tokenizer;
    } else {
        const tok::ConfigReadResult r = tok::readConfigFile(source);
        if (!r.config) return *error = source + ": not a dataset directory or tokenizer config (" + r.error + ")", false;
        tok = tok::configToJson(*r.config);
    }
    if (!tok.contains("vocab_size") || !tok["vocab_size"].is_number_integer())
        return *error = source + ": tokenizer config has no vocab_size", false;
    *vocab = tok["vocab_size"].get<int64_t>();
    *json = tok.dump();
    return true;
}

int runInit(const InitOptions& opt) {
    std::string tokenizerJson, error;
    int64_t vocab = opt.vocab;
    if (!opt.vocabFrom.empty() && !tokenizerFrom(opt.vocabFrom, &tokenizerJson, &vocab, &error)) {
        printError(error);
        return kExitFailed;
    }
    if (vocab <= 0) {
        printError("model init: give --vocab N or --vocab-from DATASET");
        return kExitUsage;
    }
    model::Rwkv7Config cfg;
    try {
        cfg = model::Rwkv7Config::preset(opt.preset, vocab, opt.deepEmbed);
    } catch (const std::invalid_argument& e) {
        printError(std::string("model init: ") + e.what());
        return kExitUsage;
    }
    model::Rwkv7Model m(cfg);
    m->initWeights(opt.seed);
    model::saveModel(m, opt.output, tokenizerJson);
    std::printf("Wrote %s: %s, %lld parameters, seed %llu\n", opt.output.c_str(), cfg.describe().c_str(),
                (long long)cfg.parameterCount(), (unsigned long long)opt.seed);
    return kExitOk;
}

// The card's well-known fields first, in a fixed order; anything else after them.
void printDataCard(const nlohmann::json& card) {
    std::printf("\nData card\n");
    const auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
    static const char* const kOrder[] = {"name", "description", "date", "pieces", "notes", "tokens", "hours_of_music",
                                         "steps", "tokens_trained", "train_bits_per_note", "val_bits_per_note",
                                         "unigram_bits_per_note", "command", "licence"};
    for (const char* key : kOrder)
        if (card.contains(key)) std::printf("  %-22s %s\n", key, text(card[key]).c_str());
    for (const auto& [key, value] : card.items()) {
        if (std::find(std::begin(kOrder), std::end(kOrder), key) != std::end(kOrder)) continue;
        if (value.is_array()) {
            std::printf("  %s (%zu):\n", key.c_str(), value.size());
            for (const auto& row : value) std::printf("    %s\n", text(row).c_str());
        } else {
            std::printf("  %-22s %s\n", key.c_str(), text(value).c_str());
        }
    }
}

int runInfo(const InfoOptions& opt) {
    model::LoadedModel m;
    try {
        m = model::loadModel(opt.path);
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitFailed;
    }
    const model::Rwkv7Config& c = m.model->config();
    nlohmann::json tok = nlohmann::json::parse(m.tokenizerJson.empty() ? "null" : m.tokenizerJson, nullptr, false);
    const nlohmann::json card = nlohmann::json::parse(m.dataCardJson.empty() ? "null" : m.dataCardJson, nullptr, false);
    if (opt.json) {
        nlohmann::json j = nlohmann::json::parse(c.toJson());
        j["file"] = opt.path;
        j["file_format"] = m.format;
        j["file_dtype"] = m.fileDtype;
        j["architecture"] = c.deepEmbed ? "RWKV-8 Heron (x070 + DeepEmbed)" : "RWKV-7 Goose (x070)";
        j["n_head"] = c.nHead();
        j["parameters"] = c.parameterCount();
        j["state_tuning"] = m.model->stateTuning();
        j["tokenizer"] = tok.is_discarded() ? nlohmann::json() : tok;
        j["data_card"] = card.is_discarded() ? nlohmann::json() : card;
        std::cout << j.dump(2) << "\n";
        return kExitOk;
    }
    std::printf("File:         %s (%s, %s)\n", opt.path.c_str(), m.format.c_str(), m.fileDtype.c_str());
    std::printf("Architecture: %s\n", c.deepEmbed ? "RWKV-8 Heron (x070 + DeepEmbed)" : "RWKV-7 Goose (x070)");
    std::printf("Layers:       %lld\n", (long long)c.nLayer);
    std::printf("Embedding:    %lld (%lld heads of %lld)\n", (long long)c.nEmbd, (long long)c.nHead(),
                (long long)c.headSize);
    std::printf("FFN:          %lld\n", (long long)c.ffnDim);
    std::printf("LoRA ranks:   decay %lld, iclr %lld, value %lld, gate %lld\n", (long long)c.loraW,
                (long long)c.loraA, (long long)c.loraV, (long long)c.loraG);
    std::printf("Vocabulary:   %lld\n", (long long)c.vocabSize);
    std::printf("Parameters:   %lld (%.2f M)\n", (long long)c.parameterCount(), double(c.parameterCount()) / 1e6);
    if (m.model->stateTuning()) std::printf("State tuning: trained initial state included\n");
    if (tok.is_object())
        std::printf("Tokenizer:    %s v%s, %lld tokens\n", tok.value("format", std::string("?")).c_str(),
                    tok.contains("version") ? tok["version"].dump().c_str() : "?",
                    (long long)tok.value("vocab_size", int64_t(0)));
    else
        std::printf("Tokenizer:    none recorded\n");
    if (card.is_object()) printDataCard(card);
    return kExitOk;
}

int runExport(const ExportOptions& opt) {
    try {
        model::LoadedModel m = model::loadModel(opt.input);
        std::string card = m.dataCardJson;
        if (!opt.dataCard.empty()) {
            std::ifstream in(opt.dataCard);
            if (!in) throw std::runtime_error("cannot read " + opt.dataCard);
            const auto j = nlohmann::json::parse(in, nullptr, false);
            if (j.is_discarded() || !j.is_object()) throw std::runtime_error(opt.dataCard + ": not a JSON object");
            card = j.dump();
        }
        model::saveModel(m.model, opt.output, m.tokenizerJson, opt.bf16, card);
        std::printf("Wrote %s (%s%s)\n", opt.output.c_str(), opt.bf16 ? "bf16" : "fp32", card.empty() ? "" : ", data card");
        return kExitOk;
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitFailed;
    }
}

}  // namespace

void addModelCommand(CLI::App& root, CommandList& commands) {
    CLI::App* model = root.add_subcommand("model", "Create and inspect RWKV-7 model files");
    model->require_subcommand(1);

    auto init = std::make_shared<InitOptions>();
    CLI::App* i = model->add_subcommand("init", "Create a new model from a preset (official initialisation)");
    i->add_option("--preset", init->preset, "tiny (L4-D128), small (L6-D256), medium (L8-D384), base (L12-D512) or 0.1b (L12-D768)")
        ->required()
        ->check(CLI::IsMember(model::Rwkv7Config::presetNames()));
    auto* vf = i->add_option("--vocab-from", init->vocabFrom, "Dataset directory (or tokenizer config JSON) to take the vocabulary from");
    auto* vn = i->add_option("--vocab", init->vocab, "Vocabulary size")->check(CLI::Range(int64_t(1), int64_t(1) << 24));
    vf->excludes(vn);
    i->add_flag("--deepembed", init->deepEmbed, "RWKV-8 \"Heron\" DeepEmbed variant");
    i->add_option("--seed", init->seed, "Random seed of the initialisation");
    i->add_option("-o,--output", init->output, "Output .safetensors file")->required();
    commands.push_back({i, [init] { return runInit(*init); }});

    auto info = std::make_shared<InfoOptions>();
    CLI::App* f = model->add_subcommand("info", "Describe a model file (.safetensors or RWKV-LM .pth)");
    f->add_option("file", info->path, "Model file")->required()->check(CLI::ExistingFile);
    f->add_flag("--json", info->json, "Print one JSON object");
    commands.push_back({f, [info] { return runInfo(*info); }});

    auto exp = std::make_shared<ExportOptions>();
    CLI::App* e = model->add_subcommand("export", "Rewrite a model file, optionally as bf16 and with a data card");
    e->add_option("input", exp->input, "Model file (.safetensors or .pth)")->required()->check(CLI::ExistingFile);
    e->add_option("-o,--output", exp->output, "Output .safetensors file")->required();
    e->add_flag("--bf16", exp->bf16, "Store the weights as bf16 (half the size)");
    e->add_option("--data-card", exp->dataCard, "JSON object describing the training data (shown by model info)")
        ->check(CLI::ExistingFile);
    commands.push_back({e, [exp] { return runExport(*exp); }});
}

}  // namespace pm::cli
