#include "tokenizer/grammar.h"

#include <algorithm>

namespace pm::tok {

bool AllowedTokens::contains(TokenId id) const {
    for (std::size_t i = 0; i < size_; ++i)
        if (id >= ranges_[i].begin && id < ranges_[i].end) return true;
    return false;
}

std::size_t AllowedTokens::count() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < size_; ++i) n += std::size_t(ranges_[i].end - ranges_[i].begin);
    return n;
}

void AllowedTokens::fillMask(std::uint8_t* mask, std::size_t vocabularySize) const {
    std::fill(mask, mask + vocabularySize, std::uint8_t(0));
    for (std::size_t i = 0; i < size_; ++i)
        std::fill(mask + std::min<std::size_t>(ranges_[i].begin, vocabularySize),
                  mask + std::min<std::size_t>(ranges_[i].end, vocabularySize), std::uint8_t(1));
}

Grammar::Grammar(std::shared_ptr<const Vocabulary> vocabulary, GrammarMode mode)
    : vocabulary_(std::move(vocabulary)), mode_(mode) {
    span_ = vocabulary_->count(TokenKind::Duration);
}

void Grammar::addRange(AllowedTokens& out, TokenKind kind, int fromIndex, int toIndex) const {
    fromIndex = std::max(fromIndex, 0);
    toIndex = std::min(toIndex, vocabulary_->count(kind));
    if (fromIndex >= toIndex) return;
    const int first = vocabulary_->first(kind);
    out.add(TokenId(first + fromIndex), TokenId(first + toIndex));
}

void Grammar::addAllExcept(AllowedTokens& out, TokenKind kind, int exceptIndex) const {
    addRange(out, kind, 0, exceptIndex);
    addRange(out, kind, exceptIndex + 1, vocabulary_->count(kind));
}

bool Grammar::canEnd() const {
    const GrammarState& s = state_;
    switch (s.phase) {
        case GrammarPhase::PrefixDone:
            if (s.part == InfillPart::Plain) return true;   // an empty piece
            break;
        case GrammarPhase::BarOpen: break;
        case GrammarPhase::GroupOpen:
            if (s.stage == GroupStage::Empty) return false;
            break;
        default: return false;
    }
    const bool notesEnded = s.latestNoteEnd <= s.barStart + s.barLength;
    switch (s.part) {
        case InfillPart::Plain: return notesEnded;
        // The middle ends with its last bar. Its notes may sound on into the bars after the gap,
        // unless there are none: then the middle's end is the piece's.
        case InfillPart::Middle: return s.bars - s.barsBeforeGap == s.gapBars && (!s.emptySuffix || notesEnded);
        default: return false;   // the prefix ends with MASK
    }
}

bool Grammar::atEventBoundary() const {
    switch (state_.phase) {
        case GrammarPhase::NoteAfterPitch:
        case GrammarPhase::NoteAfterVelocity:
        case GrammarPhase::NoteAfterExtra: return false;
        case GrammarPhase::GroupOpen: return state_.stage != GroupStage::Empty;
        default: return true;
    }
}

void Grammar::addBarLineClosers(AllowedTokens& out) const {
    const GrammarState& s = state_;
    switch (s.part) {
        case InfillPart::Plain:
            if (canEnd()) addRange(out, TokenKind::Eos, 0, 1);
            // In the infilling layout what came first were the bars after the gap: SEP ends them.
            if (mode_ == GrammarMode::Infill && s.bars > 0) addRange(out, TokenKind::Sep, 0, 1);
            addRange(out, TokenKind::Bar, 0, 1);
            break;
        case InfillPart::Prefix:
            addRange(out, TokenKind::Mask, 0, 1);   // the gap starts where a bar could: at a bar line
            addRange(out, TokenKind::Bar, 0, 1);
            break;
        case InfillPart::Middle:
            if (canEnd()) addRange(out, TokenKind::Eos, 0, 1);
            if (s.bars - s.barsBeforeGap < s.gapBars) addRange(out, TokenKind::Bar, 0, 1);
            break;
        case InfillPart::Masks: break;
    }
}

