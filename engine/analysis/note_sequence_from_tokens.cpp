#include "analysis/note_sequence_from_tokens.h"

#include "midi/midi_reader.h"        // pm::midi::readMidiFile
#include "tokenizer/value_bins.h"   // pm::tok::velocityOfBin

#include <algorithm>
#include <tuple>

namespace pm::analysis {

namespace {

// The decoder, token by token: tolerant of anything (skipped ids are simply not notes).
NoteSequence viaDecoder(const std::uint16_t* tokens, std::size_t count, const tok::Tokenizer& tokenizer) {
    constexpr std::int64_t kTicks = tok::StreamingDecoder::kTicksPerStep;
    NoteSequence seq;
    seq.stepsPerQuarter = tokenizer.config().positionsPerQuarter;
    tok::StreamingDecoder decoder = tokenizer.streamingDecoder();
    std::vector<tok::DecodedEvent> events;
    for (std::size_t i = 0; i < count; ++i) {
        events.clear();
        decoder.push(tokens[i], &events);
        for (const tok::DecodedEvent& e : events) {
            if (e.kind == tok::DecodedEvent::Kind::Bar) {
                seq.barStarts.push_back(std::int64_t(e.tick) / kTicks);
            } else if (e.kind == tok::DecodedEvent::Kind::Note) {
                Note n;
                n.onset = std::int64_t(e.note.start) / kTicks;
                // Duration_0 decodes to a quarter of a step, which rounds back to 0 steps here.
                n.duration = std::int64_t(e.note.end - e.note.start) / kTicks;
                n.pitch = e.note.pitch;
                n.velocity = e.note.velocity;
                seq.notes.push_back(n);
            }
        }
    }
    const tok::GrammarState& s = decoder.grammar().state();
    seq.end = s.bars > 0 ? s.barStart + s.barLength : 0;
    return seq;
}

// The same for a sequence the grammar accepts token by token (everything a dataset stores, and
// what the generator writes): the grammar's own state says where each note and bar line is, at
// a third of the decoder's cost (it builds no events, seconds or MIDI). Nothing when a token is
// refused: the decoder's repairs then decide.
std::optional<NoteSequence> viaGrammar(const std::uint16_t* tokens, std::size_t count, const tok::Tokenizer& tokenizer) {
    NoteSequence seq;
    seq.stepsPerQuarter = tokenizer.config().positionsPerQuarter;
    const tok::Vocabulary& v = tokenizer.vocabulary();
    tok::Grammar grammar = tokenizer.grammar();
    const tok::GrammarState& s = grammar.state();
    for (std::size_t i = 0; i < count; ++i) {
        if (!grammar.advance(tokens[i])) return std::nullopt;
        const tok::TokenKind kind = v.token(tokens[i]).kind;
        if (kind == tok::TokenKind::Bar) {
            seq.barStarts.push_back(s.barStart);
        } else if (kind == tok::TokenKind::Duration) {
            Note n;
            n.onset = grammar.currentStep();
            n.duration = s.lastDuration;
            n.pitch = s.lastPitch;
            n.velocity = tok::velocityOfBin(s.lastVelocity, v.config());
            seq.notes.push_back(n);
        }
    }
    seq.end = s.bars > 0 ? s.barStart + s.barLength : 0;
    return seq;
}

}  // namespace

NoteSequence noteSequenceFromTokens(const std::uint16_t* tokens, std::size_t count, const tok::Tokenizer& tokenizer) {
    std::optional<NoteSequence> fast = viaGrammar(tokens, count, tokenizer);
    NoteSequence seq = fast ? std::move(*fast) : viaDecoder(tokens, count, tokenizer);
    // The grammar orders notes by onset, then pitch within a group; a repaired sequence keeps
    // that too, but the contract is cheap to guarantee.
    const auto byOnsetPitch = [](const Note& a, const Note& b) { return std::tie(a.onset, a.pitch) < std::tie(b.onset, b.pitch); };
    if (!std::is_sorted(seq.notes.begin(), seq.notes.end(), byOnsetPitch))
        std::stable_sort(seq.notes.begin(), seq.notes.end(), byOnsetPitch);
    return seq;
}

NoteSequence noteSequenceFromMidi(const midi::MidiFile& file, const tok::Tokenizer& tokenizer) {
    return noteSequenceFromTokens(tokenizer.encode(file).tokens, tokenizer);
}

MidiNoteSequence noteSequenceFromMidiFile(const std::string& path, const tok::Tokenizer& tokenizer) {
    MidiNoteSequence out;
    auto read = midi::readMidiFile(path);
    if (!read.ok()) {
        out.error = path + ": " + read.error().toString();
        return out;
    }
    NoteSequence seq = noteSequenceFromMidi(read.value(), tokenizer);
    if (seq.notes.empty()) {
        out.error = path + ": has no notes a piano plays (drums and keys outside the piano's range are left out)";
        return out;
    }
    out.sequence = std::move(seq);
    return out;
}

}  // namespace pm::analysis
