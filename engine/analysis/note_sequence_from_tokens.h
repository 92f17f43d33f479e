// Tokens (or a MIDI file) to the NoteSequence the analyses read, through the tokenizer's own
// decoder: what the metrics and the copy check see is exactly what the model sees, on the same
// grid, with the bar lines the Bar tokens put there.
#pragma once

#include "analysis/note_sequence.h"

#include "midi/midi_file.h"        // pm::midi::MidiFile
#include "tokenizer/tokenizer.h"   // pm::tok::Tokenizer

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pm::analysis {

// Decodes `tokens` with `tokenizer` (its StreamingDecoder: tolerant, so any id sequence gives a
// sequence; ids it skips are simply not notes). Steps are the tokenizer's grid
// (positions_per_quarter per quarter note); one bar line per Bar token; `end` is where the last
// bar ends (0 without bars). Notes come out sorted by (onset, pitch); a note shorter than half a
// step (Duration_0) has duration 0.
NoteSequence noteSequenceFromTokens(const std::uint16_t* tokens, std::size_t count, const tok::Tokenizer& tokenizer);
inline NoteSequence noteSequenceFromTokens(const std::vector<std::uint16_t>& tokens, const tok::Tokenizer& tokenizer) {
    return noteSequenceFromTokens(tokens.data(), tokens.size(), tokenizer);
}

// A MIDI file as the tokenizer puts it on its grid: encode, then decode as above. Notes the
// tokenizer leaves out (drums, keys outside the piano) are not in it.
NoteSequence noteSequenceFromMidi(const midi::MidiFile& file, const tok::Tokenizer& tokenizer);

struct MidiNoteSequence {
    std::optional<NoteSequence> sequence;   // set on success
    std::string error;                      // one line when not ("not a MIDI file: ...", "has no notes")
};
// Reads `path` (lenient reader) and converts it. A file that cannot be read, or that holds no
// note the tokenizer keeps, is an error.
MidiNoteSequence noteSequenceFromMidiFile(const std::string& path, const tok::Tokenizer& tokenizer);

}  // namespace pm::analysis
