#include "generate/training_sampler.h"

#include "generate/generator.h"
#include "generate/prompt.h"

#include "tokenizer/tokenizer_config.h"

#include <stdexcept>

namespace pm::gen {

TrainingSampler trainingSampler(TrainingSampleOptions options) {
    return [options](pm::model::Rwkv7Model& model, const std::vector<std::uint16_t>& window, const std::string& tokenizerJson) {
        const pm::tok::ConfigReadResult cfg = pm::tok::configFromJson(nlohmann::json::parse(tokenizerJson));
        if (!cfg.config) throw std::invalid_argument("sample tokenizer config: " + cfg.error);
        const pm::tok::Tokenizer tokenizer(*cfg.config);
        // The window starts with its metadata prefix, so its decoded file carries the metre and
        // tempo in force; promptFromBars cuts it back at a bar line in this tokenizer's grid.
        const Prompt prompt = promptFromBars(tokenizer, tokenizer.decode(window).file, options.promptBars);
        if (!prompt.ok()) throw std::runtime_error("no sample prompt: " + prompt.error);
        Generator generator(model, tokenizer);
        GenerationRequest request;
        request.prompt = prompt.tokens;
        request.length = {LengthUnit::Bars, options.bars};
        request.sampling.temperature = options.temperature;
        request.sampling.topP = options.topP;
        request.sampling.seed = options.seed;
        request.maxTokens = options.maxTokens;
        std::vector<GenerationResult> results = generator.generate(request);
        if (results.empty()) throw std::runtime_error("the generator returned nothing");
        return std::vector<std::uint16_t>(results.front().tokens.begin(), results.front().tokens.end());
    };
}

}  // namespace pm::gen
