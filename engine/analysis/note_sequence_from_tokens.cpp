#include "analysis/note_sequence_from_tokens.h"

#include "midi/midi_reader.h"   // pm::midi::readMidiFile

#include <algorithm>
#include <tuple>

namespace pm::analysis {

NoteSequence noteSequenceFromTokens(const std::uint16_t* tokens, std::size_t count, const tok::Tokenizer& tokenizer) {
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
    // The grammar already orders notes by onset, then pitch within a group; a repaired sequence
    // keeps that too, but the contract is cheap to guarantee.
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
