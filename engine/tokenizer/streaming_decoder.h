// Tokens to music, one token at a time: what generation uses to play notes while the model is
// still writing, and what decode() uses for whole sequences.
//
// Tolerant by construction: every id goes through the grammar. An id that fits is used; one that
// does not is skipped and counted. When a token cannot continue a half-read note but would make
// sense after the last whole event (Pitch Velocity then Bar, say), the half note is given up (its
// tokens counted as skipped) and the token used, so one bad token never swallows the rest of a
// piece; a token that fits nowhere (SEP, an unknown id) is skipped and the half note kept.
// A sequence that does not start with the prefix gets the missing parts assumed (BOS, 4/4,
// 120 BPM) and counted. So any id sequence decodes, and a grammar-valid one decodes with every
// count at zero.
#pragma once

#include "tokenizer/grammar.h"
#include "tokenizer/vocabulary.h"

#include "midi/midi_file.h"   // pm::midi::MidiFile, Note, Tick

#include <cstdint>
#include <memory>
#include <vector>

namespace pm::tok {

struct DecodeStats {
    std::size_t tokens = 0;         // ids fed
    std::size_t notes = 0;          // notes completed
    std::size_t skipped = 0;        // ids that did not fit (and ids of half notes given up)
    std::size_t padding = 0;        // PAD ids, ignored
    std::size_t assumedPrefix = 0;  // prefix tokens that were missing and assumed
    std::size_t unfinished = 0;     // ids of a note or group still open at the end of the input
    bool ended = false;             // an EOS was read
    bool clean() const { return skipped == 0 && assumedPrefix == 0 && unfinished == 0; }
};

struct DecodedEvent {
    enum class Kind : std::uint8_t { Note, PedalDown, PedalUp, Tempo, TimeSignature, Bar, End };
    Kind kind = Kind::Note;
    midi::Tick tick = 0;             // at StreamingDecoder::kTicksPerStep ticks per grid step
    double seconds = 0;              // through the tempo changes read so far
    midi::Note note;                 // Note: its end seconds assume no tempo change while it sounds
    std::uint32_t usPerQuarter = 0;  // Tempo
    Metre metre;                     // TimeSignature
    std::int64_t bar = 0;            // Bar: 0-based index
};

class StreamingDecoder {
public:
    // Ticks per grid step in the decoded file: divisible by 4, so that Duration_0 (a note
    // shorter than half a step) can last a quarter of a step and still round back to 0.
    static constexpr int kTicksPerStep = 40;

    explicit StreamingDecoder(std::shared_ptr<const Vocabulary> vocabulary);

    // Feeds one id and appends the events it completes (usually none or one) to `events` when
    // given. Returns whether the id was used.
    bool push(TokenId id, std::vector<DecodedEvent>* events = nullptr);

    DecodeStats stats() const;
    // What the decoder would accept next (same as the grammar of the ids it used).
    const Grammar& grammar() const { return grammar_; }

    // Everything decoded so far as a format 0 file with one track on channel 1, ticks per
    // quarter = kTicksPerStep * positionsPerQuarter. Ends at the last bar's end (or the last
    // note's end when the piece has not ended).
    midi::MidiFile file() const;

private:
    void apply(TokenId id, std::vector<DecodedEvent>* events);
    void assumePrefixFor(TokenId id);
    midi::Tick tickNow() const { return midi::Tick(grammar_.currentStep()) * kTicksPerStep; }
    double secondsAt(midi::Tick tick) const;
    void emitEvent(std::vector<DecodedEvent>* events, DecodedEvent event) const;

    std::shared_ptr<const Vocabulary> vocabulary_;
    Grammar grammar_;
    GrammarState lastBoundary_;   // the state after the last whole event
    std::size_t pending_ = 0;     // ids used since then
    DecodeStats stats_;

    std::vector<midi::Note> notes_;
    std::vector<midi::SustainEvent> pedal_;
    std::vector<midi::TempoChange> tempos_;
    std::vector<midi::TimeSignature> metres_;
    // The tempo in force from the last change on, for seconds while streaming.
    midi::Tick tempoTick_ = 0;
    double tempoSeconds_ = 0;
    std::uint32_t usPerQuarter_ = midi::kDefaultTempo;
    midi::Tick latestNoteEnd_ = 0;
};

}  // namespace pm::tok
