// The piano tokenizer in one object: its config and vocabulary, and everything that needs them.
//
//   pm::tok::Tokenizer tokenizer;                     // default config (see tokenizer_config.h)
//   pm::tok::Encoding e = tokenizer.encode(midiFile); // tokens, per-bar index, report
//   pm::tok::Decoded d = tokenizer.decode(e.tokens);  // MIDI back, with counts of what was skipped
//   pm::tok::Grammar g = tokenizer.grammar();         // g.allowed() before each sampled token
//
// docs/tokenizer.md describes the tokens and what a round trip keeps.
#pragma once

#include "tokenizer/encoder.h"
#include "tokenizer/grammar.h"
#include "tokenizer/infill_layout.h"
#include "tokenizer/streaming_decoder.h"
#include "tokenizer/tokenizer_config.h"
#include "tokenizer/vocabulary.h"
#include "tokenizer/windowing.h"

#include <memory>
#include <vector>

namespace pm::tok {

struct Decoded {
    midi::MidiFile file;
    DecodeStats stats;
};

class Tokenizer {
public:
    // Throws std::invalid_argument for a config validateConfig rejects (configs read from files
    // go through configFromJson first, which says what is wrong).
    explicit Tokenizer(const TokenizerConfig& config = {});

    const TokenizerConfig& config() const { return vocabulary_->config(); }
    const Vocabulary& vocabulary() const { return *vocabulary_; }
    nlohmann::json configJson() const { return configToJson(config()); }

    Encoding encode(const midi::MidiFile& file, const EncodeOptions& options = {}) const {
        return pm::tok::encode(file, *vocabulary_, options);
    }
    Decoded decode(const TokenId* ids, std::size_t count) const;
    Decoded decode(const std::vector<TokenId>& ids) const { return decode(ids.data(), ids.size()); }

    Grammar grammar(GrammarMode mode = GrammarMode::Plain) const { return Grammar(vocabulary_, mode); }
    StreamingDecoder streamingDecoder() const { return StreamingDecoder(vocabulary_); }

    std::vector<TokenId> windowAt(const PieceTokens& piece, std::size_t bar, std::size_t maxTokens) const {
        return pm::tok::windowAt(*vocabulary_, piece, bar, maxTokens);
    }
    std::vector<Window> splitIntoWindows(const PieceTokens& piece, std::size_t maxTokens) const {
        return pm::tok::splitIntoWindows(*vocabulary_, piece, maxTokens);
    }

private:
    std::shared_ptr<const Vocabulary> vocabulary_;
};

}  // namespace pm::tok
