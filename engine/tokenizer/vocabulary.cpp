#include "tokenizer/vocabulary.h"

#include <stdexcept>

namespace pm::tok {
namespace {

const char* const kFamilyNames[kTokenKindCount] = {
    "PAD", "BOS", "EOS", "SEP", "MASK", "Bar", "TimeSig", "Tempo", "Position",
    "PedalOff", "PedalOn", "Pitch", "Velocity", "DurationExtra", "Duration",
};

bool isSingleton(TokenKind kind) {
    return kind <= TokenKind::Bar || kind == TokenKind::PedalOff || kind == TokenKind::PedalOn;
}

}  // namespace

Vocabulary::Vocabulary(const TokenizerConfig& config) : config_(config), metres_(supportedMetres(config)) {
    if (auto error = validateConfig(config)) throw std::invalid_argument("tokenizer config: " + *error);
    const int ppq = config.positionsPerQuarter;
    for (int k = 0; k < kTokenKindCount; ++k) {
        const auto kind = TokenKind(k);
        int n = 1;
        switch (kind) {
            case TokenKind::TimeSig: n = int(metres_.size()); break;
            case TokenKind::Tempo: n = config.tempoBins; break;
            case TokenKind::Position: n = config.maxBarQuarters * ppq; break;
            case TokenKind::Pitch: n = TokenizerConfig::kHighestPitch - TokenizerConfig::kLowestPitch + 1; break;
            case TokenKind::Velocity: n = config.velocityBins; break;
            case TokenKind::DurationExtra: n = config.durationExtraTokens; break;
            case TokenKind::Duration: n = config.durationTokenQuarters * ppq; break;
            default: break;
        }
        first_[std::size_t(k)] = TokenId(size_);
        count_[std::size_t(k)] = n;
        kindOfId_.insert(kindOfId_.end(), std::size_t(n), kind);
        size_ += std::size_t(n);
    }
    if (size_ >= kNotAToken) throw std::invalid_argument("tokenizer config: vocabulary larger than 16-bit ids allow");
    names_.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) {
        names_.push_back(makeName(TokenId(i)));
        idOfName_.emplace(names_.back(), TokenId(i));
    }
}

int Vocabulary::valueOffset(TokenKind kind) const {
    if (kind == TokenKind::Pitch) return TokenizerConfig::kLowestPitch;
    if (kind == TokenKind::DurationExtra) return 1;
    return 0;
}

bool Vocabulary::has(TokenKind kind, int value) const {
    if (kind == TokenKind::Invalid) return false;
    const int index = value - valueOffset(kind);
    return index >= 0 && index < count(kind);
}

TokenId Vocabulary::id(TokenKind kind, int value) const {
    if (!has(kind, value))
        throw std::out_of_range(std::string("no token ") + kFamilyNames[int(kind)] + " " + std::to_string(value));
    return TokenId(first(kind) + value - valueOffset(kind));
}

Token Vocabulary::token(TokenId id) const {
    if (id >= size_) return {};
    const TokenKind kind = kindOfId_[id];
    return {kind, int(id - first(kind)) + valueOffset(kind)};
}

std::string Vocabulary::name(TokenId id) const {
    return id < size_ ? names_[id] : "<invalid " + std::to_string(id) + ">";
}

std::string Vocabulary::makeName(TokenId id) const {
    const Token t = token(id);
    if (t.kind == TokenKind::Invalid) return "<invalid " + std::to_string(id) + ">";
    const std::string family = kFamilyNames[int(t.kind)];
    if (isSingleton(t.kind)) return family;
    if (t.kind == TokenKind::TimeSig) {
        const Metre& m = metres_[std::size_t(t.value)];
        return family + "_" + std::to_string(m.numerator) + "/" + std::to_string(m.denominator);
    }
    return family + "_" + std::to_string(t.value);
}

std::optional<TokenId> Vocabulary::idOfName(const std::string& wanted) const {
    const auto found = idOfName_.find(wanted);
    if (found == idOfName_.end()) return std::nullopt;
    return found->second;
}

int Vocabulary::metreIndex(const Metre& metre) const {
    for (std::size_t i = 0; i < metres_.size(); ++i)
        if (metres_[i] == metre) return int(i);
    return -1;
}

}  // namespace pm::tok