void Grammar::addCloser(AllowedTokens& out) const {
    addRange(out, TokenKind::Position, state_.position + 1, state_.barLength);
    addBarLineClosers(out);
}

void Grammar::startPrefix() {
    GrammarState fresh;
    fresh.phase = GrammarPhase::AfterBos;   // its metadata comes first, as a window's
    fresh.part = InfillPart::Prefix;
    fresh.emptySuffix = state_.emptySuffix;
    state_ = fresh;
}

AllowedTokens Grammar::allowed() const {
    AllowedTokens out;
    const GrammarState& s = state_;
    const int pitchCount = vocabulary_->count(TokenKind::Pitch);
    switch (s.phase) {
        case GrammarPhase::Start: addRange(out, TokenKind::Bos, 0, 1); break;
        case GrammarPhase::AfterBos:
            addRange(out, TokenKind::TimeSig, 0, vocabulary_->count(TokenKind::TimeSig));
            // Right after BOS, SEP says the layout has no bars after the gap.
            if (mode_ == GrammarMode::Infill && s.part == InfillPart::Plain) addRange(out, TokenKind::Sep, 0, 1);
            break;
        case GrammarPhase::AfterPrefixMetre: addRange(out, TokenKind::Tempo, 0, vocabulary_->count(TokenKind::Tempo)); break;
        case GrammarPhase::PrefixDone:
            if (!s.pedalDown) addRange(out, TokenKind::PedalOn, 0, 1);
            addBarLineClosers(out);
            break;
        case GrammarPhase::BarOpen:
            // The first bar's metre is the prefix's; later bars name one only to change it.
            if (!s.barMetreSet && s.bars > 1) addAllExcept(out, TokenKind::TimeSig, s.metre);
            addCloser(out);
            break;
        case GrammarPhase::GroupOpen:
            // At the very first grid step, tempo and pedal are the prefix's to say.
            if (s.stage == GroupStage::Empty && !firstSpot()) addAllExcept(out, TokenKind::Tempo, s.tempoBin);
            if (!firstSpot()) {
                if (s.pedalDown && (s.stage == GroupStage::Empty || s.stage == GroupStage::Tempo))
                    addRange(out, TokenKind::PedalOff, 0, 1);
                if (!s.pedalDown && s.stage != GroupStage::PedalOn && s.stage != GroupStage::Notes)
                    addRange(out, TokenKind::PedalOn, 0, 1);
            }
            addRange(out, TokenKind::Pitch, s.stage == GroupStage::Notes ? s.lastPitch - TokenizerConfig::kLowestPitch : 0,
                     pitchCount);
            if (s.stage != GroupStage::Empty) addCloser(out);
            break;
        case GrammarPhase::NoteAfterPitch:
            addRange(out, TokenKind::Velocity, tiedPitch() ? s.lastVelocity : 0, vocabulary_->count(TokenKind::Velocity));
            break;
        case GrammarPhase::NoteAfterVelocity: {
            const int extras = vocabulary_->count(TokenKind::DurationExtra);
            if (!tiedVelocity()) {
                addRange(out, TokenKind::DurationExtra, 0, extras);
                addRange(out, TokenKind::Duration, 0, span_);
                break;
            }
            // Same pitch and velocity as the previous note here: the duration may not be shorter.
            const int lastExtra = int(s.lastDuration / span_), lastRest = int(s.lastDuration % span_);
            addRange(out, TokenKind::DurationExtra, std::max(lastExtra, 1) - 1, extras);   // index = k - 1
            if (lastExtra == 0) addRange(out, TokenKind::Duration, lastRest, span_);
            break;
        }
        case GrammarPhase::NoteAfterExtra: {
            const bool tied = tiedVelocity() && s.extra == int(s.lastDuration / span_);
            addRange(out, TokenKind::Duration, tied ? int(s.lastDuration % span_) : 0, span_);
            break;
        }
        case GrammarPhase::Ended: break;
        case GrammarPhase::GapMasks:
            // One more bar in the gap, or the gap's first bar.
            if (s.gapBars < kMaxInfillBars) addRange(out, TokenKind::Mask, 0, 1);
            addRange(out, TokenKind::Bar, 0, 1);
            break;
    }
    return out;
}

