#include "tokenizer/tokenizer.h"

namespace pm::tok {

Tokenizer::Tokenizer(const TokenizerConfig& config) : vocabulary_(std::make_shared<const Vocabulary>(config)) {}

Decoded Tokenizer::decode(const TokenId* ids, std::size_t count) const {
    StreamingDecoder decoder(vocabulary_);
    for (std::size_t i = 0; i < count; ++i) decoder.push(ids[i]);
    return {decoder.file(), decoder.stats()};
}

}  // namespace pm::tok
