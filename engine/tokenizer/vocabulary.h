// The token ids and what each one means. Families sit in contiguous id ranges, in this order:
//
//   PAD BOS EOS SEP MASK | Bar | TimeSig_n/d | Tempo_b | Position_p | PedalOff PedalOn |
//   Pitch_21..108 | Velocity_b | DurationExtra_1..K | Duration_0..span-1
//
// Contiguous families let the grammar describe "what may come next" as a handful of id ranges.
#pragma once

#include "tokenizer/metre.h"
#include "tokenizer/tokenizer_config.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pm::tok {

// 16 bits: vocabularies stay in the hundreds, and datasets store millions of tokens.
using TokenId = std::uint16_t;
// Never a valid id (the vocabulary is checked to be smaller); stands for ids that do not even
// fit 16 bits when a token list is read from JSON.
constexpr TokenId kNotAToken = 0xFFFF;

enum class TokenKind : std::uint8_t {
    Pad, Bos, Eos, Sep, Mask,   // specials: PAD fills batches, SEP/MASK are reserved for training
    Bar,                        // a new bar starts
    TimeSig,                    // value: index into Vocabulary::metres()
    Tempo,                      // value: tempo bin
    Position,                   // value: grid step within the bar
    PedalOff, PedalOn,          // sustain pedal (controller 64)
    Pitch,                      // value: MIDI key number 21..108
    Velocity,                   // value: velocity bin
    DurationExtra,              // value: k >= 1, adds k spans to the following Duration
    Duration,                   // value: grid steps 0 .. span-1
    Invalid,                    // an id outside the vocabulary
};
constexpr int kTokenKindCount = int(TokenKind::Invalid);

struct Token {
    TokenKind kind = TokenKind::Invalid;
    int value = 0;
};

class Vocabulary {
public:
    explicit Vocabulary(const TokenizerConfig& config);   // config must pass validateConfig

    const TokenizerConfig& config() const { return config_; }
    const std::vector<Metre>& metres() const { return metres_; }
    std::size_t size() const { return size_; }

    // First id and number of ids of a family.
    TokenId first(TokenKind kind) const { return first_[std::size_t(kind)]; }
    int count(TokenKind kind) const { return count_[std::size_t(kind)]; }
    // The id of a family member; `value` as in TokenKind (Pitch: the MIDI key, DurationExtra: k).
    TokenId id(TokenKind kind, int value = 0) const;
    bool has(TokenKind kind, int value) const;

    Token token(TokenId id) const;   // kind Invalid for ids >= size()
    std::string name(TokenId id) const;   // "Pitch_60", "TimeSig_6/8", "<invalid 600>"
    std::optional<TokenId> idOfName(const std::string& name) const;
    const std::vector<std::string>& names() const { return names_; }

    int metreIndex(const Metre& metre) const;   // -1 when not supported

private:
    int valueOffset(TokenKind kind) const;   // value of a family's first id
    std::string makeName(TokenId id) const;

    TokenizerConfig config_;
    std::vector<Metre> metres_;
    std::array<TokenId, kTokenKindCount> first_{};
    std::array<int, kTokenKindCount> count_{};
    std::vector<TokenKind> kindOfId_;
    std::vector<std::string> names_;
    std::unordered_map<std::string, TokenId> idOfName_;
    std::size_t size_ = 0;
};

}  // namespace pm::tok