bool Grammar::advance(TokenId id) {
    if (!accepts(id)) return false;
    const Token t = vocabulary_->token(id);
    const int ppq = vocabulary_->config().positionsPerQuarter;
    GrammarState& s = state_;
    switch (t.kind) {
        case TokenKind::Bos: s.phase = GrammarPhase::AfterBos; break;
        case TokenKind::TimeSig:
            s.metre = t.value;
            s.barLength = barSteps(vocabulary_->metres()[std::size_t(t.value)], ppq);
            if (s.phase == GrammarPhase::AfterBos) s.phase = GrammarPhase::AfterPrefixMetre;
            else s.barMetreSet = true;
            break;
        case TokenKind::Tempo:
            s.tempoBin = t.value;
            if (s.phase == GrammarPhase::AfterPrefixMetre) s.phase = GrammarPhase::PrefixDone;
            else s.stage = GroupStage::Tempo;
            break;
        case TokenKind::PedalOn:
            s.pedalDown = true;
            if (s.phase == GrammarPhase::GroupOpen) s.stage = GroupStage::PedalOn;
            break;
        case TokenKind::PedalOff:
            s.pedalDown = false;
            s.stage = GroupStage::PedalOff;
            break;
        case TokenKind::Bar:
            if (s.part == InfillPart::Masks) s.part = InfillPart::Middle;
            if (s.bars > 0) s.barStart += s.barLength;
            ++s.bars;
            s.barLength = barSteps(vocabulary_->metres()[std::size_t(s.metre)], ppq);
            s.barMetreSet = false;
            s.position = -1;
            s.phase = GrammarPhase::BarOpen;
            break;
        case TokenKind::Position:
            s.position = t.value;
            s.stage = GroupStage::Empty;
            s.lastPitch = -1;
            s.phase = GrammarPhase::GroupOpen;
            break;
        case TokenKind::Pitch:
            s.pitch = t.value;
            s.phase = GrammarPhase::NoteAfterPitch;
            break;
        case TokenKind::Velocity:
            s.velocity = t.value;
            s.extra = 0;
            s.phase = GrammarPhase::NoteAfterVelocity;
            break;
        case TokenKind::DurationExtra:
            s.extra = t.value;
            s.phase = GrammarPhase::NoteAfterExtra;
            break;
        case TokenKind::Duration:
            s.lastPitch = s.pitch;
            s.lastVelocity = s.velocity;
            s.lastDuration = std::int64_t(s.extra) * span_ + t.value;
            s.latestNoteEnd = std::max(s.latestNoteEnd, s.barStart + s.position + s.lastDuration);
            s.stage = GroupStage::Notes;
            s.phase = GrammarPhase::GroupOpen;
            break;
        case TokenKind::Eos: s.phase = GrammarPhase::Ended; break;
        case TokenKind::Mask:
            if (s.part == InfillPart::Prefix) s.part = InfillPart::Masks, s.gapBars = 0, s.barsBeforeGap = s.bars;
            ++s.gapBars;
            s.phase = GrammarPhase::GapMasks;
            break;
        case TokenKind::Sep:
            if (s.phase == GrammarPhase::AfterBos) s.emptySuffix = true;
            startPrefix();
            break;
        default: return false;   // PAD, invalid: never allowed (SEP, MASK only in GrammarMode::Infill)
    }
    return true;
}

}  // namespace pm::tok
