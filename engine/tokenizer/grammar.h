// Which tokens may come next: the token grammar as a state machine, advanced one token at a
// time in O(1), so a sampler can mask the model's logits at every step of generation.
//
// The grammar accepts exactly the canonical token sequences the encoder writes (see
// token_writer.h) and their prefixes. It enforces the order inside a group (Tempo, PedalOff,
// PedalOn, notes), that positions rise within a bar, that notes at a position ascend by (pitch,
// velocity, duration), that TimeSig and Tempo tokens only appear when they change something,
// that pedal tokens switch the pedal, and that the piece only ends (EOS) once every note has
// ended within the last bar. Everything it accepts therefore decodes without a skipped token,
// and re-encoding the decoded MIDI gives the same tokens back.
//
// GrammarMode::Infill also accepts the fill-in-the-middle layout (docs/tokenizer.md, "Infilling";
// infill_layout.h): the bars after the gap as a window closed by SEP, the bars before the gap as
// a window of their own, one MASK per bar of the gap, then the gap's bars continuing the bars
// before it, exactly as many as there were MASKs, closed by EOS. The plain mode (the default,
// what the decoder and ordinary generation use) never admits MASK or SEP, as before.
#pragma once

#include "tokenizer/vocabulary.h"

#include <array>
#include <cstdint>
#include <memory>

namespace pm::tok {

struct TokenRange {
    TokenId begin = 0, end = 0;   // [begin, end)
};

// A set of token ids as a few ranges (the families are contiguous: at most 8 are ever needed).
class AllowedTokens {
public:
    void add(TokenId begin, TokenId end) {
        if (begin >= end) return;
        if (size_ > 0 && ranges_[size_ - 1].end == begin) {   // adjacent families (MASK, Bar) as one range
            ranges_[size_ - 1].end = end;
            return;
        }
        ranges_[size_++] = {begin, end};
    }
    bool contains(TokenId id) const;
    std::size_t count() const;   // number of ids
    bool empty() const { return size_ == 0; }
    const TokenRange* begin() const { return ranges_.data(); }
    const TokenRange* end() const { return ranges_.data() + size_; }
    // mask[id] = 1 for allowed ids, 0 otherwise, for ids < vocabularySize.
    void fillMask(std::uint8_t* mask, std::size_t vocabularySize) const;

private:
    std::array<TokenRange, 10> ranges_{};
    std::size_t size_ = 0;
};

// Plain: ordinary sequences only. Infill: ordinary sequences and the infilling layout.
enum class GrammarMode : std::uint8_t { Plain, Infill };

// Which part of the infilling layout the tokens are in (always Plain in GrammarMode::Plain).
enum class InfillPart : std::uint8_t {
    Plain,    // an ordinary sequence, or the layout's suffix (the bars after the gap) until SEP
    Prefix,   // after SEP: the bars before the gap, a window of their own; MASK ends them
    Masks,    // after the first MASK: more MASKs, or the gap's first Bar
    Middle,   // the gap's bars, continuing the prefix; EOS after exactly gapBars of them
};

// Most MASKs (bars in one gap) the grammar takes: far more than a context holds, small enough
// that a counter can never overflow.
constexpr int kMaxInfillBars = 4096;

// Where in the sequence the grammar is.
enum class GrammarPhase : std::uint8_t {
    Start,            // expects BOS
    AfterBos,         // expects the prefix TimeSig
    AfterPrefixMetre, // expects the prefix Tempo
    PrefixDone,       // optional PedalOn, then Bar or EOS
    BarOpen,          // after Bar (and its TimeSig)
    GroupOpen,        // after a Position and what followed it
    NoteAfterPitch,   // expects Velocity
    NoteAfterVelocity,// expects DurationExtra or Duration
    NoteAfterExtra,   // expects Duration
    Ended,            // after EOS: nothing more
    GapMasks,         // after a MASK (infilling layout)
};

// What the current group (the tokens after the last Position) holds so far; they come in order.
enum class GroupStage : std::uint8_t { Empty, Tempo, PedalOff, PedalOn, Notes };

// Plain data, so a decoder can keep a copy and go back to it.
struct GrammarState {
    GrammarPhase phase = GrammarPhase::Start;
    GroupStage stage = GroupStage::Empty;
    bool barMetreSet = false;        // this bar already has its TimeSig
    int metre = 0;                   // index into Vocabulary::metres()
    int tempoBin = 0;
    bool pedalDown = false;
    std::int64_t bars = 0;           // Bar tokens so far
    std::int64_t barStart = 0;       // grid step where the current bar starts
    int barLength = 0;               // steps in the current bar
    int position = -1;               // step in the bar of the current group, -1 before any
    int lastPitch = -1;              // last complete note of this group (-1: none yet)
    int lastVelocity = 0;
    std::int64_t lastDuration = 0;   // steps
    int pitch = 0, velocity = 0, extra = 0;   // the note being read
    std::int64_t latestNoteEnd = 0;  // grid step where the longest-sounding note so far ends
    // The infilling layout (GrammarMode::Infill). The prefix starts its own grid (bars, barStart,
    // latestNoteEnd from 0), as a window would; the middle goes on on the prefix's.
    InfillPart part = InfillPart::Plain;
    int gapBars = 0;                 // MASKs read: the bars the middle must have
    std::int64_t barsBeforeGap = 0;  // the prefix's bars (bars - barsBeforeGap: the middle's so far)
    bool emptySuffix = false;        // no bars after the gap (SEP right after BOS): the middle ends the piece
};

class Grammar {
public:
    explicit Grammar(std::shared_ptr<const Vocabulary> vocabulary, GrammarMode mode = GrammarMode::Plain);

    AllowedTokens allowed() const;
    bool accepts(TokenId id) const { return allowed().contains(id); }
    // Moves on by one token. Returns false, changing nothing, when the token is not allowed.
    bool advance(TokenId id);

    bool finished() const { return state_.phase == GrammarPhase::Ended; }
    // EOS is allowed now (in the infilling layout's middle: its last bar may close).
    bool canEnd() const;
    GrammarMode mode() const { return mode_; }
    // No note or group is half-read: the tokens so far are whole musical events.
    bool atEventBoundary() const;

    const GrammarState& state() const { return state_; }
    void restore(const GrammarState& state) { state_ = state; }
    const Vocabulary& vocabulary() const { return *vocabulary_; }

    // Grid step of the current group (or of the bar line when no group has started yet).
    std::int64_t currentStep() const { return state_.barStart + std::max(state_.position, 0); }

private:
    void addCloser(AllowedTokens& out) const;   // Position after this one, Bar, EOS (MASK, SEP)
    void addBarLineClosers(AllowedTokens& out) const;   // what may close a bar: Bar, EOS, MASK, SEP
    void startPrefix();                          // after SEP: a fresh window's state
    void addRange(AllowedTokens& out, TokenKind kind, int fromIndex, int toIndex) const;   // family indices [from, to)
    void addAllExcept(AllowedTokens& out, TokenKind kind, int exceptIndex) const;
    bool firstSpot() const { return state_.bars == 1 && state_.position == 0; }
    bool tiedPitch() const { return state_.pitch == state_.lastPitch; }
    bool tiedVelocity() const { return tiedPitch() && state_.velocity == state_.lastVelocity; }

    std::shared_ptr<const Vocabulary> vocabulary_;
    int span_ = 1;   // duration steps per DurationExtra
    GrammarMode mode_ = GrammarMode::Plain;
    GrammarState state_;
};

}  // namespace pm::tok
